import numpy as np
import pytest

from embedlib.vectors import Embeddings, normalize


@pytest.fixture
def emb():
    keys = ["cat", "dog", "car", "bus", "king", "queen", "man", "woman"]
    vecs = np.array([
        [1.0, 0.1, 0, 0], [0.9, 0.2, 0, 0], [0, 1.0, 0.1, 0], [0, 0.9, 0.2, 0],
        [0, 0, 1, 1], [0, 0, 1, -1], [0.2, 0, 0.1, 1], [0.2, 0, 0.1, -1],
    ])
    return Embeddings(keys, vecs)


def test_lookup_and_errors(emb):
    assert emb["dog"].shape == (4,) and len(emb) == 8 and emb.dim == 4 and "cat" in emb
    with pytest.raises(KeyError, match="'zebra' is not in the embeddings"):
        emb["zebra"]
    with pytest.raises(ValueError, match="got 2 keys for 1 vectors"):
        Embeddings(["a", "b"], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="unique"):
        Embeddings(["a", "a"], [[1.0], [2.0]])


def test_most_similar_excludes_query_and_is_sorted(emb):
    result = emb.most_similar("cat", topn=3)
    assert result[0][0] == "dog" and "cat" not in [k for k, _ in result]
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)
    assert emb.most_similar(["car"], topn=1)[0][0] == "bus"


def test_analogy_with_positive_and_negative(emb):
    assert emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"


def test_similarity_is_cosine(emb):
    a, b = emb["cat"], emb["car"]
    assert emb.similarity("cat", "car") == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-6)


def test_nearest_indices_matches_brute_force(emb):
    q = np.random.default_rng(0).normal(size=(5, 4))
    sims = normalize(q) @ emb.unit_vectors.T
    expected = np.argsort(-sims, axis=1)[:, :3]
    assert np.array_equal(emb.nearest_indices(q, topn=3, chunk=2), expected)


def test_normalize_keeps_zero_vectors():
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(out, [[0.6, 0.8], [0, 0]])


def test_gensim_round_trip(emb):
    kv = emb.to_gensim()
    assert kv.most_similar("cat", topn=1)[0][0] == "dog"
    back = Embeddings.from_gensim(kv)
    assert back.keys == emb.keys and np.allclose(back.vectors, emb.vectors)


def test_projector_export_reads_back_with_tensorboards_plugin(emb, tmp_path):
    pytest.importorskip("tensorboard")
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2
    from tensorboard.plugins.projector.projector_plugin import _read_tensor_tsv_file

    folder = emb.to_projector(tmp_path / "proj", metadata={"group": ["pet"] * 2 + ["vehicle"] * 2 + ["royal tab\there"] * 4})
    config = text_format.Parse((folder / "projector_config.pbtxt").read_text(), projector_config_pb2.ProjectorConfig())
    (info,) = config.embeddings
    assert info.tensor_name == "embedding" and list(info.tensor_shape) == [8, 4]
    tensors = _read_tensor_tsv_file(str(folder / info.tensor_path))
    assert np.allclose(tensors, emb.vectors, atol=1e-5)
    lines = (folder / info.metadata_path).read_text().splitlines()
    assert lines[0] == "key\tgroup" and len(lines) == 9
    assert lines[5] == "king\troyal tab here"  # tabs inside labels cannot break the columns


def test_projector_export_single_column_has_no_header(emb, tmp_path):
    folder = emb.to_projector(tmp_path)
    assert (folder / "metadata.tsv").read_text().splitlines() == emb.keys
    with pytest.raises(ValueError, match="metadata column 'g' has 1 values for 8 keys"):
        emb.to_projector(tmp_path, metadata={"g": ["x"]})


def test_project_is_the_signed_shadow_length():
    from embedlib.vectors import project

    assert project(np.array([[3.0, 4.0], [-2.0, 1.0]]), np.array([10.0, 0.0])).tolist() == [3.0, -2.0]
    with pytest.raises(ValueError, match="zero vector"):
        project(np.eye(2), np.zeros(2))


def test_mean_vector_averages_unit_vectors_of_known_keys_with_repeats():
    emb = Embeddings(["a", "b", "c"], [[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    np.testing.assert_allclose(emb.mean_vector(["a", "b", "a", "zzz"]), [2 / 3, 1 / 3], atol=1e-6)
    np.testing.assert_allclose(emb.mean_vector(["nope"]), [0.0, 0.0])
    np.testing.assert_allclose(emb.mean_vector([]), [0.0, 0.0])
