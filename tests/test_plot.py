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
