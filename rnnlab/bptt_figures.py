"""Figures of 19-2 (BPTT): the backward flow through an unrolled RNN, the truncation
window (the slide's per-step window and the chunks frameworks use), and measured costs.

The diagrams need no network: they draw the definitions. The plots take values the
notebook measured with the student's own functions. Labels are English/LaTeX so that they
render without a CJK font; the zh-TW explanation lives in the notebook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from rnnlab.diagrams import (
    CELL_H,
    COLORS,
    DY,
    FONT_SIZE,
    NODE_R,
    draw_arrow,
    draw_backward_arrow,
    draw_bptt_step,
    draw_node,
    draw_unrolled,
    draw_window,
    fit,
    new_figure,
)

SCHEMES = ("window", "chunks")
_SCHEME_TITLES = {
    "window": "per-step window (slide): each $C_t$ goes back $k$ steps",
    "chunks": "chunks of $k+1$ steps (frameworks): cut the graph, carry the state",
}


# ---------------------------------------------------------------- the backward flow
def _draw_losses(ax: Axes, lay, steps: Sequence[int]) -> dict[int, tuple[float, float]]:
    """A loss node C_t above each output y_t (0-based steps); returns their centres."""
    centres = {}
    for t in steps:
        x, y = lay.outputs[t]
        xy = (x, y + DY * 0.85)
        centres[t] = xy
        draw_node(ax, xy, f"$C_{{{t + 1}}}$", kind="state")
        draw_arrow(ax, (x, y + NODE_R), (x, xy[1] - NODE_R), kind="out")
    return centres


def _unrolled_with_losses(T: int, ax: Axes | None):
    """An RNN unrolled over ``T`` steps with a loss ``C_t`` above every output, on ``ax``
    (a new figure when None); returns the figure, the axes, the layout and loss centres."""
    if ax is None:
        fig, (ax,) = new_figure(1.6 + 1.45 * T, 5.0)
    else:
        fig = ax.figure
    lay = draw_unrolled(ax, T, inputs="all", outputs="all")
    return fig, ax, lay, _draw_losses(ax, lay, range(T))


def _finish(ax: Axes, title: str) -> None:
    """Title, limits around the drawing, room for the arcs under the cells and a label."""
    ax.set_title(title, fontsize=FONT_SIZE + 1)
    fit(ax, margin=0.35)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - CELL_H * 0.9, hi + 0.3)


def _down(ax: Axes, top: tuple[float, float], bottom: tuple[float, float],
          label: str | None = None) -> None:
    """A backward (dashed, highlighted) arrow running down, just right of a forward one."""
    shift = 0.16
    draw_backward_arrow(ax, (top[0] + shift, top[1]), (bottom[0] + shift, bottom[1]),
                        label=label)
    if label:  # move the label beside the arrow rather than on top of it
        ax.texts[-1].set_position((top[0] + shift + 0.7, (top[1] + bottom[1]) / 2))


def bptt_flow(T: int = 4, origin: int | None = None, ax: Axes | None = None,
              title: str | None = None) -> Figure:
    """The gradients of BPTT drawn on an RNN unrolled over ``T`` steps.

    origin: a 1-based step ``t`` to follow alone (the slide's chain for ``C_t``, each arrow
        labelled with its factor); None draws every loss sending its gradient back, the
        arrows into each ``h_t`` adding up before they continue to ``h_{t-1}``.
    """
    if origin is not None and not 1 <= origin <= T:
        raise ValueError(f"origin must be in 1..{T}, got {origin}")
    fig, ax, lay, losses = _unrolled_with_losses(T, ax)
    if origin is None:
        for t in range(T):
            _down(ax, losses[t], lay.outputs[t])
            _down(ax, lay.outputs[t], lay.cell_top(0, t))
            draw_bptt_step(ax, lay, t)
        title = title or "full BPTT: every $C_t$ flows back to $h_0$"
    else:
        t = origin - 1
        _down(ax, losses[t], lay.outputs[t],
              label=f"$\\partial C_{{{origin}}}/\\partial y_{{{origin}}}$")
        _down(ax, lay.outputs[t], lay.cell_top(0, t),
              label=f"$\\partial y_{{{origin}}}/\\partial h_{{{origin}}}$")
        for s in range(t, -1, -1):
            label = (f"$\\partial h_{{{s + 1}}}/\\partial h_{{{s}}}$"
                     if s > 0 else None)
            draw_bptt_step(ax, lay, s, label=label)
        title = title or f"the chain of $\\partial C_{{{origin}}}$ back through time"
    _finish(ax, title)
    return fig


def truncation_window(T: int = 6, k: int = 2, origins: Sequence[int] = (6,),
                      ax: Axes | None = None, title: str | None = None) -> Figure:
    """The slide's truncated BPTT on an unrolled RNN: the gradient of each loss ``C_t``
    (1-based ``origins``) flows back ``k`` steps, to ``h_{t-k}``, inside a shaded window."""
    fig, ax, lay, losses = _unrolled_with_losses(T, ax)
    for origin in origins:
        t = origin - 1
        first = max(t - k, 0)
        rect = draw_window(ax, lay, first, t)
        ax.text(rect.get_x() + rect.get_width() / 2, rect.get_y() - 0.12,
                f"window of $C_{{{origin}}}$: $h_{{{origin - k}}} \\dots h_{{{origin}}}$"
                if origin > k else f"window of $C_{{{origin}}}$ reaches $h_0$",
                ha="center", va="top", fontsize=FONT_SIZE - 1, color=COLORS["highlight"])
        _down(ax, losses[t], lay.outputs[t])
        _down(ax, lay.outputs[t], lay.cell_top(0, t))
        for s in range(t, first, -1):
            draw_bptt_step(ax, lay, s)
        if t - k < 0:  # the window reaches the initial state
            draw_bptt_step(ax, lay, 0)
    _finish(ax, title or f"truncated BPTT, $k={k}$: the gradient stops at $h_{{t-k}}$")
    return fig


# ---------------------------------------------------------------- which cells each loss reaches
def reach_matrix(T: int, k: int | None, scheme: str = "window") -> np.ndarray:
    """Which states receive the gradient of which loss: a (T, T + 1) int array whose row
    ``t - 1`` is the loss ``C_t`` and column ``s`` the state ``h_s`` (column 0 is ``h_0``).

    1 marks a state whose cell adds the gradient of ``C_t`` (for ``h_0``: dh0 receives it),
    2 marks ``h_t`` itself. ``scheme="window"``: back to ``h_{t-k}`` (the slide);
    ``"chunks"``: back to the start of ``C_t``'s chunk of ``k + 1`` steps, the state before
    the chunk being cut from the graph (``h_0`` is reached only from the first chunk).
    ``k=None`` is full BPTT.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    reach = np.zeros((T, T + 1), dtype=int)
    for t in range(1, T + 1):
        if k is None:
            first = 0
        elif scheme == "window":
            first = max(t - k, 0)
        else:
            start = (t - 1) // (k + 1) * (k + 1) + 1  # first step of t's chunk
            first = 0 if start == 1 else start
        reach[t - 1, first:t + 1] = 1
        reach[t - 1, t] = 2
    return reach


def truncation_grid(T: int = 8, k: int | None = 2, scheme: str = "window",
                    ax: Axes | None = None, title: str | None = None) -> Axes:
    """:func:`reach_matrix` drawn as a grid: rows are the losses ``C_t``, columns the states
    ``h_0 … h_T``; dark = where the gradient starts, light = the states it reaches."""
    reach = reach_matrix(T, k, scheme)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * T + 1.6, 0.45 * T + 1.0))
    cmap = ListedColormap(["#ffffff", "#f4a582", COLORS["highlight"]])
    ax.imshow(reach, cmap=cmap, vmin=0, vmax=2, aspect="equal")
    ax.set_xticks(range(T + 1), [f"$h_{{{s}}}$" for s in range(T + 1)])
    ax.set_yticks(range(T), [f"$C_{{{t}}}$" for t in range(1, T + 1)])
    ax.set_xticks(np.arange(-0.5, T + 1), minor=True)
    ax.set_yticks(np.arange(-0.5, T), minor=True)
    ax.grid(which="minor", color="#bbbbbb", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.tick_top()
    if scheme == "chunks" and k is not None:
        for edge in range(k + 1, T, k + 1):  # the cuts between chunks
            ax.axvline(edge + 0.5, color="#333333", linewidth=2)
    cells = int((reach[:, 1:] > 0).sum())
    ax.set_xlabel(f"(loss, cell) pairs reached: {cells} (full BPTT: {T * (T + 1) // 2})",
                  fontsize=FONT_SIZE - 2)
    name = "full BPTT" if k is None else _SCHEME_TITLES[scheme].replace("$k$", f"$k={k}$")
    ax.set_title(title or name, fontsize=FONT_SIZE - 1)
    return ax


def truncation_schemes(T: int = 8, k: int = 2) -> Figure:
    """The slide's per-step window next to the chunks that frameworks use, same ``T``, ``k``."""
    fig, axes = plt.subplots(1, 2, figsize=(0.9 * T + 4.5, 0.45 * T + 1.6),
                             layout="constrained")
    for ax, scheme in zip(axes, SCHEMES):
        truncation_grid(T, k, scheme, ax=ax)
    return fig


# ---------------------------------------------------------------- measured curves
def plot_cost_vs_T(Ts: Sequence[int], seconds: Mapping[str, Sequence[float]],
                   ax: Axes | None = None, title: str = "cost of BPTT as T grows") -> Axes:
    """Measured times (one curve per method, seconds) against the sequence length on
    log-log axes, with dotted guides of slope 1 (cost ~ T) and 2 (cost ~ T^2)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    Ts = np.asarray(Ts, dtype=float)
    for i, (label, values) in enumerate(seconds.items()):
        ax.loglog(Ts, np.asarray(values) * 1e3, "o-", color=f"C{i}", label=label)
    first = min(float(np.asarray(v)[0]) for v in seconds.values()) * 1e3
    for power, style in ((1, ":"), (2, "--")):
        ax.loglog(Ts, first * (Ts / Ts[0]) ** power, style, color="#888888", linewidth=1,
                  label=f"slope {power} (cost ~ $T^{power}$)" if power > 1 else
                  "slope 1 (cost ~ $T$)")
    ax.set_xlabel("sequence length $T$")
    ax.set_ylabel("time of one backward pass (ms)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_truncation_error(ks: Sequence[int], errors: Mapping[str, Sequence[float]],
                          ax: Axes | None = None,
                          title: str = "truncated gradient vs full BPTT",
                          log: bool = True) -> Axes:
    """Relative error of a truncated gradient against full BPTT (one curve per scheme)
    against ``k`` (or any x values), on a log scale unless ``log`` is False."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    for i, (label, values) in enumerate(errors.items()):
        ax.plot(ks, values, "o-", color=f"C{i}", label=label, markersize=4)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("$k$: the most steps a gradient goes back")
    ax.set_ylabel("relative error of $dW_h$")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    return ax
