"""Small, reusable figures of the SMS data and of classifier results (ham/spam colours).

Every function draws on ``ax`` (a new figure when it is None) and returns the Axes, so a
notebook can combine them in subplots. They take values already computed (counts,
lengths, confusion counts): computing those is the students' work.

One convention for every table and figure of the course: classes in the order
:data:`CLASS_ORDER` (ham, then spam: the negative class first, as scikit-learn sorts the
labels), and a confusion matrix has the true class in its rows and the predicted class in
its columns, ``[[TN, FP], [FN, TP]]``.

Labels are zh-TW where a CJK font is installed and English otherwise
(:func:`rnnlab.fonts.label`); the class names and TN/FP/FN/TP stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.diagrams import default_label, use_cjk_fonts
from rnnlab.fonts import label as _label

CLASS_ORDER = ("ham", "spam")  # negative first, as sklearn.metrics.confusion_matrix sorts
CLASS_COLORS = {"ham": "#4C72B0", "spam": "#DD8452"}  # the same colours in every lab
_OTHER_COLORS = ["#55A868", "#8172B3", "#937860", "#DA8BC3"]
FONT = 10  # points: 13.9 px on screen at 100% zoom (figures narrower than the output area)


def class_color(label: str, i: int = 0) -> str:
    """The colour of a class: ham/spam fixed, any other label from a small palette."""
    return CLASS_COLORS.get(label, _OTHER_COLORS[i % len(_OTHER_COLORS)])


def in_class_order(labels) -> list:
    """The distinct ``labels`` in the course's order: ham, spam, then any other label in
    the order it first appears."""
    seen = list(dict.fromkeys(labels))
    return [k for k in CLASS_ORDER if k in seen] + [k for k in seen if k not in CLASS_ORDER]


def _axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_class_balance(counts: Mapping[str, int], ax=None, title: str = "messages per class"):
    """Bar chart of ``counts`` (label -> number of messages), in class order, each bar
    annotated with its count and share of the total."""
    ax = _axes(ax, (4.5, 3.2))
    labels = in_class_order(counts)
    values = np.array([counts[k] for k in labels], dtype=float)
    total = values.sum()
    colors = [class_color(k, i) for i, k in enumerate(labels)]
    bars = ax.bar(labels, values, color=colors)
    for bar, value in zip(bars, values):
        share = f" ({value / total:.1%})" if total else ""
        ax.annotate(f"{value:,.0f}{share}", (bar.get_x() + bar.get_width() / 2, value),
                    ha="center", va="bottom", fontsize=FONT)
    ax.set_ylim(0, max(values.max(initial=0.0), 1) * 1.15)  # room for the annotations
    ax.set_ylabel(_label("簡訊數", "messages"))
    ax.set_title(default_label(title, "messages per class", "各類別的簡訊數"))
    use_cjk_fonts(ax.figure)
    return ax


def plot_length_by_class(lengths: Sequence[float], labels: Sequence[str], ax=None,
                         bins: int = 40, upper: float | None = None, xlabel: str = "length",
                         title: str | None = None):
    """Overlaid histograms of ``lengths`` (N numbers), one per class of ``labels`` (N), in
    class order.

    Each class's bars sum to 1, so classes of very different sizes compare by shape; each
    class is also outlined, so the overlap stays readable. Values above ``upper`` are drawn
    in the last bin (the x axis says so).
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
    for i, label in enumerate(in_class_order(labels.tolist())):
        values = lengths[labels == label]
        weights = np.full(values.shape, 1.0 / max(len(values), 1))
        clipped = np.minimum(values, top)  # the long tail is clipped into the last bin
        color = class_color(label, i)
        median = f"{np.median(values):.0f}"
        ax.hist(clipped, bins=edges, weights=weights, alpha=0.45, color=color,
                label=_label(f"{label} (n={len(values):,}，中位數 {median})",
                             f"{label} (n={len(values):,}, median {median})"))
        ax.hist(clipped, bins=edges, weights=weights, histtype="step", color=color, lw=1.5)
    last_bin = _label(f"（> {top:g} 的值畫在最後一格）", f" (values > {top:g} in the last bin)")
    ax.set_xlabel(default_label(xlabel, "length", "長度")
                  + (last_bin if upper is not None else ""))
    ax.set_ylabel(_label("占該類別的比例", "share of the class"))
    ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # headroom: the legend never covers a bar
    ax.legend(frameon=False, fontsize=FONT, loc="upper right")
    if title:
        ax.set_title(title)
    use_cjk_fonts(ax.figure)
    return ax


def draw_confusion(matrix, names: Sequence[str] = CLASS_ORDER, ax=None,
                   title: str = "confusion matrix"):
    """Draw a 2 x 2 confusion matrix ``[[TN, FP], [FN, TP]]`` (rows: true class, columns:
    predicted class, ``names`` = [negative, positive]). Each cell shows its name, its count
    and its share of the row (the TP cell's share is the recall)."""
    ax = _axes(ax, (3.8, 3.4))
    matrix = np.asarray(matrix, dtype=float)
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(matrix.max(), 1))
    rows = matrix.sum(axis=1)
    tags = [["TN", "FP"], ["FN", "TP"]]
    for r in range(2):
        for c in range(2):
            share = f"\n({matrix[r, c] / rows[r]:.1%})" if rows[r] else ""
            dark = matrix[r, c] > max(matrix.max(), 1) / 2  # white text on dark cells
            ax.text(c, r, f"{tags[r][c]}\n{matrix[r, c]:,.0f}{share}", ha="center",
                    va="center", color="white" if dark else "black", fontsize=FONT)
    ax.set_xticks([0, 1], [f"predicted {n}" for n in names])
    ax.set_yticks([0, 1], [f"true {n}" for n in names])
    ax.set_title(default_label(title, "confusion matrix", "混淆矩陣 confusion matrix"))
    use_cjk_fonts(ax.figure)
    return ax


def plot_confusion(counts: Mapping[str, int], positive: str = "spam", negative: str = "ham",
                   ax=None, title: str = "confusion matrix"):
    """The confusion matrix of counts with keys ``tp``, ``fp``, ``fn``, ``tn`` (what
    ``binary_metrics`` returns), negative class first: see :func:`draw_confusion`."""
    matrix = [[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]]
    return draw_confusion(matrix, (negative, positive), ax=ax, title=title)
