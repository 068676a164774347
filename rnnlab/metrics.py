"""Binary classification metrics of Lab03 and their figures (confusion matrix, threshold).

Spam is the positive class (1). Every function takes plain numpy arrays of 0/1 labels or
probabilities, so the RNN, the baselines and scikit-learn models are scored the same way.
"""

from __future__ import annotations

import math

import numpy as np

METRIC_NAMES = ("accuracy", "precision", "recall", "f1", "mcc")


def confusion_counts(y_true, y_pred) -> dict:
    """Counts {'tp', 'fp', 'fn', 'tn'} of 0/1 labels (1 = positive = spam)."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    return {"tp": int(np.sum(y_true & y_pred)), "fp": int(np.sum(~y_true & y_pred)),
            "fn": int(np.sum(y_true & ~y_pred)), "tn": int(np.sum(~y_true & ~y_pred))}


def binary_metrics(y_true, y_pred) -> dict:
    """Accuracy, precision, recall, F1 and Matthews correlation (MCC) of 0/1 predictions.

    A ratio whose denominator is 0 is reported as 0.0 (e.g. the precision of a classifier
    that never predicts spam), the convention scikit-learn uses with ``zero_division=0``.
    """
    c = confusion_counts(y_true, y_pred)
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    total = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denom if denom else 0.0
    return {"accuracy": (tp + tn) / total if total else 0.0, "precision": precision,
            "recall": recall, "f1": f1, "mcc": mcc}


def mcc_score(y_true, proba, threshold: float = 0.5) -> float:
    """MCC of the predictions ``proba >= threshold``."""
    return binary_metrics(y_true, np.asarray(proba) >= threshold)["mcc"]


def threshold_scan(y_true, proba, thresholds=None) -> tuple[np.ndarray, np.ndarray]:
    """(thresholds, MCC at each threshold) for choosing a decision threshold on validation."""
    if thresholds is None:
        thresholds = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = np.array([mcc_score(y_true, proba, t) for t in thresholds])
    return np.asarray(thresholds), scores


def choose_threshold(y_true, proba, tolerance: float = 0.01) -> float:
    """A decision threshold chosen on validation data: the middle of the thresholds whose
    MCC is within ``tolerance`` of the best one.

    The single best threshold of a small validation set is noisy (a few messages decide
    it); the middle of the near-best plateau moves much less from one split to another.
    """
    thresholds, scores = threshold_scan(y_true, proba)
    near_best = thresholds[scores >= scores.max() - tolerance]
    return float(np.round(np.median(near_best), 2))


def plot_confusion_matrix(y_true, y_pred, labels=("ham", "spam"), title: str = "", ax=None):
    """A 2 x 2 confusion matrix with counts and row percentages; returns the figure."""
    import matplotlib.pyplot as plt

    c = confusion_counts(y_true, y_pred)
    matrix = np.array([[c["tn"], c["fp"]], [c["fn"], c["tp"]]])
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 3.6))
    else:
        fig = ax.figure
    ax.imshow(matrix, cmap="Blues")
    rows = matrix.sum(axis=1, keepdims=True)
    for i in range(2):
        for j in range(2):
            share = matrix[i, j] / rows[i, 0] if rows[i, 0] else 0.0
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, f"{matrix[i, j]}\n({share:.1%})", ha="center", va="center",
                    color=color, fontsize=11)
    ax.set_xticks([0, 1], [f"predicted {labels[0]}", f"predicted {labels[1]}"])
    ax.set_yticks([0, 1], [f"true {labels[0]}", f"true {labels[1]}"])
    ax.set_title(title or "confusion matrix")
    fig.tight_layout()
    return fig


def plot_threshold_scan(thresholds, scores, chosen: float | None = None, ax=None):
    """MCC against the decision threshold (on validation data); returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    else:
        fig = ax.figure
    ax.plot(thresholds, scores, "-", color="C0")
    if chosen is not None:
        ax.axvline(chosen, color="C3", ls="--", lw=1, label=f"threshold {chosen:.2f}")
        ax.legend()
    ax.set_xlabel("decision threshold on P(spam)")
    ax.set_ylabel("validation MCC")
    ax.set_title("MCC vs threshold (validation)")
    fig.tight_layout()
    return fig
