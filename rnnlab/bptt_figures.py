"""Figures of 19-2 (BPTT): the backward flow through an unrolled RNN, the truncation
window (the slide's per-step window and the chunks frameworks use), and costs counted
(cell backward passes), never timed.

The diagrams need no network: they draw the definitions. The plots take values the
notebook measured with the student's own functions. Labels are zh-TW where a CJK font is
installed and English otherwise (:func:`rnnlab.fonts.label`); math is LaTeX in both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from rnnlab.diagrams import (
    CELL_W,
    DY,
    FONT_SIZE,
    NODE_R,
    default_label,
    draw_arrow,
    draw_node,
    draw_unrolled,
    draw_window,
    new_figure,
    use_cjk_fonts,
)
from rnnlab.fonts import label

SCHEMES = ("window", "chunks")
_SCHEME_TITLES = {  # (zh, en)
    "window": ("每步一個視窗（投影片）：每個 $C_t$ 往回 $k$ 步",
               "per-step window (slide): each $C_t$ goes back $k$ steps"),
    "chunks": ("每段 $k+1$ 步（框架）：切斷計算圖，狀態照樣往下傳",
               "chunks of $k+1$ steps (frameworks): cut the graph, carry the state"),
}
BACKWARD = "#c62828"  # gradients: contrast >= 4.5 on white and on the window shading
BACKWARD_SHIFT = NODE_R + 0.14  # backward arrows run beside the forward ones, not on them
BACKWARD_DROP = 0.17  # a step back in time runs just under the forward arrow it reverses


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
        fig, (ax,) = new_figure(1.0 + 1.2 * T, 4.3)
    else:
        fig = ax.figure
    lay = draw_unrolled(ax, T, inputs="all", outputs="all")
    return fig, ax, lay, _draw_losses(ax, lay, range(T))


def _fit(ax: Axes, margin: float = 0.15) -> None:
    """Axes limits around the shapes and the texts as drawn (their real extents), plus
    ``margin``; a figure of its own gets the height of the drawing (equal aspect), so no
    empty band is left around it."""
    fig = ax.figure
    shapes = [p.get_extents().transformed(ax.transData.inverted()) for p in ax.patches
              if not isinstance(p, FancyArrowPatch)]
    x0, x1 = min(b.x0 for b in shapes), max(b.x1 for b in shapes)
    y0, y1 = min(b.y0 for b in shapes), max(b.y1 for b in shapes)
    for _ in range(2):  # a text's size in data units depends on the limits: settle them
        ax.set_xlim(x0 - margin, x1 + margin)
        ax.set_ylim(y0 - margin, y1 + margin)
        if len(fig.axes) == 1:
            fig.set_figheight(fig.get_figwidth() * (y1 - y0 + 2 * margin)
                              / (x1 - x0 + 2 * margin) + 0.45)
        texts = [t.get_window_extent().transformed(ax.transData.inverted())
                 for t in ax.texts if t.get_text()]
        x0, x1 = min([x0] + [b.x0 for b in texts]), max([x1] + [b.x1 for b in texts])
        y0, y1 = min([y0] + [b.y0 for b in texts]), max([y1] + [b.y1 for b in texts])


def _finish(ax: Axes, title: str) -> None:
    """The title, and limits close around the drawing."""
    ax.set_title(title, fontsize=FONT_SIZE + 1)
    use_cjk_fonts(ax.figure)  # before _fit: the fonts set the texts' extents
    _fit(ax)


def _backward(ax: Axes, start: tuple[float, float], end: tuple[float, float],
              label: str | None = None, label_xy: tuple[float, float] | None = None) -> None:
    """A gradient flowing backwards: a dashed arrow in :data:`BACKWARD` (gid
    ``arrow-backward``), its label (a factor of the chain rule) at ``label_xy``."""
    arrow = draw_arrow(ax, start, end, kind="backward", color=BACKWARD, linestyle="--",
                       linewidth=2.2)
    arrow.set_zorder(5)
    if label:
        ax.text(*label_xy, label, ha="center", va="center", fontsize=FONT_SIZE - 1,
                color=BACKWARD, zorder=6)


def _down(ax: Axes, top: tuple[float, float], bottom: tuple[float, float],
          label: str | None = None) -> None:
    """A backward arrow running down beside the forward arrow between two nodes."""
    x = top[0] + BACKWARD_SHIFT
    _backward(ax, (x, top[1]), (x, bottom[1]), label,
              (x + 0.55, (top[1] + bottom[1]) / 2))


def _step_back(ax: Axes, lay, t: int, label: str | None = None) -> None:
    """The gradient passed from ``h_t`` back to ``h_{t-1}`` (0-based ``t``; ``t = 0`` ends at
    the initial state): just under the forward arrow between the two, its label below."""
    x, y = lay.cells[(0, t)]
    yb = y - BACKWARD_DROP
    start = (x - CELL_W / 2, yb)
    if t > 0:
        end = (lay.cells[(0, t - 1)][0] + CELL_W / 2, yb)
    else:
        sx, sy = lay.states[0]
        end = (sx + np.sqrt(NODE_R**2 - BACKWARD_DROP**2), yb)
    _backward(ax, start, end, label, ((start[0] + end[0]) / 2, yb - 0.3))


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
            _step_back(ax, lay, t)
        title = title or label("完整 BPTT：每個 $C_t$ 都一路傳回 $h_0$",
                               "full BPTT: every $C_t$ flows back to $h_0$")
    else:
        t = origin - 1
        _down(ax, losses[t], lay.outputs[t],
              label=f"$\\partial C_{{{origin}}}/\\partial y_{{{origin}}}$")
        _down(ax, lay.outputs[t], lay.cell_top(0, t),
              label=f"$\\partial y_{{{origin}}}/\\partial h_{{{origin}}}$")
        for s in range(t, -1, -1):
            _step_back(ax, lay, s, f"$\\partial h_{{{s + 1}}}/\\partial h_{{{s}}}$")
        title = title or label(f"$\\partial C_{{{origin}}}$ 沿時間往回的連鎖律",
                               f"the chain of $\\partial C_{{{origin}}}$ back through time")
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
        rect.set_edgecolor(BACKWARD)
        loss = f"$C_{{{origin}}}$"
        if origin > k:
            steps = f"$h_{{{origin - k}}} \\dots h_{{{origin}}}$"
            note = label(f"{loss} 的視窗：{steps}", f"window of {loss}: {steps}")
        else:
            note = label(f"{loss} 的視窗到達 $h_0$", f"window of {loss} reaches $h_0$")
        ax.text(rect.get_x() + rect.get_width() / 2, rect.get_y() - 0.12, note,
                ha="center", va="top", fontsize=FONT_SIZE - 1, color=BACKWARD)
        _down(ax, losses[t], lay.outputs[t])
        _down(ax, lay.outputs[t], lay.cell_top(0, t))
        for s in range(t, first, -1):
            _step_back(ax, lay, s)
        if t - k < 0:  # the window reaches the initial state
            _step_back(ax, lay, 0)
    _finish(ax, title or label(f"Truncated BPTT，$k={k}$：梯度到 $h_{{t-k}}$ 為止",
                               f"truncated BPTT, $k={k}$: the gradient stops at $h_{{t-k}}$"))
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
    cmap = ListedColormap(["#ffffff", "#f4a582", BACKWARD])
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
    full = T * (T + 1) // 2
    ax.set_xlabel(label(f"梯度到達的 (loss, cell) 組數 pairs reached：{cells}"
                        f"（完整 BPTT：{full}）",
                        f"(loss, cell) pairs reached: {cells} (full BPTT: {full})"),
                  fontsize=FONT_SIZE - 2)
    if k is None:
        name = label("完整 BPTT", "full BPTT")
    else:
        name = label(*_SCHEME_TITLES[scheme]).replace("$k$", f"$k={k}$")
    ax.set_title(title or name, fontsize=FONT_SIZE - 1)
    use_cjk_fonts(ax.figure)
    return ax


def truncation_schemes(T: int = 8, k: int = 2) -> Figure:
    """The slide's per-step window next to the chunks that frameworks use, same ``T``, ``k``."""
    fig, axes = plt.subplots(1, 2, figsize=(0.9 * T + 4.5, 0.45 * T + 1.6),
                             layout="constrained")
    for ax, scheme in zip(axes, SCHEMES):
        truncation_grid(T, k, scheme, ax=ax)
    return fig


# ---------------------------------------------------------------- counted costs
class CallCount:
    """How many times a counted function was called (see :func:`counting`)."""

    def __init__(self) -> None:
        self.n = 0


@contextlib.contextmanager
def counting(namespace: dict, name: str):
    """Count the calls of ``namespace[name]`` (e.g. ``counting(globals(),
    "rnn_cell_backward")`` in a notebook) while the ``with`` block runs; the function is
    put back afterwards. Yields a :class:`CallCount`."""
    original = namespace[name]
    count = CallCount()

    def counted(*args, **kwargs):
        count.n += 1
        return original(*args, **kwargs)

    namespace[name] = counted
    try:
        yield count
    finally:
        namespace[name] = original


def cell_visits(T: int, k: int | None, scheme: str = "summed") -> int:
    """How many cell backward passes one BPTT of length ``T`` makes (a count, not a time).

    ``"origins"``: every loss ``C_t`` sends its own gradient back on its own, ``k`` steps
    at most (``None``: to the first step; the slide's picture); ``"summed"``: the gradients
    that reach ``h_t`` are added before they go on, one pass (``k`` is ignored).
    """
    if scheme == "summed":
        return T
    if scheme != "origins":
        raise ValueError(f"scheme must be 'origins' or 'summed', got {scheme!r}")
    return sum(t + 1 if k is None else min(t, k) + 1 for t in range(T))


def plot_cost_vs_T(Ts: Sequence[int], counts: Mapping[str, Sequence[float]],
                   ax: Axes | None = None,
                   title: str = "cost of one backward pass as $T$ grows",
                   ylabel: str = "rnn_cell_backward calls") -> Axes:
    """Counted costs (one curve per method) against the sequence length on log-log axes,
    with guides of slope 1 (cost ~ T) and 2 (cost ~ T^2) starting under the smallest."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    Ts = np.asarray(Ts, dtype=float)
    markers = "osD^v"
    for i, (name, values) in enumerate(counts.items()):
        ax.loglog(Ts, np.asarray(values, dtype=float), marker=markers[i % len(markers)],
                  color=f"C{i}", label=name)
    first = 0.5 * min(float(np.asarray(v, dtype=float)[0]) for v in counts.values())
    for power, style in ((1, ":"), (2, "--")):  # guides under the curves, not on them
        cost = f"$T^{power}$" if power > 1 else "$T$"
        ax.loglog(Ts, first * (Ts / Ts[0]) ** power, style, color="#666666", linewidth=1,
                  label=label(f"斜率 {power}：成本 ~ {cost}", f"slope {power}: cost ~ {cost}"))
    ax.set_xticks(Ts, [f"{t:g}" for t in Ts])
    ax.minorticks_off()
    ax.set_xlabel(label("序列長度 $T$", "sequence length $T$"))
    ax.set_ylabel(default_label(ylabel, "rnn_cell_backward calls", "rnn_cell_backward 呼叫次數"))
    ax.set_title(default_label(title, "cost of one backward pass as $T$ grows",
                               "一次反向傳遞的成本隨 $T$ 增加"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    use_cjk_fonts(ax.figure)
    return ax


# ---------------------------------------------------------------- measured errors
def plot_truncation_error(ks: Sequence[int], errors: Mapping[str, Sequence[float]],
                          ax: Axes | None = None,
                          title: str = "truncated gradient vs full BPTT",
                          log: bool = True) -> Axes:
    """Relative error of a truncated gradient against full BPTT (one curve per scheme)
    against ``k`` (or any x values), on a log scale unless ``log`` is False."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    for i, (name, values) in enumerate(errors.items()):
        ax.plot(ks, values, "o-", color=f"C{i}", label=name, markersize=4)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(label("$k$：梯度最多往回傳幾步", "$k$: the most steps a gradient goes back"))
    ax.set_ylabel(label("$dW_h$ 的相對誤差", "relative error of $dW_h$"))
    ax.set_title(default_label(title, "truncated gradient vs full BPTT",
                               "截斷的梯度 vs 完整 BPTT"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    use_cjk_fonts(ax.figure)
    return ax
