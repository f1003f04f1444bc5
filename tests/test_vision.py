import struct
from urllib.error import URLError

import numpy as np
import pytest
import torch

from embedlib import vision


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """The networks here are tiny: one thread is fastest, and several slow to a crawl on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def digits():
    return vision.load_digits()


@pytest.fixture(scope="module")
def split(digits):
    """A shuffled split: the first and last scans are by different writers."""
    images, labels = digits
    order = np.random.default_rng(0).permutation(len(labels))
    train, test = order[:1200], order[1200:]
    return images[train], labels[train], images[test], labels[test]


@pytest.fixture(scope="module")
def trained(split):
    images, labels, _, _ = split
    model = vision.DigitsCNN(seed=0)
    losses = vision.train_classifier(model, images, labels, epochs=8, progress=False)
    return model, losses


def test_load_digits_format(digits):
    images, labels = digits
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert sorted(set(labels.tolist())) == list(range(10))


# -- the torchvision loader, offline, on a tiny data set in torchvision's own files ----------


def write_idx(path, array):
    """The IDX format of MNIST: a magic number (0, 0, type 0x08 = ubyte, ndim), the sizes, the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.tobytes())


def write_tiny_mnist(root, folder, n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    out = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28))
        labels = rng.integers(0, 10, size=n)
        write_idx(raw / f"{split}-images-idx3-ubyte", images)
        write_idx(raw / f"{split}-labels-idx1-ubyte", labels)
        out[split] = images, labels
    return out


@pytest.mark.parametrize("name,folder", [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")])
def test_load_torchvision_reads_torchvision_files_offline(tmp_path, name, folder):
    written = write_tiny_mnist(tmp_path, folder)
    images, labels = vision.load_torchvision(name, root=tmp_path)
    assert images.shape == (12, 1, 28, 28) and images.dtype == np.float32
    assert labels.dtype == np.int64
    np.testing.assert_allclose(images[:, 0] * 255, written["train"][0], atol=1e-3)
    assert labels.tolist() == written["train"][1].tolist()
    test_images, test_labels = vision.load_torchvision(name, root=str(tmp_path), train=False, limit=3)
    assert test_images.shape == (3, 1, 28, 28) and test_labels.tolist() == written["t10k"][1][:3].tolist()


def test_load_torchvision_says_what_to_do_when_files_are_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="pass download=True"):
        vision.load_torchvision("mnist", root=tmp_path)
    with pytest.raises(ValueError, match="name must be one of 'mnist', 'fashion-mnist'"):
        vision.load_torchvision("cifar", root=tmp_path)
    with pytest.raises(ValueError, match="limit must be an int >= 1"):
        vision.load_torchvision("mnist", root=tmp_path, limit=0)


def test_load_torchvision_failed_download_is_a_connection_error(tmp_path, monkeypatch):
    from torchvision.datasets import MNIST

    def offline(self):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(MNIST, "download", offline)
    with pytest.raises(ConnectionError, match="are you online"):
        vision.load_torchvision("mnist", root=tmp_path, download=True)


# -- the network -----------------------------------------------------------------------------


@pytest.mark.parametrize("in_size", [8, 28])
def test_cnn_shapes(in_size):
    model = vision.DigitsCNN(in_size=in_size, embed_dim=32, n_classes=7, seed=0)
    x = torch.zeros(3, 1, in_size, in_size)
    assert model.features(x).shape == (3, 32)
    assert model(x).shape == (3, 7)
    with pytest.raises(ValueError, match=rf"takes images of shape \(n, 1, {in_size}, {in_size}\)"):
        model(torch.zeros(3, 1, in_size + 1, in_size + 1))


def test_cnn_seed_fixes_the_weights_and_leaves_the_global_generator_alone():
    torch.manual_seed(5)
    before = torch.rand(1)
    torch.manual_seed(5)
    a, b = vision.DigitsCNN(seed=1), vision.DigitsCNN(seed=1)
    assert torch.rand(1) == before
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = vision.DigitsCNN(seed=2)
    assert not torch.equal(a.conv1.weight, c.conv1.weight)
    with pytest.raises(ValueError, match="embed_dim must be an int >= 1, got 0"):
        vision.DigitsCNN(embed_dim=0)


def test_training_reduces_the_loss_and_classifies_digits(split, trained):
    _, _, test_images, test_labels = split
    model, losses = trained
    assert len(losses) == 8 and losses[-1] < losses[0] / 5
    assert vision.accuracy(model, test_images, test_labels) > 0.95


def test_training_is_deterministic_under_a_seed(digits):
    images, labels = digits
    runs = []
    for seed in (0, 0, 1):
        model = vision.DigitsCNN(seed=3)
        losses = vision.train_classifier(model, images[:256], labels[:256], epochs=2, seed=seed, progress=False)
        runs.append((losses, model.head.weight.detach().clone()))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]


def test_training_input_errors_are_clear(digits):
    images, labels = digits
    model = vision.DigitsCNN(seed=0)
    with pytest.raises(ValueError, match=r"images\[:, None\]"):
        vision.train_classifier(model, images[:, 0], labels, progress=False)
    with pytest.raises(ValueError, match="one label per image"):
        vision.train_classifier(model, images, labels[:10], progress=False)
    with pytest.raises(ValueError, match="between 0 and 9"):
        vision.train_classifier(model, images[:4], np.array([0, 1, 2, 10]), progress=False)
    with pytest.raises(ValueError, match="labels must be integers"):
        vision.train_classifier(model, images[:4], np.zeros(4), progress=False)
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        vision.train_classifier(model, images, labels, epochs=0, progress=False)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        vision.train_classifier(model, images, labels, lr=-1, progress=False)


def test_embed_gives_unit_rows_of_the_features(digits, trained):
    images, _ = digits
    model, _ = trained
    model.train()
    z = vision.embed(model, images[:100], batch_size=7)
    assert z.shape == (100, 64) and z.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1, atol=1e-5)
    assert model.training, "embed restores the model's mode"
    raw = vision.embed(model, images[:100], normalize=False)
    with torch.no_grad():
        expected = model.features(torch.as_tensor(images[:100])).numpy()
    np.testing.assert_allclose(raw, expected, atol=1e-5)
    np.testing.assert_allclose(z, raw / np.linalg.norm(raw, axis=1, keepdims=True), atol=1e-5)
    # a module without .features: its output is the embedding
    flat = vision.embed(torch.nn.Flatten(), images[:3])
    assert flat.shape == (3, 64)


# -- search and scores ---------------------------------------------------------------------


def brute_force(q, db, k):
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    dn = db / np.linalg.norm(db, axis=1, keepdims=True)
    sims = qn @ dn.T
    return np.argsort(-sims, axis=1)[:, :k], np.sort(sims, axis=1)[:, ::-1][:, :k]


def test_cosine_search_equals_brute_force_and_sklearn():
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(0)
    db, q = rng.normal(size=(500, 16)), rng.normal(size=(60, 16))
    idx, scores = vision.cosine_search(q, db, k=7, chunk=16)
    assert idx.shape == scores.shape == (60, 7) and idx.dtype == np.int64
    expected_idx, expected_scores = brute_force(q, db, 7)
    assert np.array_equal(idx, expected_idx)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-5)
    distances, sk_idx = NearestNeighbors(n_neighbors=7, metric="cosine", algorithm="brute").fit(db).kneighbors(q)
    assert np.array_equal(idx, sk_idx)
    np.testing.assert_allclose(scores, 1 - distances, atol=1e-5)


def test_cosine_search_chunking_and_exclude_self():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 8)).astype(np.float32)
    results = [vision.cosine_search(x, x, k=5, chunk=c, exclude_self=True) for c in (1, 7, 64, 1024)]
    for idx, scores in results[1:]:
        assert np.array_equal(idx, results[0][0])
        np.testing.assert_allclose(scores, results[0][1], atol=1e-6)
    idx = results[0][0]
    assert not (idx == np.arange(300)[:, None]).any()
    with_self, _ = vision.cosine_search(x, x, k=1)
    assert (with_self[:, 0] == np.arange(300)).all()
    # every row returned when k is the whole database
    all_idx, all_scores = vision.cosine_search(x[:3], x, k=300)
    assert sorted(all_idx[0].tolist()) == list(range(300)) and (np.diff(all_scores, axis=1) <= 0).all()


def test_cosine_search_input_errors_are_clear():
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match="k must be an int between 1 and 3"):
        vision.cosine_search(x, x, k=4, exclude_self=True)
    with pytest.raises(ValueError, match="same number of columns"):
        vision.cosine_search(x, np.ones((4, 2)))
    with pytest.raises(ValueError, match="queries to be the database"):
        vision.cosine_search(x[:2], x, k=1, exclude_self=True)
    with pytest.raises(ValueError, match="queries must be a 2-D array"):
        vision.cosine_search(np.ones(3), x)
    with pytest.raises(ValueError, match="chunk must be an int >= 1"):
        vision.cosine_search(x, x, chunk=0, k=1)


def test_centre_subtracts_the_database_mean_from_both_and_returns_unit_rows():
    rng = np.random.default_rng(0)
    database = rng.random((20, 5)) + 2.0  # all in one corner: every cosine is high
    queries = rng.random((3, 5)) + 5.0
    db, q = vision.centre(database, queries)
    mean = database.mean(axis=0)
    np.testing.assert_allclose(db, (database - mean) / np.linalg.norm(database - mean, axis=1, keepdims=True), atol=1e-5)
    np.testing.assert_allclose(q, (queries - mean) / np.linalg.norm(queries - mean, axis=1, keepdims=True), atol=1e-5)
    assert db.dtype == q.dtype == np.float32 and db.shape == (20, 5) and q.shape == (3, 5)
    unit = database / np.linalg.norm(database, axis=1, keepdims=True)
    assert (unit @ unit.T).min() > 0.8 and (db @ db.T).min() < 0  # from one corner to all directions
    same, _ = vision.centre(np.ones((2, 3)), np.ones((1, 3)))
    assert np.all(same == 0)  # a row equal to the mean stays zero instead of dividing by zero
    with pytest.raises(ValueError, match="same number of columns"):
        vision.centre(database, queries[:, :4])
    with pytest.raises(ValueError, match="database is empty"):
        vision.centre(np.ones((0, 5)), queries)


def test_precision_at_k():
    query = np.array([0, 1, 2])
    retrieved = np.array([[0, 0, 1, 0], [1, 2, 2, 1], [0, 0, 0, 2]])
    assert vision.precision_at_k(query, retrieved, k=1) == pytest.approx(2 / 3)
    assert vision.precision_at_k(query, retrieved, k=3) == pytest.approx((2 + 1 + 0) / 9)
    assert vision.precision_at_k(query, retrieved, k=4) == pytest.approx((3 + 2 + 1) / 12)
    with pytest.raises(ValueError, match="k must be an int between 1 and 4"):
        vision.precision_at_k(query, retrieved, k=5)
    with pytest.raises(ValueError, match="for the same n"):
        vision.precision_at_k(query[:2], retrieved)


def test_precision_by_category_averages_each_category_s_queries():
    labels = np.array([0, 0, 0, 1])
    top = np.array([[1, 3, 2], [3, 0, 2], [3, 3, 3], [0, 1, 2]])
    np.testing.assert_allclose(vision.precision_by_category(top, labels, k=1), [(1 + 0 + 0) / 3, 0])
    np.testing.assert_allclose(vision.precision_by_category(top, labels, k=2), [(0.5 + 0.5 + 0) / 3, 0])
    assert np.isnan(vision.precision_by_category(top, np.array([0, 0, 2, 2]), k=1)[1]), "a category without items"
    with pytest.raises(ValueError, match="k must be an int between 1 and 3"):
        vision.precision_by_category(top, labels, k=4)
    with pytest.raises(ValueError, match="labels must be ints"):
        vision.precision_by_category(top, labels.astype(float), k=1)


def test_train_step_is_the_step_of_train_classifier(digits):
    images, labels = digits
    a, b = vision.DigitsCNN(seed=0), vision.DigitsCNN(seed=0)
    optimizer = torch.optim.Adam(a.parameters(), lr=3e-3)
    order = torch.randperm(64, generator=torch.Generator().manual_seed(0))
    x, y = torch.as_tensor(images[:64]), torch.as_tensor(labels[:64])
    loss = vision.train_step(a, optimizer, x[order], y[order])
    losses = vision.train_classifier(b, images[:64], labels[:64], epochs=1, seed=0, progress=False)
    assert isinstance(loss, float) and loss == pytest.approx(losses[0])
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_kmeans_nmi_is_one_for_separated_classes_and_low_for_noise():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 30)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    separated = centres[labels] + rng.normal(size=(90, 2))
    assert vision.kmeans_nmi(separated, labels) == pytest.approx(1.0)
    assert vision.kmeans_nmi(rng.normal(size=(90, 2)), labels) < 0.2
    assert vision.kmeans_nmi(separated, labels, n_clusters=6) < 1.0


# -- the ResNet-18 backbone ------------------------------------------------------------------


def test_resnet18_backbone_loads_a_saved_state_dict(tmp_path):
    import torchvision

    torch.manual_seed(0)
    full = torchvision.models.resnet18()
    path = tmp_path / "resnet18.pt"
    torch.save(full.state_dict(), path)
    backbone = vision.resnet18_backbone(path)
    assert isinstance(backbone.fc, torch.nn.Identity) and not backbone.training
    assert torch.equal(backbone.conv1.weight, full.conv1.weight)
    assert torch.equal(backbone.layer4[1].bn2.running_var, full.layer4[1].bn2.running_var)
    # a backbone's own state dict (no fc) loads too, and gives the same features
    torch.save(backbone.state_dict(), tmp_path / "backbone.pt")
    again = vision.resnet18_backbone(str(tmp_path / "backbone.pt"))
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        out = backbone(x)
        assert out.shape == (2, 512) and torch.allclose(out, again(x))
        full.fc = torch.nn.Identity()
        assert torch.allclose(out, full.eval()(x))


def test_resnet18_backbone_embeds_grey_digits(digits):
    images, _ = digits
    model = torch.nn.Sequential(vision.ImageNetInput(size=32), vision.resnet18_backbone(None))
    z = vision.embed(model, images[:5])
    assert z.shape == (5, 512)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1, atol=1e-5)
    with pytest.raises(ValueError, match=r"\(n, 1 or 3, h, w\)"):
        vision.ImageNetInput()(torch.zeros(1, 2, 8, 8))


def test_resnet18_backbone_errors_are_clear(tmp_path, monkeypatch):
    import torchvision.models._api as api

    with pytest.raises(FileNotFoundError, match="no state dict at"):
        vision.resnet18_backbone(tmp_path / "missing.pt")
    torch.save({"conv1.weight": torch.zeros(1)}, tmp_path / "partial.pt")
    with pytest.raises(ValueError, match="is not a ResNet-18 state dict"):
        vision.resnet18_backbone(tmp_path / "partial.pt")
    with pytest.raises(ValueError, match="weights must be None, 'imagenet' or a path"):
        vision.resnet18_backbone(42)

    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(api, "load_state_dict_from_url", offline)
    with pytest.raises(ConnectionError, match="are you online"):
        vision.resnet18_backbone("imagenet")
