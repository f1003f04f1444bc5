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


def tensorboard_reads(folder):
    """What TensorBoard's projector plugin serves for ``folder`` (its own config, tensor and
    metadata routes), the metadata parsed as its front end does: ``(name, tensor, rows)``."""
    pytest.importorskip("tensorboard")
    import json

    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin
    from werkzeug.test import Client

    class NoRuns:  # the folder itself is the run "."
        def list_runs(self, ctx, experiment_id):
            return []

    apps = ProjectorPlugin(base_plugin.TBContext(logdir=str(folder), data_provider=NoRuns())).get_plugin_apps()

    def get(route, **query):
        response = Client(apps[route]).get("/", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data()

    (info,) = json.loads(get("/info", run="."))["embeddings"]
    name = info["tensorName"]
    tensor = np.frombuffer(get("/tensor", run=".", name=name), dtype=np.float32).reshape(info["tensorShape"])
    return name, tensor, parse_metadata(get("/metadata", run=".", name=name).decode("utf-8"))


def parse_metadata(content: str) -> list[dict]:
    """A line-by-line port of parseMetadata in TensorBoard's vz_projector/data-provider.ts:
    lines split on "\\n", blank ones skipped, a first line with a tab is the header, cells
    split on "\\t", an empty cell is a missing value (None)."""
    rows, columns, header_seen = [], ["label"], False
    for line in content.split("\n"):
        if not line.strip():
            continue
        if not header_seen and not rows and "\t" in line:
            columns, header_seen = line.split("\t"), True
            continue
        values = line.split("\t")
        rows.append({c: (values[i] if i < len(values) and values[i] != "" else None) for i, c in enumerate(columns)})
    return rows


TRICKY_KEYS = ["café", "Москва", " leading", "trailing ", "two  spaces", 'q"uote\\', "#hash", "1e5", 7, (1, "x")]


def test_projector_export_reads_back_with_tensorboards_plugin(tmp_path):
    n = len(TRICKY_KEYS)
    emb = Embeddings(TRICKY_KEYS, np.random.default_rng(0).normal(size=(n, 3)))
    metadata = {"group": ["", "x y", " ", "é", "#", "'", "nan", "0", None, "(1, 'x')"], 7: list(range(n))}
    name = 'my "tensor"\n\\ é\t{}'
    folder = emb.to_projector(tmp_path / "proj", metadata=metadata, name=name)
    read_name, tensor, rows = tensorboard_reads(folder)
    assert read_name == name
    np.testing.assert_allclose(tensor, emb.vectors, rtol=1e-5)
    assert [list(r) for r in rows] == [["key", "group", "7"]] * n
    assert [r["key"] for r in rows] == [str(k) for k in TRICKY_KEYS]
    assert [r["group"] for r in rows] == [str(v) if v != "" else None for v in metadata["group"]]  # "" is missing
    assert [r["7"] for r in rows] == [str(i) for i in range(n)]


def test_projector_export_single_column_has_no_header(emb, tmp_path):
    folder = emb.to_projector(tmp_path)
    assert (folder / "metadata.tsv").read_text().splitlines() == emb.keys
    assert [r["label"] for r in tensorboard_reads(folder)[2]] == emb.keys
    tricky = Embeddings(TRICKY_KEYS, np.ones((len(TRICKY_KEYS), 2)))
    assert [r["label"] for r in tensorboard_reads(tricky.to_projector(tmp_path / "t"))[2]] == list(map(str, TRICKY_KEYS))


BAD_EXPORTS = [
    (dict(keys=["a", "b\tc"]), ValueError, r"the key at row 1, 'b\\tc' contains a tab.*replace them"),
    (dict(keys=["a\nb", "c"]), ValueError, r"key at row 0, 'a\\nb' contains a line break"),
    (dict(keys=["a\r", "c"]), ValueError, r"contains a carriage return"),
    (dict(keys=["a\u2028", "c"]), ValueError, r"contains a line separator \(U\+2028\)"),
    (dict(keys=["", "c"]), ValueError, r"key at row 0, '' is blank.*give it a visible name"),
    (dict(keys=["a", "  "]), ValueError, r"key at row 1, '  ' is blank"),
    (dict(metadata={"g": ["x", "y\nz"]}), ValueError, r"metadata\['g'\]\[1\] \(key 'b'\): 'y\\nz' contains a line break"),
    (dict(metadata={"g\th": ["x", "y"]}), ValueError, r"metadata column name 'g\\th' contains a tab"),
    (dict(metadata={"": ["x", "y"]}), ValueError, r"metadata column name '' is blank"),
    (dict(metadata={"key": ["x", "y"]}), ValueError, r"column 'key' has the same name as the key column.*rename it"),
    (dict(metadata={1: ["x", "y"], "1": ["z", "w"]}), ValueError, r"column '1' has the same name as another column"),
    (dict(metadata={"g": "xy"}), TypeError, r"metadata\['g'\] must be a list with one value per key, got one str"),
    (dict(metadata={"g": ["x"]}), ValueError, r"metadata column 'g' has 1 values for 2 keys"),
    (dict(metadata=[["x", "y"]]), TypeError, r"metadata must be a dict of column name -> one value per key"),
    (dict(vectors=[[1.0, np.nan], [0.0, 1.0]]), ValueError, r"vector of key 'a' \(row 0\) has nan in column 1.*finite"),
    (dict(vectors=[[1.0, 0.0], [np.inf, -np.inf]]), ValueError, r"vector of key 'b' \(row 1\) has inf"),
    (dict(name=""), ValueError, r"name must be a non-blank str"),
    (dict(name="emb:0"), ValueError, r"name 'emb:0' ends with ':0'.*drop the suffix"),
]


@pytest.mark.parametrize("change,error,message", BAD_EXPORTS, ids=[m[:30] for _, _, m in BAD_EXPORTS])
def test_projector_export_refuses_what_tensorboard_would_read_differently(change, error, message, tmp_path):
    keys, vectors = change.get("keys", ["a", "b"]), change.get("vectors", [[1.0, 0.0], [0.0, 1.0]])
    good = Embeddings(["old", "files"], np.eye(2)).to_projector(tmp_path, metadata={"g": ["x", "y"]})
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    with pytest.raises(error, match=message):
        Embeddings(keys, vectors).to_projector(tmp_path, metadata=change.get("metadata"), name=change.get("name", "e"))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing half-written, no temp files
    with pytest.raises(error, match=message):  # and nothing at all in a new folder
        Embeddings(keys, vectors).to_projector(tmp_path / "new", metadata=change.get("metadata"),
                                               name=change.get("name", "e"))
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


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


def test_keys_that_become_the_same_string_in_gensim_are_an_error():
    emb = Embeddings([1, "1", 2], np.eye(3))
    with pytest.raises(ValueError, match=r"keys 1 and '1' both become '1' in gensim.*rename one"):
        emb.to_gensim()
    with pytest.raises(TypeError, match=r"keys\[1\] is a list.*hashable"):
        Embeddings(["a", ["b"]], np.eye(2))
