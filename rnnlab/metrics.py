"""Evaluation figures and the decision threshold of Lab03.

The scores themselves (accuracy, precision, recall, F1, MCC, the confusion matrix) come
from scikit-learn in the notebook: students write their own ``binary_metrics`` in Lab01
(a 選讀 exercise), so this package ships no implementation of them. Here a score is any
``score(y_true, y_pred)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnnlab.fonts import label


def threshold_scan(y_true, proba, score: Callable, thresholds=None) -> tuple:
    """(thresholds, score of ``proba >= t`` for each threshold t), e.g. on validation data."""
    if thresholds is None:
        thresholds = np.round(np.arange(0.05, 0.951, 0.01), 2)
    proba = np.asarray(proba)
    values = np.array([score(y_true, proba >= t) for t in thresholds], dtype=float)
    return np.asarray(thresholds), values


def choose_threshold(y_true, proba, score: Callable, tolerance: float = 0.01) -> float:
    """A decision threshold chosen on validation data: the middle (median) of the thresholds
    whose score is within ``tolerance`` of the best one.

    The single best threshold of a small validation set is noisy (a few messages decide
    it); the middle of the near-best plateau moves much less from one split to another.
    """
    thresholds, values = threshold_scan(y_true, proba, score)
    near_best = thresholds[values >= values.max() - tolerance]
    return float(np.round(np.median(near_best), 2))


def plot_confusion_matrix(matrix, labels=("ham", "spam"), title: str = "", ax=None):
    """Draw a 2 x 2 confusion matrix [[TN, FP], [FN, TP]] (rows: true class, columns:
    predicted class, as ``sklearn.metrics.confusion_matrix`` returns it; ``labels`` =
    [negative, positive]) with names, counts and row percentages; returns the figure.

    The same drawing as Lab01's ``rnnlab.plots.plot_confusion`` (one convention for the
    course: ham first, true class in the rows)."""
    import matplotlib.pyplot as plt

    from rnnlab.plots import draw_confusion

    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 3.6))
    else:
        fig = ax.figure
    draw_confusion(matrix, labels, ax=ax, title=title or "confusion matrix")
    fig.tight_layout()
    return fig


def plot_threshold_scan(thresholds, values, chosen: float | None = None,
                        score_name: str = "MCC", ax=None):
    """A validation score against the decision threshold; returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    else:
        fig = ax.figure
    from rnnlab.diagrams import use_cjk_fonts

    ax.plot(thresholds, values, "-", color="C0")
    if chosen is not None:
        ax.axvline(chosen, color="C3", ls="--", lw=1,
                   label=label(f"門檻 {chosen:.2f}", f"threshold {chosen:.2f}"))
        ax.legend()
    ax.set_xlabel(label("P(spam) 的決策門檻 (threshold)", "decision threshold on P(spam)"))
    ax.set_ylabel(label(f"驗證集 {score_name}", f"validation {score_name}"))
    ax.set_title(label(f"{score_name} 與門檻（驗證集）",
                       f"{score_name} vs threshold (validation)"))
    use_cjk_fonts(fig)
    fig.tight_layout()
    return fig
