import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from embedlib import plot


def test_helpers_return_axes_with_labels():
    ax = plot.rank_frequency([5, 3, 1])
    assert ax.get_xlabel().startswith("rank")
    ax = plot.heatmap(np.eye(2), ["a", "b"], title="h", xlabel="context")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_title() == "h" and ax.get_xlabel() == "context"
    assert plot.rank_frequency([2, 1], title="z").get_title() == "z"
    ax = plot.map_2d(np.zeros((3, 2)), labels=["x", "y", "z"], groups=["g", "g", "h"], title="t")
    assert ax.get_title() == "t" and len(ax.texts) == 3
    ax = plot.training_curve([3, 2, 1], ylabel="loss")
    assert ax.get_ylabel() == "loss"


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="does not match 3 row"):
        plot.heatmap(np.eye(2), ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot.map_2d(np.zeros((3, 3)))


def test_image_grid_tiles_images_with_titles_and_frames():
    rng = np.random.default_rng(0)
    ax = plot.image_grid(rng.random((7, 1, 8, 8)), titles=list("abcdefg"), ncols=3, title="grid",
                         frame_colors=["green", None, "red", None, None, None, None])
    assert ax.get_title() == "grid" and [t.get_text() for t in ax.texts] == list("abcdefg")
    assert len(ax.patches) == 2
    height, width = ax.images[0].get_array().shape
    assert width > 3 * 8 and height > 3 * 8  # 3 columns and 3 rows of 8x8 tiles, with gaps
    ax = plot.image_grid(rng.random((2, 3, 5, 5)), rescale=True)
    assert ax.images[0].get_array().shape[-1] == 3
    with pytest.raises(ValueError, match="one entry per image"):
        plot.image_grid(np.zeros((3, 4, 4)), titles=["a"])
    with pytest.raises(ValueError, match=r"images must be \(n, h, w\)"):
        plot.image_grid(np.zeros((4, 4)))


def test_image_map_draws_dots_for_all_and_spread_out_thumbnails_for_some():
    from matplotlib.offsetbox import AnnotationBbox

    rng = np.random.default_rng(0)
    points = rng.random((300, 2))
    images = rng.integers(0, 256, size=(300, 6, 6, 3), dtype=np.uint8)
    images[:, 0, 0] = 255  # a white pixel, made transparent
    ax = plot.image_map(points, images, groups=["a", "b", "c"] * 100, n_images=40, title="map")
    shown = ax.image_map_shown
    assert ax.get_title() == "map" and 0 < len(shown) <= 40 and len(set(shown.tolist())) == len(shown)
    assert sum(isinstance(a, AnnotationBbox) for a in ax.artists) == len(shown)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 300  # every image is a dot
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    gaps = np.linalg.norm(points[shown][:, None] - points[shown][None], axis=-1) + np.eye(len(shown))
    assert gaps.min() > 0.01  # no two thumbnails on top of each other
    again = plot.image_map(points, images.astype(float) / 255, n_images=40)
    assert again.image_map_shown.tolist() == shown.tolist()  # seeded
    assert len(plot.image_map(points, images, n_images=0).image_map_shown) == 0
    with pytest.raises(ValueError, match="one image per point"):
        plot.image_map(points, images[:10])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot.image_map(points[:, :1], images)


def test_label_points_writes_each_label_inside_the_axes_on_a_white_box():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    points = np.array([[0.0, 0.0], [0.01, 0.0], [1.0, 1.0]])  # two nearly on top of each other
    ax.scatter(*points.T)
    plot.label_points(ax, points, ["Valjean", "Javert", "Myriel"])
    texts = {t.get_text(): t for t in ax.texts}
    assert set(texts) == {"Valjean", "Javert", "Myriel"}
    assert all(t.get_bbox_patch() is not None for t in texts.values())
    fig.canvas.draw()
    a, b = (texts[n].get_window_extent() for n in ("Valjean", "Javert"))
    assert not a.overlaps(b)  # moved apart
    with pytest.raises(ValueError, match="3 points but 2 labels"):
        plot.label_points(ax, points, ["a", "b"])
    plt.close(fig)


def test_label_points_passes_its_style_to_every_label():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    fig, ax = plt.subplots()
    plot.label_points(ax, [[0, 0], [1, 1]], ["cat", "dog"], fontsize=12, color="tab:blue", fontweight="bold")
    assert [t.get_text() for t in ax.texts] == ["cat", "dog"]
    assert all(to_rgba(t.get_color()) == to_rgba("tab:blue") and t.get_fontweight() == "bold" and t.get_fontsize() == 12
               for t in ax.texts)
    plt.close(fig)
