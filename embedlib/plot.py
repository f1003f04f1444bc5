"""The figures the chapters share.

Every helper takes arrays and labels, accepts ``ax=None`` (a new figure is
made) and returns the matplotlib Axes, so figures can be combined.
:func:`interactive_map` (hover, zoom, search; from :mod:`embedlib.plot_interactive`)
returns a plotly Figure instead.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .plot_interactive import interactive_map

__all__ = ["rank_frequency", "heatmap", "map_2d", "label_points", "training_curve", "image_grid", "image_map",
           "interactive_map"]


def _axes(ax, figsize=(6, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def rank_frequency(counts: Sequence[int], ax=None, label: str | None = None, title: str | None = None):
    """Log-log plot of count against rank (Zipf's law shows as a straight line)."""
    counts = np.sort(np.asarray(counts))[::-1]
    ax = _axes(ax)
    if title:
        ax.set_title(title)
    ax.loglog(np.arange(1, len(counts) + 1), counts, label=label)
    ax.set_xlabel("rank of the word (1 = most frequent)")
    ax.set_ylabel("count in the corpus")
    ax.grid(True, which="major", alpha=0.3)
    if label:
        ax.legend()
    return ax


def heatmap(
    matrix,
    row_labels: Sequence[str],
    col_labels: Sequence[str] | None = None,
    ax=None,
    cmap: str = "viridis",
    annotate: bool = True,
    fmt: str = "{:.0f}",
    colorbar_label: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
):
    """A labelled heat map of a small matrix, values written in the cells."""
    matrix = np.asarray(matrix, dtype=float)
    col_labels = row_labels if col_labels is None else col_labels
    if matrix.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"matrix of shape {matrix.shape} does not match {len(row_labels)} row and "
            f"{len(col_labels)} column labels"
        )
    ax = _axes(ax, figsize=(0.6 * len(col_labels) + 2, 0.5 * len(row_labels) + 1))
    im = ax.imshow(matrix, cmap=cmap, aspect="auto")
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), row_labels)
    if annotate:
        mid = (np.nanmax(matrix) + np.nanmin(matrix)) / 2 if matrix.size else 0
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if v < mid else "black")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if colorbar_label:
        cb.set_label(colorbar_label)
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    return ax


def map_2d(
    points,
    labels: Sequence[str] | None = None,
    groups: Sequence | None = None,
    ax=None,
    title: str | None = None,
    fontsize: int = 9,
    marker_size: float = 18,
):
    """Scatter 2-D points, optionally writing a label by each and colouring by group.

    Labels are moved apart (with adjustText) so that they stay readable and inside the
    axes; keep ``fontsize`` at 9 or more, and label a few dozen points rather than hundreds.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    ax = _axes(ax, figsize=(7, 6))
    if groups is None:
        ax.scatter(points[:, 0], points[:, 1], s=marker_size, alpha=0.8)
    else:
        import matplotlib

        groups = list(groups)
        distinct = list(dict.fromkeys(groups))
        # more groups than the default cycle's 10 colours: the 10 dark colours of tab20 first,
        # then its light ones, so that neighbouring groups do not get two shades of one hue
        tab20 = matplotlib.colormaps["tab20"].colors
        colours = (tab20[0::2] + tab20[1::2]) if len(distinct) > 10 else [None] * len(distinct)
        for g, colour in zip(distinct, colours):
            mask = np.array([x == g for x in groups])
            ax.scatter(points[mask, 0], points[mask, 1], s=marker_size, alpha=0.8, label=str(g), color=colour)
        ax.legend(fontsize=8, loc="best")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    if labels is not None:
        _place_labels(ax, points, [str(t) for t in labels], fontsize)
    return ax


def label_points(ax, points, labels: Sequence[str], fontsize: float = 10, **style) -> None:
    """Write a label by each of a few points of an existing plot, kept apart with adjustText.

    ``points`` has shape (n, 2) in the plot's data coordinates, one per label. Labels move
    off each other, the points and the legend, stay inside the axes, and get a thin line back
    to their point when moved. ``style`` goes to matplotlib's ``ax.text`` (e.g. ``color``,
    ``fontweight``). For many points, use :func:`interactive_map` instead.
    Raises ``ValueError`` if the numbers of points and labels differ.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) != len(labels):
        raise ValueError(f"{len(points)} points but {len(labels)} labels")
    for text in _place_labels(ax, points, [str(t) for t in labels], fontsize, **style):
        text.set_bbox(dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))  # legible over lines


def _place_labels(ax, points: np.ndarray, labels: list[str], fontsize: float, **style) -> list:
    """Write each label by its point, then move the labels apart with adjustText: off each other,
    the points and the legend as far as 60 steps allow, and always inside the axes (never cut
    off at the edge). A label moved away from its point gets a thin line back to it."""
    from adjustText import adjust_text

    ax.margins(0.15)  # room at the edges for the labels of the outermost points
    texts = [ax.text(x, y, label, fontsize=fontsize, **style) for (x, y), label in zip(points, labels)]
    legend = ax.get_legend()
    adjust_text(
        texts, x=points[:, 0], y=points[:, 1], ax=ax,
        objects=[legend] if legend is not None else None,
        ensure_inside_axes=True,
        force_text=(0.4, 0.8), expand=(1.15, 1.35),  # push labels a little harder than the defaults
        iter_lim=60,  # a fixed number of steps (not a time limit): the same picture on any machine
        arrowprops=dict(arrowstyle="-", color="0.5", lw=0.5),
    )
    return texts


def training_curve(values: Sequence[float], ax=None, xlabel: str = "step", ylabel: str = "loss", label: str | None = None):
    """Plot a training curve (loss or score against step or epoch)."""
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax)
    ax.plot(np.arange(1, len(values) + 1), values, label=label, marker="o" if len(values) <= 20 else None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if label:
        ax.legend()
    return ax


def image_grid(
    images,
    titles: Sequence[str] | None = None,
    ncols: int = 10,
    ax=None,
    title: str | None = None,
    cmap: str = "gray_r",
    frame_colors: Sequence | None = None,
    rescale: bool = False,
    fontsize: int = 8,
):
    """Images side by side in rows of ``ncols``, each with an optional title and frame.

    ``images`` is ``(n, h, w)``, ``(n, 1, h, w)`` or ``(n, 3, h, w)`` with
    values in [0, 1] (grey images are drawn with ``cmap``: dark ink on white
    by default). ``rescale=True`` stretches each image to its own range
    first, which suits feature maps. ``frame_colors`` draws a coloured frame
    round each image (None for no frame), e.g. green for a right answer and
    red for a wrong one. All images go into one Axes, which is returned.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    images = np.asarray(images, dtype=float)
    if images.ndim == 4 and images.shape[1] in (1, 3):
        images = images[:, 0] if images.shape[1] == 1 else images.transpose(0, 2, 3, 1)
    if images.ndim not in (3, 4) or len(images) == 0 or (images.ndim == 4 and images.shape[-1] != 3):
        raise ValueError(f"images must be (n, h, w), (n, 1, h, w) or (n, 3, h, w) with n >= 1, got {images.shape}")
    n, h, w = images.shape[:3]
    for name, values in (("titles", titles), ("frame_colors", frame_colors)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(values)}")
    if rescale:
        low = images.reshape(n, -1).min(1).reshape((n,) + (1,) * (images.ndim - 1))
        high = images.reshape(n, -1).max(1).reshape(low.shape)
        images = (images - low) / np.where(high > low, high - low, 1)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    gap = max(1, round(0.15 * w))
    band = round(0.5 * h) if titles is not None else 0  # room for the titles above each row
    cell_h, cell_w = h + gap + band, w + gap
    canvas = np.full((nrows * cell_h + gap, ncols * cell_w + gap) + images.shape[3:], np.nan)
    ax = _axes(ax, figsize=(min(0.85 * ncols, 14), min(0.85 * nrows * cell_h / h + (0.4 if title else 0), 14)))
    for i, image in enumerate(images):
        top, left = (i // ncols) * cell_h + gap + band, (i % ncols) * cell_w + gap
        canvas[top : top + h, left : left + w] = image
        if titles is not None:
            ax.text(left + w / 2, top - 0.6, str(titles[i]), ha="center", va="bottom", fontsize=fontsize)
        if frame_colors is not None and frame_colors[i] is not None:
            ax.add_patch(Rectangle((left - 0.5, top - 0.5), w, h, fill=False, edgecolor=frame_colors[i], linewidth=2.5))
    if canvas.ndim == 3:
        ax.imshow(np.where(np.isnan(canvas), 1.0, canvas).clip(0, 1), interpolation="nearest")
    else:
        colours = plt.get_cmap(cmap).with_extremes(bad="white")
        ax.imshow(np.ma.masked_invalid(canvas), cmap=colours, vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _spread_out(points: np.ndarray, n: int, min_distance: float, seed: int) -> np.ndarray:
    """Up to ``n`` row numbers of ``points``, visited in a seeded random order, each kept
    only if it lies at least ``min_distance`` from every point kept before it."""
    kept: list[int] = []
    for i in np.random.default_rng(seed).permutation(len(points)):
        if len(kept) == n:
            break
        if not kept or np.min(np.linalg.norm(points[kept] - points[i], axis=1)) >= min_distance:
            kept.append(int(i))
    return np.array(kept, dtype=int)


def image_map(
    points,
    images,
    groups: Sequence | None = None,
    n_images: int = 200,
    ax=None,
    title: str | None = None,
    thumb_size: float = 22,
    white_transparent: bool = True,
    seed: int = 0,
):
    """A 2-D map of images: every point a small dot, a spread-out subset drawn as thumbnails.

    ``points`` is ``(n, 2)``; ``images`` is ``(n, h, w, 3)`` RGB, uint8 or floats in
    [0, 1]. ``groups`` colours the dots (with a legend), as in :func:`map_2d`.
    At most ``n_images`` thumbnails of ``thumb_size`` points are drawn, at points
    picked in a random order (``seed``) so that no two overlap much; the others stay
    dots, so a map of thousands of images remains readable. ``white_transparent``
    lets the dots show through pure-white backgrounds (drawings on white). The row
    numbers of the images drawn are in ``ax.image_map_shown``.
    """
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    points = np.asarray(points, dtype=float)
    images = np.asarray(images)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    if images.ndim != 4 or images.shape[-1] != 3 or len(images) != len(points):
        raise ValueError(f"images must be RGB of shape (n, h, w, 3) with one image per point ({len(points)}), "
                         f"got {images.shape}")
    if not isinstance(n_images, (int, np.integer)) or isinstance(n_images, bool) or n_images < 0:
        raise ValueError(f"n_images must be an int >= 0, got {n_images!r}")
    ax = _axes(ax, figsize=(11, 9))
    map_2d(points, groups=groups, ax=ax, title=title, marker_size=8)
    if groups is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=2, fontsize=9)
    rgb = images.astype(float) / 255.0 if images.dtype == np.uint8 else images.astype(float)
    width_pt = ax.get_window_extent().width * 72 / ax.figure.dpi
    extent = np.ptp(points, axis=0).max() or 1.0
    min_distance = 1.1 * thumb_size / width_pt * extent  # one thumbnail's width, in data units
    shown = _spread_out(points, int(n_images), min_distance, seed)
    for i in shown:
        image = rgb[i]
        if white_transparent:
            image = np.dstack([image, np.where((image >= 1.0).all(axis=-1), 0.0, 1.0)])
        box = OffsetImage(image, zoom=thumb_size / image.shape[1], interpolation="antialiased")
        ax.add_artist(AnnotationBbox(box, points[i], frameon=False, pad=0.0))
    ax.image_map_shown = shown
    return ax
