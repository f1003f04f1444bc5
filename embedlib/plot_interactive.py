"""Interactive embedding maps (plotly): hover a point for its label, zoom, find a label.

A static map with a text label by every point piles the labels up; here the
label appears when the pointer is on the point, and a menu finds a word and
zooms to it. The figure works in Jupyter, on Colab and in the book (which
serves plotly.js itself, so it works offline). :func:`interactive_map` is
re-exported as ``embedlib.plot.interactive_map``.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Sequence

import numpy as np

__all__ = ["interactive_map"]

SEARCH_PROMPT = "find a label…"
_ZOOM = 0.12  # a found label is shown in a window this fraction of the map's extent on each side


def _plotly():
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise ImportError("interactive_map needs plotly: pip install plotly") from None
    return go


def _palette(n: int) -> list[str]:
    from plotly.colors import qualitative

    return (qualitative.Plotly if n <= 10 else qualitative.Dark24 if n <= 24 else qualitative.Alphabet * (n // 26 + 1))[:n]


def _png_uri(image: np.ndarray, size: int) -> str:
    """A small PNG (longest side ``size`` pixels) of an RGB image, as a data URI."""
    from PIL import Image

    rgb = np.asarray(image)
    if rgb.dtype != np.uint8:
        rgb = (np.clip(rgb, 0.0, 1.0) * 255).round().astype(np.uint8)
    thumb = Image.fromarray(rgb, "RGB")
    thumb.thumbnail((size, size))
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _search_menu(points: np.ndarray, labels: list[str], wanted: Sequence[str], trace: int, extent: float) -> dict:
    """A dropdown with one entry per label: it marks that point and zooms to it."""
    where = {label: i for i, label in enumerate(labels)}
    missing = [w for w in wanted if w not in where]
    if missing:
        raise ValueError(f"search labels not among the labels: {missing[:5]}")
    half = _ZOOM * extent
    buttons = [{"label": SEARCH_PROMPT, "method": "update",
                "args": [{"x": [[]], "y": [[]], "text": [[]]},
                         {"xaxis.autorange": True, "yaxis.autorange": True}, [trace]]}]
    for label in sorted(dict.fromkeys(wanted), key=str.casefold):
        x, y = (float(v) for v in points[where[label]])
        buttons.append({"label": label, "method": "update",
                        "args": [{"x": [[x]], "y": [[y]], "text": [[html.escape(label)]]},
                                 {"xaxis.range": [x - half, x + half], "yaxis.range": [y - half, y + half]},
                                 [trace]]})
    return {"buttons": buttons, "direction": "down", "showactive": True, "active": 0,
            "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "pad": {"b": 4}}


def interactive_map(
    points,
    labels: Sequence[str],
    groups: Sequence | None = None,
    hover: Sequence[str] | None = None,
    search: bool | Sequence[str] = True,
    images=None,
    n_images: int = 300,
    title: str | None = None,
    height: int = 600,
    marker_size: float = 7,
    seed: int = 0,
):
    """An interactive 2-D map of embedded objects, as a plotly Figure.

    Parameters
    ----------
    points : array of shape (n, 2)
        The 2-D positions (reduce with PCA or t-SNE first).
    labels : n strings
        Each point's name, shown when the pointer is on it (never printed on the map).
    groups : n values, optional
        Colours the points, one legend entry per group (click one to hide it).
    hover : n strings, optional
        More text under the label on hover (a category, a count...).
    search : bool or list of str
        A menu that finds a label, marks it and zooms to it: ``True`` lists every
        label, a list only those, ``False`` none.
    images : array of shape (n, h, w, 3), optional
        RGB images (uint8, or floats in [0, 1]): a spread-out subset of up to
        ``n_images`` (chosen with ``seed``, as in :func:`embedlib.plot.image_map`)
        is drawn as thumbnails at their points; zoom in to see them larger.
        plotly's hover box shows text only, so the label comes on hover and the
        picture is on the map.
    title, height, marker_size
        The figure's title, height in pixels and the points' size.

    Returns
    -------
    plotly.graph_objects.Figure
        Show it by leaving it as a cell's last value, or with ``fig.show()``.

    Raises
    ------
    ValueError
        If the shapes do not match, or a search label is not among ``labels``.

    Example
    -------
    >>> fig = interactive_map([[0, 0], [1, 1], [2, 0]], ["cat", "dog", "car"], groups=["animal", "animal", "thing"])
    >>> [trace.name for trace in fig.data]
    ['animal', 'thing', 'found']
    """
    go = _plotly()
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    labels = [str(label) for label in labels]
    n = len(points)
    for name, values in (("labels", labels), ("groups", groups), ("hover", hover)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per point ({n}), got {len(values)}")
    groups_ = ["" for _ in range(n)] if groups is None else [str(g) for g in groups]
    details = [html.escape(str(h)) for h in hover] if hover is not None else [""] * n
    names = [html.escape(label) for label in labels]

    more = "<br>%{customdata[1]}" if hover is not None else ""
    fig = go.Figure()
    distinct = list(dict.fromkeys(groups_))
    for group, colour in zip(distinct, _palette(len(distinct))):
        rows = [i for i in range(n) if groups_[i] == group]
        fig.add_trace(go.Scatter(
            x=points[rows, 0], y=points[rows, 1], mode="markers", name=group or "points",
            showlegend=groups is not None, marker={"size": marker_size, "color": colour, "opacity": 0.8},
            customdata=[[names[i], details[i]] for i in rows],
            hovertemplate=f"<b>%{{customdata[0]}}</b>{more}<extra>{html.escape(group)}</extra>",
        ))
    fig.add_trace(go.Scatter(  # the label found with the search menu (empty until then)
        x=[], y=[], text=[], name="found", mode="markers+text", showlegend=False, hoverinfo="skip",
        textposition="top center", textfont={"size": 14},
        marker={"size": marker_size * 2.6, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "crimson"}},
    ))
    extent = (float(np.ptp(points, axis=0).max()) if n else 0.0) or 1.0
    if images is not None:
        fig.update_layout(images=_thumbnails(points, images, n_images, extent, seed))
    wanted = labels if search is True else list(search) if search else []
    fig.update_layout(
        title={"text": title, "x": 0.5, "xanchor": "center"}, height=height, hovermode="closest", dragmode="zoom", plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 70 if title else 40, "b": 10},
        xaxis={"showticklabels": False, "showgrid": False, "zeroline": False},
        yaxis={"showticklabels": False, "showgrid": False, "zeroline": False, "scaleanchor": "x"},
        updatemenus=[_search_menu(points, labels, wanted, len(fig.data) - 1, extent)] if wanted else [],
    )
    return fig


def _thumbnails(points: np.ndarray, images, n_images: int, extent: float, seed: int) -> list[dict]:
    from .plot import _spread_out

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or len(images) != len(points):
        raise ValueError(f"images must be RGB of shape (n, h, w, 3) with one image per point ({len(points)}), "
                         f"got {images.shape}")
    size = 0.045 * extent  # a thumbnail's width in data units
    shown = _spread_out(points, int(n_images), 0.9 * size, seed)
    return [{"source": _png_uri(images[i], 48), "xref": "x", "yref": "y", "x": float(points[i, 0]),
             "y": float(points[i, 1]), "sizex": size, "sizey": size, "xanchor": "center", "yanchor": "middle",
             "layer": "above"} for i in shown]
