"""Figures of Lab02 (sentences -> tokens -> ids -> padded batches).

Each function draws values the notebook has already computed (token counts, lengths, a
padded batch) on ``ax`` (a new figure when it is None) and returns the Axes. Labels are
zh-TW where a CJK font is installed and English otherwise (:func:`rnnlab.fonts.label`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from rnnlab.diagrams import default_label, use_cjk_fonts
from rnnlab.fonts import label as _label

CLASS_COLORS = {"ham": "#4C72B0", "spam": "#DD8452"}  # the colours of the other labs
PAD_COLOR = "#E6E6E6"
PAD_TEXT_COLOR = "#666666"  # contrast 4.6:1 on PAD_COLOR: quieter than a token, still legible
TOKEN_COLOR = "#9ECAE1"
READ_COLOR = "#C44E52"


def _axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_token_lengths(lengths: Sequence[int], labels: Sequence[str] | None = None,
                       percentiles: Iterable[float] = (95, 99), ax=None,
                       upper: int | None = None,
                       title: str = "tokens per message (training split)"):
    """Histogram of ``lengths`` (N token counts), one colour per class of ``labels`` (N),
    with the cumulative share of messages (CDF) on a second y axis and a dashed line at
    each of ``percentiles`` labelled with its value. The x axis stops at ``upper`` (default:
    the longest message); the messages beyond it are counted in a note. Returns the
    histogram's Axes."""
    ax = _axes(ax, (8, 3.8))
    lengths = np.asarray(lengths)
    upper = int(lengths.max()) if upper is None else int(upper)
    bins = np.arange(0, upper + 2) - 0.5  # one bar per length
    if labels is None:
        ax.hist(lengths, bins=bins, color=TOKEN_COLOR, label=_label("簡訊", "messages"))
    else:
        labels = np.asarray(labels)
        groups = sorted(set(labels.tolist()))
        ax.hist([lengths[labels == g] for g in groups], bins=bins, stacked=True,
                color=[CLASS_COLORS.get(g, "#55A868") for g in groups], label=groups)
    ax.set_xlabel(_label("token 數", "number of tokens"))
    ax.set_ylabel(_label("簡訊數", "messages"))
    ax.set_xlim(-0.5, upper + 0.5)
    beyond = int(np.sum(lengths > upper))
    if beyond:
        ax.annotate(_label(f"另有 {beyond} 則更長的簡訊沒畫出（最長 {lengths.max()}）",
                           f"{beyond} longer messages not shown (max {lengths.max()})"),
                    (1, 0.02), xycoords="axes fraction", xytext=(-6, 0),
                    textcoords="offset points", ha="right", fontsize=8, color="#555555")

    cdf = ax.twinx()
    xs = np.sort(lengths)
    cdf.plot(xs, np.arange(1, len(xs) + 1) / len(xs), color="black", lw=1.5,
             label=_label("累積分布 CDF", "CDF"))
    cdf.set_ylim(0, 1.02)
    cdf.set_ylabel(_label("token 數 <= x 的簡訊比例", "share of messages with <= x tokens"))
    for i, p in enumerate(percentiles):
        value = np.percentile(lengths, p)
        cdf.axvline(value, color=READ_COLOR, ls="--", lw=1.2)
        cdf.annotate(f"p{p:g} = {value:g}", (value, 0.9 - 0.1 * i), xytext=(4, 0),
                     textcoords="offset points", color=READ_COLOR, fontsize=9,
                     bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1})
    handles, names = ax.get_legend_handles_labels()
    more, more_names = cdf.get_legend_handles_labels()
    ax.legend(handles + more, names + more_names, loc="center right", fontsize=9)
    ax.set_title(default_label(title, "tokens per message (training split)",
                               "每則簡訊的 token 數（訓練集）"))
    use_cjk_fonts(ax.figure)
    return ax


def plot_vocab_coverage(counts: Iterable[int], marks: Iterable[int] = (1000, 2000, 5000),
                        ax=None, title: str = "how much of the text the top words cover"):
    """Share of all token occurrences covered by the ``k`` most frequent words, as a
    function of ``k`` (log scale), from the words' ``counts``; each of ``marks`` is
    annotated with its coverage. Returns the Axes."""
    ax = _axes(ax, (6.5, 3.6))
    counts = np.sort(np.fromiter(counts, dtype=float))[::-1]
    coverage = np.cumsum(counts) / counts.sum()
    ks = np.arange(1, len(counts) + 1)
    ax.plot(ks, coverage, color=CLASS_COLORS["ham"], lw=2)
    for k in marks:
        if k <= len(counts):
            ax.plot([k], [coverage[k - 1]], "o", color=READ_COLOR)
            ax.annotate(_label(f"前 {k:,} 個字：{coverage[k - 1]:.1%}",
                               f"top {k:,}: {coverage[k - 1]:.1%}"), (k, coverage[k - 1]),
                        xytext=(6, -14), textcoords="offset points", ha="left", fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(0.8, len(counts) * 4)  # room for the last annotation
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_label("保留最常見的 k 個字（對數刻度）",
                         "k most frequent words kept (log scale)"))
    ax.set_ylabel(_label("涵蓋的 token 出現次數比例", "share of token occurrences"))
    ax.grid(alpha=0.3)
    ax.set_title(default_label(title, "how much of the text the top words cover",
                               "最常見的字涵蓋了多少文字"))
    use_cjk_fonts(ax.figure)
    return ax


def plot_padded_batch(batch, ax=None, title: str | None = None, pad_value: int = 0,
                      row_labels: Sequence[str] | None = None):
    """A padded batch (N, T) as a grid: padding cells grey, token cells blue, each cell
    showing its id; the last time step (the one whose hidden state h_T a many-to-one RNN
    reads) is framed in red. Size ``ax`` so the figure is at most ~975 px wide (JupyterLab
    shrinks wider images and the 8-pt ids fall under 9 px). Returns the Axes."""
    batch = np.asarray(batch)
    n, t = batch.shape
    ax = _axes(ax, (0.55 * t + 1.5, 0.5 * n + 1))
    is_token = (batch != pad_value).astype(int)
    ax.imshow(is_token, cmap=ListedColormap([PAD_COLOR, TOKEN_COLOR]), vmin=0, vmax=1,
              aspect="auto")
    for i in range(n):
        for j in range(t):
            ax.text(j, i, str(batch[i, j]), ha="center", va="center", fontsize=8,
                    color="#333333" if is_token[i, j] else PAD_TEXT_COLOR)
    ax.add_patch(plt.Rectangle((t - 1.5, -0.5), 1, n, fill=False, ec=READ_COLOR, lw=2.5,
                               clip_on=False))
    ax.set_xticks(range(t), [f"{j + 1}" for j in range(t)], fontsize=8)
    ax.set_xlabel(_label("time step t（RNN 由左往右讀；紅框：最後一步 T）",
                         "time step t (the RNN reads left to right; red: last step T)"))
    ax.set_yticks(range(n), row_labels if row_labels is not None else range(n), fontsize=8)
    ax.set_xticks(np.arange(-0.5, t), minor=True)
    ax.set_yticks(np.arange(-0.5, n), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    if title:
        ax.set_title(title)
    use_cjk_fonts(ax.figure)
    return ax
