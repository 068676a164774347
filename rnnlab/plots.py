"""Small, reusable figures of the SMS data and of classifier results (ham/spam colours).

Every function draws on ``ax`` (a new figure when it is None) and returns the Axes, so a
notebook can combine them in subplots. They take values already computed (counts,
lengths, confusion counts): computing those is the students' work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

CLASS_COLORS = {"ham": "#4C72B0", "spam": "#DD8452"}  # the same colours in every lab
_OTHER_COLORS = ["#55A868", "#8172B3", "#937860", "#DA8BC3"]


def class_color(label: str, i: int = 0) -> str:
    """The colour of a class: ham/spam fixed, any other label from a small palette."""
    return CLASS_COLORS.get(label, _OTHER_COLORS[i % len(_OTHER_COLORS)])


def _axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_class_balance(counts: Mapping[str, int], ax=None, title: str = "messages per class"):
    """Bar chart of ``counts`` (label -> number of messages), each bar annotated with its
    count and share of the total."""
    ax = _axes(ax, (4.5, 3.2))
    labels = list(counts)
    values = np.array([counts[k] for k in labels], dtype=float)
    total = values.sum()
    colors = [class_color(k, i) for i, k in enumerate(labels)]
    bars = ax.bar(labels, values, color=colors)
    for bar, value in zip(bars, values):
        share = f" ({value / total:.1%})" if total else ""
        ax.annotate(f"{value:,.0f}{share}", (bar.get_x() + bar.get_width() / 2, value),
                    ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(values.max(), 1) * 1.15)  # room for the annotations
    ax.set_ylabel("messages")
    ax.set_title(title)
    return ax


def plot_length_by_class(lengths: Sequence[float], labels: Sequence[str], ax=None,
                         bins: int = 40, upper: float | None = None, xlabel: str = "length",
                         title: str | None = None):
    """Overlaid histograms of ``lengths`` (N numbers), one per class of ``labels`` (N).

    Each class's bars sum to 1, so classes of very different sizes compare by shape.
    Values above ``upper`` are drawn in the last bin (the x axis says so).
    """
    ax = _axes(ax, (6, 3.5))
    lengths = np.asarray(lengths, dtype=float)
    labels = np.asarray(labels)
    if lengths.shape != labels.shape:
        raise ValueError(f"lengths {lengths.shape} and labels {labels.shape} differ in shape")
    top = float(upper) if upper is not None else float(lengths.max(initial=1.0))
    if np.all(lengths == np.round(lengths)):  # counts: whole-number bins avoid a comb pattern
        step = max(1.0, float(np.ceil(top / bins)))
        edges = np.arange(int(top // step) + 2) * step - 0.5  # the last bin holds `top`
    else:
        edges = np.linspace(0.0, top, bins + 1)
    for i, label in enumerate(dict.fromkeys(labels.tolist())):  # classes in order of appearance
        values = lengths[labels == label]
        weights = np.full(values.shape, 1.0 / max(len(values), 1))
        ax.hist(np.minimum(values, top), bins=edges, weights=weights, alpha=0.6,
                color=class_color(label, i),  # the long tail is clipped into the last bin
                label=f"{label} (n={len(values):,}, median {np.median(values):.0f})")
    ax.set_xlabel(xlabel + (f" (values > {top:g} in the last bin)" if upper is not None else ""))
    ax.set_ylabel("share of the class")
    ax.legend(frameon=False, fontsize=9)
    if title:
        ax.set_title(title)
    return ax


def plot_confusion(counts: Mapping[str, int], positive: str = "spam", negative: str = "ham",
                   ax=None, title: str = "confusion matrix"):
    """A 2x2 confusion matrix from counts with keys ``tp``, ``fp``, ``fn``, ``tn``.

    Rows are the true class, columns the predicted class (negative first), as in
    scikit-learn's ``confusion_matrix``.
    """
    ax = _axes(ax, (3.6, 3.2))
    matrix = np.array([[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]], dtype=float)
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(matrix.max(), 1))
    names = [negative, positive]
    tags = [["TN", "FP"], ["FN", "TP"]]
    for r in range(2):
        for c in range(2):
            dark = matrix[r, c] > matrix.max() / 2  # white text on dark cells
            ax.text(c, r, f"{tags[r][c]}\n{matrix[r, c]:,.0f}", ha="center", va="center",
                    color="white" if dark else "black", fontsize=10)
    ax.set_xticks([0, 1], [f"pred {n}" for n in names])
    ax.set_yticks([0, 1], [f"true {n}" for n in names])
    ax.set_title(title)
    return ax
