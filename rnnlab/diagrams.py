"""Unrolled-RNN diagrams drawn with matplotlib, in one consistent style for chapter 19.

Primitives (``draw_cell``, ``draw_node``, ``draw_arrow``, ``draw_window``,
``draw_bptt_step``, ``draw_unrolled``, ``draw_words``) build the pictures;
``one_to_one_diagram`` … ``stacked_diagram``, ``unrolled_diagram`` and
``rnn_types_overview`` draw the RNN types of 19-1 and return a Figure (named ``*_diagram``
so they never shadow the notebooks' graded functions). No figure needs the network or data.
Each figure fits JupyterLab's output area (about 975 px at 100 dpi), so it is shown at
full size and its smallest text, 10 pt, measures about 14 px on screen.

Conventions: time runs left to right (column ``t``), layers stack bottom to top (row
``layer``), inputs ``x_t`` sit below the first layer and outputs ``y_t`` above the last.
Every artist carries a gid (``"cell"``, ``"input"``, ``"output"``, ``"state"``,
``"arrow-time"``, ``"arrow-depth"``, ``"arrow-in"``, ``"arrow-out"``, ``"arrow-feedback"``,
``"arrow-context"``, ``"arrow-backward"``, ``"window"``) so that notebooks can restyle it
and tests can count it. Labels are zh-TW where a CJK font is installed and English
otherwise (:func:`rnnlab.fonts.label`; math is LaTeX/mathtext in both); the RNN types keep
the slides' English names ("one to one" …). ``words_in`` and
``words_out`` write example tokens under the inputs and over the outputs (the application
that each RNN type is known for); ``rnn_types_overview(words=True)`` writes them on all five.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.text import Text

from rnnlab import fonts
from rnnlab.fonts import label as _label_in

# geometry (data units): distance between time steps, between layers, box and node sizes
DX, DY = 1.6, 1.35
CELL_W, CELL_H = 0.95, 0.62
NODE_R = 0.3

# colours in the classic "x red, h green, y blue" scheme
COLORS = {
    "input": ("#f4cccc", "#cc4125"),  # (face, edge)
    "cell": ("#d9ead3", "#38761d"),
    "output": ("#cfe2f3", "#3d85c6"),
    "state": ("#ffffff", "#666666"),
    "arrow": "#333333",
    "highlight": "#d62728",  # BPTT / highlighted arrows
    "window": "#fff2cc",  # truncation windows
    "note": "#444444",  # secondary text (layer names, "time", "encoder"): 9.7:1 on white
    "word": "#1f1f1f",  # example tokens under inputs / over outputs
}
FONT_SIZE = 12
WORD_GAP = 0.1  # between a node and its example word (data units)


# ---------------------------------------------------------------- Chinese labels
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters or full-width punctuation."""
    return bool(CJK_RE.search(text))


def default_label(text, en: str, zh: str):
    """``text`` as given, except the English default ``en`` itself, which becomes
    ``label(zh, en)`` (so a function keeps its English default in its signature)."""
    return _label_in(zh, en) if text == en else text


def _is_math(text: str) -> bool:
    return text.count("$") - text.count(r"\$") >= 2


def use_cjk_fonts(fig: Figure) -> Figure:
    """Give every text of ``fig`` that holds Chinese characters a font that can draw them.

    A text keeps the font family it had when it was created: an axes made before the
    first Chinese label (a notebook's ``plt.subplots``) has titles without the CJK fallback.
    Plain text gets DejaVu Sans with the CJK font behind it (matplotlib's font fallback);
    text with math (``$…$``) gets the CJK font first, because mathtext draws the text
    outside ``$…$`` in one font, without fallback (the CJK font has Latin letters too; the
    math keeps DejaVu). Returns ``fig``.
    """
    family = fonts.cjk_family()
    if family is None:
        return fig
    for text in fig.findobj(Text):
        content = text.get_text()
        if has_cjk(content):
            text.set_fontfamily([family, fonts.LATIN_FAMILY] if _is_math(content)
                                else [fonts.LATIN_FAMILY, family])
    return fig


def _text_width(text: str) -> int:
    """Width of ``text`` in Latin characters: a Chinese character is two wide."""
    return len(text) + len(CJK_RE.findall(text))


# ---------------------------------------------------------------- canvas
def new_figure(width: float = 6.0, height: float = 3.0,
               ncols: int = 1) -> tuple[Figure, list[Axes]]:
    """A Figure (not managed by pyplot, so it is shown once and never leaks) and
    ``ncols`` blank axes with equal aspect and no frame."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = list(fig.subplots(1, ncols, squeeze=False)[0])
    for ax in axes:
        _blank(ax)
    return fig, axes


def _blank(ax: Axes) -> None:
    """Equal aspect, no frame and no tick labels (hidden ones are still drawn objects)."""
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xticks([])
    ax.set_yticks([])


def fit(ax: Axes, margin: float = 0.25) -> None:
    """Set the axes limits to the drawn patches plus ``margin`` (patches do not autoscale
    reliably with equal aspect)."""
    xs, ys = [], []
    for patch in ax.patches:
        if isinstance(patch, FancyArrowPatch):
            continue  # arrows join drawn shapes; curved ones may bulge a little
        box = patch.get_extents().transformed(ax.transData.inverted())
        xs += [box.x0, box.x1]
        ys += [box.y0, box.y1]
    for text in ax.texts:  # the anchor, and roughly how far the text reaches from it
        x, y = text.get_position()
        content = text.get_text()
        reach = 0.075 * _text_width(content) if not content.startswith("$") else 0.2
        left = {"left": 0.0, "center": reach, "right": 2 * reach}[text.get_ha()]
        xs += [x - left, x - left + 2 * reach]
        ys += [y - (0.3 if text.get_va() == "top" else 0.0),
               y + (0.3 if text.get_va() == "bottom" else 0.0)]
    if xs:
        ax.set_xlim(min(xs) - margin, max(xs) + margin)
        ax.set_ylim(min(ys) - margin, max(ys) + margin)


# ---------------------------------------------------------------- primitives
def draw_cell(ax: Axes, xy: tuple[float, float], label: str = "", *,
              width: float = CELL_W, height: float = CELL_H, kind: str = "cell",
              gid: str = "cell") -> FancyBboxPatch:
    """A rounded box centred at ``xy`` (an RNN cell; ``kind`` picks the colours)."""
    face, edge = COLORS[kind]
    x, y = xy
    box = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                         boxstyle="round,pad=0.02,rounding_size=0.12",
                         facecolor=face, edgecolor=edge, linewidth=1.6, zorder=3)
    box.set_gid(gid)
    ax.add_patch(box)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=FONT_SIZE, zorder=4)
    return box


def draw_node(ax: Axes, xy: tuple[float, float], label: str = "", *,
              kind: str = "input", radius: float = NODE_R) -> Circle | FancyBboxPatch:
    """A circle centred at ``xy`` for an input ``x_t``, an output ``y_t`` or a state
    such as ``h_0`` (``kind`` = ``"input"``, ``"output"`` or ``"state"``; it is the gid).
    A plain-text label longer than 3 characters (a token such as ``"<bos>"``) gets a pill
    as wide as the text instead, so that it is written at the same size as the others."""
    face, edge = COLORS[kind]
    style = {"facecolor": face, "edgecolor": edge, "linewidth": 1.6, "zorder": 3}
    if label and not label.startswith("$") and len(label) > 3:
        width = max(2 * radius, 0.15 * len(label) + 0.2)
        x, y = xy
        node = FancyBboxPatch((x - width / 2, y - radius), width, 2 * radius,
                              boxstyle=f"round,pad=0,rounding_size={radius}", **style)
    else:
        node = Circle(xy, radius, **style)
    node.set_gid(kind)
    ax.add_patch(node)
    if label:
        ax.text(*xy, label, ha="center", va="center", zorder=4, fontsize=FONT_SIZE - 1)
    return node


def draw_words(ax: Axes, centres: Sequence[tuple[float, float]], words: Sequence[str], *,
               below: bool = True, radius: float = NODE_R) -> None:
    """Write example ``words`` under (``below``) or over the nodes centred at ``centres``
    (e.g. the tokens a sentence is made of, under its inputs ``x_t``)."""
    if len(words) != len(centres):
        raise ValueError(f"{len(words)} words for {len(centres)} nodes")
    side = -1 if below else 1
    for (x, y), word in zip(centres, words):
        ax.text(x, y + side * (radius + WORD_GAP), word, ha="center",
                va="top" if below else "bottom", fontsize=FONT_SIZE - 1,
                color=COLORS["word"], style="italic", gid="word")


def draw_arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *,
               kind: str = "time", highlight: bool = False, color: str | None = None,
               rad: float = 0.0, linestyle: str = "-", linewidth: float | None = None,
               label: str | None = None,
               label_offset: tuple[float, float] = (0.0, 0.0)) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end`` with gid ``"arrow-<kind>"``.

    ``highlight`` draws it thick in the highlight colour (BPTT paths, the arrows a
    truncation keeps); ``rad`` bends it (positive = counter-clockwise); ``label`` is
    written at its middle (moved by ``label_offset``).
    """
    if color is None:
        color = COLORS["highlight"] if highlight else COLORS["arrow"]
    if linewidth is None:
        linewidth = 2.6 if highlight else 1.4
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=color,
                            linewidth=linewidth, linestyle=linestyle, shrinkA=0, shrinkB=0,
                            connectionstyle=f"arc3,rad={rad}", zorder=5 if highlight else 2)
    arrow.set_gid(f"arrow-{kind}")
    ax.add_patch(arrow)
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        # arc3 bends towards mid + rad * (dy, -dx); the curve's middle is half way there
        dx, dy = end[0] - start[0], end[1] - start[1]
        mx, my = mx + rad * dy / 2 + label_offset[0], my - rad * dx / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="center", fontsize=FONT_SIZE - 2,
                color=color, zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    return arrow


# ---------------------------------------------------------------- unrolled RNN
@dataclass
class Layout:
    """Where ``draw_unrolled`` put things, for notebooks that draw on top of it.

    cells[(layer, t)], inputs[t], outputs[t], states[layer] (the h0 nodes): centres.
    arrows: keys ``("time", layer, t)`` (into cell (layer, t) from the left), ``("depth",
    layer, t)`` (from below, layer >= 1), ``("in", t)``, ``("out", t)``, ``("feedback", t)``
    (from ``y_t`` to cell t+1).
    """

    T: int
    layers: int
    cells: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)
    arrows: dict = field(default_factory=dict)

    def cell_right(self, layer: int, t: int) -> tuple[float, float]:
        x, y = self.cells[(layer, t)]
        return x + CELL_W / 2, y

    def cell_left(self, layer: int, t: int) -> tuple[float, float]:
        x, y = self.cells[(layer, t)]
        return x - CELL_W / 2, y

    def cell_top(self, layer: int, t: int) -> tuple[float, float]:
        x, y = self.cells[(layer, t)]
        return x, y + CELL_H / 2

    def cell_bottom(self, layer: int, t: int) -> tuple[float, float]:
        x, y = self.cells[(layer, t)]
        return x, y - CELL_H / 2


def _steps(spec, T: int) -> list[int]:
    """Time steps named by ``spec``: "all", "first", "last", "none" or indices."""
    if isinstance(spec, str):
        named = {"all": range(T), "first": [0], "last": [T - 1], "none": []}
        if spec not in named:
            raise ValueError(f"unknown step spec {spec!r}: use all/first/last/none or indices")
        return list(named[spec])
    steps = sorted({int(t) for t in spec})
    if steps and not 0 <= steps[0] <= steps[-1] < T:
        raise ValueError(f"time steps {steps} out of range for T={T}")
    return steps


def _label(labels: Sequence[str] | None, i: int, default: str) -> str:
    return labels[i] if labels is not None else default


def draw_unrolled(ax: Axes, T: int, inputs="all", outputs="all", layers: int = 1, *,
                  origin: tuple[float, float] = (0.0, 0.0), t_start: int = 1,
                  h0: bool = True, h0_label: str | None = None, feedback: bool = False,
                  cell_labels: Sequence[str] | None = None,
                  input_labels: Sequence[str] | None = None,
                  output_labels: Sequence[str] | None = None,
                  highlight: Iterable[tuple] = (), state: str = "h") -> Layout:
    """Draw an RNN unrolled over ``T`` time steps and ``layers`` stacked layers.

    inputs, outputs: which time steps have an ``x_t`` below / a ``y_t`` above — "all",
        "first", "last", "none" or a list of 0-based indices.
    origin: centre of the first cell of the bottom layer.
    t_start: the subscript of the first step (labels ``h_1 … h_T`` by default).
    h0: draw the initial state(s) ``h_0`` on the left with an arrow into the first cell.
    feedback: draw a dashed arrow from each output ``y_t`` into the next cell (the
        previous output fed back as the next input, as a generating decoder does).
    cell_labels, input_labels, output_labels: override the default labels (one per step;
        ``cell_labels`` is indexed ``layer * T + t``).
    highlight: arrow keys (see :class:`Layout`) drawn in the highlight colour.
    state: the letter of the hidden state (``"h"``; ``"s"`` for a decoder).
    Returns the :class:`Layout` with every centre and arrow.
    """
    highlight = {tuple(k) for k in highlight}
    ins, outs = _steps(inputs, T), _steps(outputs, T)
    ox, oy = origin
    lay = Layout(T=T, layers=layers)
    top = layers - 1

    def arrow(key, start, end, **kw):
        lay.arrows[key] = draw_arrow(ax, start, end, highlight=key in highlight, **kw)

    for layer in range(layers):
        for t in range(T):
            xy = (ox + t * DX, oy + layer * DY)
            lay.cells[(layer, t)] = xy
            sub = t + t_start
            default = (f"${state}_{{{sub}}}$" if layers == 1
                       else f"${state}^{{({layer + 1})}}_{{{sub}}}$")
            draw_cell(ax, xy, _label(cell_labels, layer * T + t, default))
        if h0:  # the initial state of this layer, on the left
            xy = (ox - DX * 0.85, oy + layer * DY)
            lay.states[layer] = xy
            default = (f"${state}_{{{t_start - 1}}}$" if layers == 1
                       else f"${state}^{{({layer + 1})}}_{{{t_start - 1}}}$")
            draw_node(ax, xy, h0_label or default, kind="state")
            arrow(("time", layer, 0), (xy[0] + NODE_R, xy[1]), lay.cell_left(layer, 0),
                  kind="time")
        for t in range(1, T):
            arrow(("time", layer, t), lay.cell_right(layer, t - 1), lay.cell_left(layer, t),
                  kind="time")
        if layer > 0:
            for t in range(T):
                arrow(("depth", layer, t), lay.cell_top(layer - 1, t),
                      lay.cell_bottom(layer, t), kind="depth")
    for i, t in enumerate(ins):
        x, y = lay.cells[(0, t)]
        xy = (x, y - DY * 0.95)
        lay.inputs[t] = xy
        draw_node(ax, xy, _label(input_labels, i, f"$x_{{{t + t_start}}}$"), kind="input")
        arrow(("in", t), (x, xy[1] + NODE_R), lay.cell_bottom(0, t), kind="in")
    for i, t in enumerate(outs):
        x, y = lay.cells[(top, t)]
        xy = (x, y + DY * 0.95)
        lay.outputs[t] = xy
        draw_node(ax, xy, _label(output_labels, i, f"$y_{{{t + t_start}}}$"), kind="output")
        arrow(("out", t), lay.cell_top(top, t), (x, xy[1] - NODE_R), kind="out")
    if feedback:
        for t in outs:
            if t + 1 < T:
                x, y = lay.outputs[t]
                cx, cy = lay.cell_top(top, t + 1)
                arrow(("feedback", t), (x + NODE_R, y), (cx - CELL_W / 4, cy),
                      kind="feedback", rad=-0.3, linestyle="--", color=COLORS["output"][1])
    return lay


def draw_window(ax: Axes, layout: Layout, t_first: int, t_last: int, *,
                label: str | None = None, color: str | None = None,
                pad: float = 0.18) -> Rectangle:
    """Shade the columns ``t_first … t_last`` (0-based, inclusive) of ``layout`` behind the
    cells, e.g. the steps a truncated BPTT reaches; ``label`` is written above it."""
    xs = [layout.cells[(0, t)][0] for t in (t_first, t_last)]
    ys = [xy[1] for xy in layout.cells.values()]
    ys += [xy[1] for xy in layout.inputs.values()] + [xy[1] for xy in layout.outputs.values()]
    x0, x1 = xs[0] - CELL_W / 2 - pad, xs[1] + CELL_W / 2 + pad
    y0, y1 = min(ys) - NODE_R - pad, max(ys) + NODE_R + pad
    rect = Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=color or COLORS["window"],
                     edgecolor=COLORS["highlight"], linestyle="--", linewidth=1.2, zorder=0)
    rect.set_gid("window")
    ax.add_patch(rect)
    if label:
        ax.text((x0 + x1) / 2, y1 + 0.15, label, ha="center", va="bottom",
                fontsize=FONT_SIZE - 2, color=COLORS["highlight"])
    return rect


def draw_backward_arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *,
                        label: str | None = None, rad: float = 0.0) -> FancyArrowPatch:
    """A gradient flowing backwards (BPTT): a dashed arrow in the highlight colour."""
    return draw_arrow(ax, start, end, kind="backward", highlight=True, linestyle="--",
                      rad=rad, label=label)


def draw_bptt_step(ax: Axes, layout: Layout, t: int, layer: int = 0, *,
                   label: str | None = None, below: bool = True) -> FancyArrowPatch:
    """The gradient passed from state ``t`` back to state ``t-1`` (0-based) of ``layer``,
    drawn as a dashed highlighted arc under (``below``) or over the row of cells, clear of
    the forward arrows. ``t = 0`` points back at the initial state ``h_0``."""
    x, y = layout.cells[(layer, t)]
    side = -1 if below else 1
    px = layout.cells[(layer, t - 1)][0] if t > 0 else layout.states[layer][0]
    start = (x - CELL_W / 4, y + side * CELL_H / 2)
    end_dx = CELL_W / 4 if t > 0 else NODE_R * 0.7
    end = (px + end_dx, y + side * (CELL_H / 2 if t > 0 else NODE_R * 0.7))
    arrow = draw_backward_arrow(ax, start, end, rad=0.45 * side, label=label)
    arrow.set_gid("arrow-backward")
    return arrow


# ---------------------------------------------------------------- the RNN types of 19-1
def _panel(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, (ax,) = new_figure(width, height)
    return fig, ax


def _finish(ax: Axes, title: str | None) -> None:
    if title:
        ax.set_title(title, fontsize=FONT_SIZE + 1)
    fit(ax)
    use_cjk_fonts(ax.figure)


def _words(ax: Axes, lay: Layout, words_in, words_out) -> None:
    """Example tokens under the layout's inputs and over its outputs."""
    if words_in is not None:
        draw_words(ax, [lay.inputs[t] for t in sorted(lay.inputs)], words_in)
    if words_out is not None:
        draw_words(ax, [lay.outputs[t] for t in sorted(lay.outputs)], words_out, below=False)


def one_to_one_diagram(ax: Axes | None = None, title: str | None = "one to one",
                       words_in: Sequence[str] | None = None,
                       words_out: Sequence[str] | None = None) -> Figure:
    """One input, one output, no time axis: a plain feed-forward (DNN) layer."""
    fig, ax = _panel(ax, 2.0, 3.4)
    lay = draw_unrolled(ax, 1, h0=False, cell_labels=["$h$"], input_labels=["$x$"],
                        output_labels=["$y$"])
    _words(ax, lay, words_in, words_out)
    _finish(ax, title)
    return fig


def one_to_many_diagram(T: int = 4, feedback: bool = False, ax: Axes | None = None,
                        title: str | None = "one to many",
                        words_in: Sequence[str] | None = None,
                        words_out: Sequence[str] | None = None) -> Figure:
    """One input at the first step, an output at every step (e.g. image captioning);
    ``feedback`` draws the variant that feeds each output into the next step."""
    fig, ax = _panel(ax, 1.4 + 1.3 * T, 3.6)
    lay = draw_unrolled(ax, T, inputs="first", outputs="all", feedback=feedback)
    _words(ax, lay, words_in, words_out)
    _finish(ax, title)
    return fig


def many_to_one_diagram(T: int = 4, ax: Axes | None = None,
                        title: str | None = "many to one",
                        words_in: Sequence[str] | None = None,
                        words_out: Sequence[str] | None = None) -> Figure:
    """An input at every step, one output from the last state (e.g. review sentiment)."""
    fig, ax = _panel(ax, 1.4 + 1.3 * T, 3.6)
    lay = draw_unrolled(ax, T, inputs="all", outputs="last", output_labels=["$y$"])
    _words(ax, lay, words_in, words_out)
    _finish(ax, title)
    return fig


def many_to_many_diagram(T: int = 4, ax: Axes | None = None,
                         title: str | None = "many to many (aligned)",
                         words_in: Sequence[str] | None = None,
                         words_out: Sequence[str] | None = None) -> Figure:
    """An input and an output at every step (e.g. tagging every word)."""
    fig, ax = _panel(ax, 1.4 + 1.3 * T, 3.6)
    lay = draw_unrolled(ax, T, inputs="all", outputs="all")
    _words(ax, lay, words_in, words_out)
    _finish(ax, default_label(title, "many to many (aligned)", "many to many（對齊）"))
    return fig


def encoder_decoder_diagram(T_in: int = 3, T_out: int = 4, feedback: bool = False,
                            ax: Axes | None = None,
                            title: str | None = "many to many (encoder-decoder)",
                            words_in: Sequence[str] | None = None,
                            words_out: Sequence[str] | None = None) -> Figure:
    """An encoder reads ``T_in`` inputs; its last state ``h_T`` starts a decoder that
    writes ``T_out`` outputs (e.g. translation, where the lengths differ). The decoder's
    first input is the start token ``<bos>``."""
    fig, ax = _panel(ax, 1.2 + 1.2 * (T_in + T_out), 3.8)
    enc = draw_unrolled(ax, T_in, inputs="all", outputs="none")
    start = (T_in + 0.6) * DX  # a gap between encoder and decoder
    dec = draw_unrolled(ax, T_out, inputs="first", outputs="all", origin=(start, 0.0),
                        h0=False, state="s", input_labels=["<bos>"], feedback=feedback)
    draw_arrow(ax, enc.cell_right(0, T_in - 1), dec.cell_left(0, 0), kind="context",
               label=f"$c=h_{{{T_in}}}$", label_offset=(0.0, 0.3))
    _words(ax, enc, words_in, None)
    _words(ax, dec, None, words_out)
    low = -DY * 0.95 - NODE_R - (0.55 if words_in is not None else 0.2)
    for name, lay, steps in ((_label_in("編碼器 encoder", "encoder"), enc, T_in),
                             (_label_in("解碼器 decoder", "decoder"), dec, T_out)):
        x0 = lay.cells[(0, 0)][0]
        x1 = lay.cells[(0, steps - 1)][0]
        ax.text((x0 + x1) / 2, low, name, ha="center", va="top",
                fontsize=FONT_SIZE - 1, style="italic", color=COLORS["note"])
    _finish(ax, default_label(title, "many to many (encoder-decoder)",
                              "many to many（encoder–decoder）"))
    return fig


def stacked_diagram(T: int = 4, layers: int = 3, ax: Axes | None = None,
                    title: str | None = "deep (stacked) RNN") -> Figure:
    """``layers`` RNNs stacked in space: layer l reads the states of layer l-1 at the
    same step; time runs along x, depth along y."""
    fig, ax = _panel(ax, 1.8 + 1.35 * T, 1.6 + 1.15 * layers)
    draw_unrolled(ax, T, inputs="all", outputs="all", layers=layers)
    for layer in range(layers):  # name the rows on the right
        x, y = (T - 1) * DX + CELL_W / 2 + 0.25, layer * DY
        ax.text(x, y, _label_in(f"第 {layer + 1} 層", f"layer {layer + 1}"), ha="left",
                va="center",
                fontsize=FONT_SIZE - 2, color=COLORS["note"])
    ax.annotate("", xy=(T * DX - 0.2, -DY * 1.55), xytext=(-0.4, -DY * 1.55),
                arrowprops={"arrowstyle": "->", "color": COLORS["note"]})
    ax.text(T * DX - 0.2, -DY * 1.55, _label_in(" 時間 time", " time"), ha="left",
            va="center", color=COLORS["note"], fontsize=FONT_SIZE - 2)
    _finish(ax, default_label(title, "deep (stacked) RNN", "深度 RNN（stacked，多層堆疊）"))
    return fig


def unrolled_diagram(T: int = 4, ax: Axes | None = None,
                     title: str | None = "one cell unrolled: the same $W_x$, $W_h$, $b$ "
                                         "at every step") -> Figure:
    """The sequence an RNN reads (no read-out yet), with the weights on the arrows: every
    input arrow is ``W_x``, every arrow in time is ``W_h`` (shared by all steps)."""
    fig, ax = _panel(ax, 1.6 + 1.45 * T, 3.0)
    lay = draw_unrolled(ax, T, inputs="all", outputs="none")
    for t in range(T):
        x, _ = lay.cells[(0, t)]
        y = (lay.inputs[t][1] + NODE_R + lay.cell_bottom(0, t)[1]) / 2
        ax.text(x + 0.1, y, "$W_x$", ha="left", va="center", fontsize=FONT_SIZE - 1,
                color=COLORS["note"])
        (x0, y0), (x1, _) = lay.cell_left(0, t), (lay.states[0] if t == 0
                                                  else lay.cell_right(0, t - 1))
        ax.text((x0 + x1) / 2 + (NODE_R / 2 if t == 0 else 0), y0 + 0.12, "$W_h$",
                ha="center", va="bottom", fontsize=FONT_SIZE - 1, color=COLORS["note"])
    _finish(ax, default_label(
        title, "one cell unrolled: the same $W_x$, $W_h$, $b$ at every step",
        "同一個 cell 沿時間展開：每個 time step 都用同一組 $W_x$、$W_h$、$b$"))
    return fig


# the application each RNN type is known for (the slides' examples): (words in, words out)
APPLICATIONS = {
    "one to one": (["photo"], ["cat"]),  # image classification: cat or dog
    "one to many": (["photo"], ["a", "dog", "runs"]),  # image captioning
    "many to one": (["loved", "this", "film"], ["positive"]),  # review sentiment
    "many to many (aligned)": (["Alice", "visits", "Taipei"], ["PER", "O", "LOC"]),  # tagging
    "many to many (encoder-decoder)": (["zài", "jiàn"], ["see", "you", "later"]),  # 再見
}  # translation: 2 words in, 3 out (the lengths may differ)


def rnn_types_overview(words: bool = False) -> Figure:
    """The five pictures of 19-1 on one scale, in two rows that fit the notebook's width
    (975 px), so every label is shown at full size. ``words`` writes each type's best
    known application (:data:`APPLICATIONS`) under its inputs and over its outputs."""
    width = 9.6  # inches at 100 dpi: 960 px

    def ex(title: str) -> dict:
        if not words:
            return {}
        words_in, words_out = APPLICATIONS[title]
        return {"words_in": words_in, "words_out": words_out}

    fig = Figure(figsize=(width, 5.0))
    panels = [
        lambda ax: one_to_one_diagram(ax=ax, **ex("one to one")),
        lambda ax: one_to_many_diagram(T=3, ax=ax, **ex("one to many")),
        lambda ax: many_to_one_diagram(T=3, ax=ax, **ex("many to one")),
        lambda ax: many_to_many_diagram(T=3, ax=ax, **ex("many to many (aligned)")),
        lambda ax: encoder_decoder_diagram(T_in=2 if words else 3, T_out=3, ax=ax,
                                           **ex("many to many (encoder-decoder)")),
    ]
    rows = [[0, 1, 2], [3, 4]]
    axes = []
    for draw in panels:
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        _blank(ax)
        draw(ax)
        lo, hi = ax.get_xlim()
        if hi - lo < 2.4:  # room for the title of a narrow panel
            mid = (lo + hi) / 2
            ax.set_xlim(mid - 1.2, mid + 1.2)
        axes.append(ax)
    for row in rows:  # one vertical range per row: cells and titles line up
        lows, highs = zip(*(axes[i].get_ylim() for i in row))
        for i in row:
            axes[i].set_ylim(min(lows), max(highs))
    span = [np.ptp(ax.get_xlim()) for ax in axes]
    tall = [np.ptp(ax.get_ylim()) for ax in axes]
    gap, title_h = 0.35, 0.32  # data units between panels, inches for a title
    scale = min((width - 0.1) / (sum(span[i] for i in row) + gap * (len(row) - 1))
                for row in rows)  # inches per data unit, the same for every panel
    heights = [max(tall[i] for i in row) * scale + title_h for row in rows]
    height = sum(heights) + 0.1
    fig.set_size_inches(width, height)
    top = height
    for row, row_h in zip(rows, heights):
        used = (sum(span[i] for i in row) + gap * (len(row) - 1)) * scale
        left = (width - used) / 2
        for i in row:
            w, h = span[i] * scale, tall[i] * scale
            bottom = top - title_h - (row_h - title_h + h) / 2
            axes[i].set_position((left / width, bottom / height, w / width, h / height))
            left += w + gap * scale
        top -= row_h
    return fig
