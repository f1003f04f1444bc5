"""embedlib.plot.interactive_map: the figure's content (its behaviour in a browser: test_browser.py)."""
import base64
import io
import sys

import numpy as np
import pytest

pytest.importorskip("plotly")

from embedlib import plot  # noqa: E402
from embedlib.plot_interactive import SEARCH_PROMPT  # noqa: E402

POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [4.0, 2.0]])
LABELS = ["cat", "dog", "car", "<unk>"]


def hover_labels(fig):
    return {row[0] for trace in fig.data if trace.customdata is not None for row in trace.customdata}


def test_labels_come_on_hover_never_printed_on_the_map():
    fig = plot.interactive_map(POINTS, LABELS)
    points, found = fig.data
    assert points.mode == "markers" and not points.showlegend  # one group: no legend
    assert hover_labels(fig) == {"cat", "dog", "car", "&lt;unk&gt;"}  # escaped: plotly reads hover text as HTML
    assert points.hovertemplate == "<b>%{customdata[0]}</b><extra></extra>"
    assert found.name == "found" and len(found.x) == 0  # the search marker, empty until a label is found
    assert fig.layout.hovermode == "closest" and fig.layout.dragmode == "zoom"
    assert fig.layout.yaxis.scaleanchor == "x"  # distances look the same both ways


def test_groups_get_a_trace_and_a_colour_each_and_hover_adds_detail():
    fig = plot.interactive_map(POINTS, LABELS, groups=["animal", "animal", "thing", "token"],
                               hover=["a pet", "a pet", "has wheels", "unknown word"], title="Words")
    traces = [t for t in fig.data if t.name != "found"]
    assert [t.name for t in traces] == ["animal", "thing", "token"] and all(t.showlegend for t in traces)
    assert len({t.marker.color for t in traces}) == 3
    assert [list(row) for row in traces[0].customdata] == [["cat", "a pet"], ["dog", "a pet"]]
    assert traces[0].hovertemplate == "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra>animal</extra>"
    assert fig.layout.title.text == "Words"
    many = plot.interactive_map(np.zeros((24, 2)), [str(i) for i in range(24)], groups=list(range(24)))
    assert len({t.marker.color for t in many.data if t.name != "found"}) == 24


def test_the_search_menu_marks_a_label_and_zooms_to_it():
    fig = plot.interactive_map(POINTS, LABELS)
    (menu,) = fig.layout.updatemenus
    buttons = {b.label: b for b in menu.buttons}
    assert list(buttons) == [SEARCH_PROMPT, "<unk>", "car", "cat", "dog"]  # alphabetical, after the prompt
    data, layout, traces = buttons["car"].args
    assert list(traces) == [len(fig.data) - 1]  # it restyles only the "found" trace
    assert data == {"x": [[2.0]], "y": [[0.0]], "text": [["car"]]}
    (x0, x1), (y0, y1) = layout["xaxis.range"], layout["yaxis.range"]
    assert x0 < 2.0 < x1 and y0 < 0.0 < y1 and x1 - x0 < 4.0  # zoomed in around the point
    reset = buttons[SEARCH_PROMPT].args
    assert reset[0]["x"] == [[]] and reset[1]["xaxis.autorange"] is True


def test_search_can_list_some_labels_or_none():
    fig = plot.interactive_map(POINTS, LABELS, search=["dog", "cat"])
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == [SEARCH_PROMPT, "cat", "dog"]
    assert plot.interactive_map(POINTS, LABELS, search=False).layout.updatemenus == ()
    with pytest.raises(ValueError, match="search labels not among the labels: \\['cow'\\]"):
        plot.interactive_map(POINTS, LABELS, search=["cow"])


def test_images_are_drawn_as_thumbnails_at_spread_out_points():
    from PIL import Image

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(4, 64, 64, 3), dtype=np.uint8)
    fig = plot.interactive_map(POINTS, LABELS, images=images)
    assert len(fig.layout.images) == 4
    first = fig.layout.images[0]
    assert first.xref == "x" and first.yref == "y" and first.sizex == pytest.approx(0.045 * 4.0)
    assert first.source.startswith("data:image/png;base64,")
    thumb = Image.open(io.BytesIO(base64.b64decode(first.source.split(",", 1)[1])))
    assert max(thumb.size) == 48  # small: the figure stays light
    close = plot.interactive_map(np.zeros((5, 2)), list("abcde"), images=rng.random((5, 8, 8, 3)))
    assert len(close.layout.images) == 1  # all on one spot: only one thumbnail is drawn
    assert len(plot.interactive_map(POINTS, LABELS, images=images, n_images=2).layout.images) == 2


@pytest.mark.parametrize("kwargs,message", [
    ({"points": np.zeros((3, 3)), "labels": list("abc")}, r"points must have shape \(n, 2\)"),
    ({"points": np.zeros((3, 2)), "labels": list("ab")}, r"labels must have one entry per point \(3\), got 2"),
    ({"points": np.zeros((3, 2)), "labels": list("abc"), "groups": [1]}, "groups must have one entry per point"),
    ({"points": np.zeros((3, 2)), "labels": list("abc"), "hover": ["x"] * 4}, "hover must have one entry per point"),
    ({"points": np.zeros((3, 2)), "labels": list("abc"), "images": np.zeros((3, 8, 8))}, "images must be RGB"),
])
def test_shape_errors_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot.interactive_map(**kwargs)


def test_without_plotly_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(ImportError, match="pip install plotly"):
        plot.interactive_map(POINTS, LABELS)


def test_the_figure_is_a_value_that_renders_as_the_plotly_mime_type():
    fig = plot.interactive_map(POINTS, LABELS)
    import plotly.io

    bundle = plotly.io.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    assert "application/vnd.plotly.v1+json" in bundle  # what Jupyter stores, and the book draws
