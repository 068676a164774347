"""rnnlab.diagrams: every figure has the cells, nodes and arrows its RNN type needs, in the
right places, and renders without missing glyphs; the figures 19-1 shows are legible at
JupyterLab's 100% zoom, distinct and in contrast."""

import io
import warnings
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
from legibility import OUTPUT_WIDTH_PX, shown_width_px, too_small  # tests/, on pytest's path
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from rnnlab import diagrams


def artists(fig: Figure) -> Counter:
    """How many patches of each gid the figure holds (over all its axes)."""
    return Counter(p.get_gid() for ax in fig.axes for p in ax.patches)


def centres(fig: Figure, gid: str) -> np.ndarray:
    """Centres (data coordinates) of the patches with ``gid`` in the first axes."""
    out = []
    for p in fig.axes[0].patches:
        if p.get_gid() == gid:
            box = p.get_extents().transformed(fig.axes[0].transData.inverted())
            out.append(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
    return np.array(sorted(out))


def render(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


def test_one_to_one_is_a_single_dense_layer():
    fig = diagrams.one_to_one_diagram()
    assert isinstance(fig, Figure)
    c = artists(fig)
    assert (c["cell"], c["input"], c["output"], c["state"]) == (1, 1, 1, 0)
    assert (c["arrow-in"], c["arrow-out"], c["arrow-time"]) == (1, 1, 0)


@pytest.mark.parametrize("T", [1, 4, 6])
def test_one_to_many_has_one_input_and_T_outputs(T):
    c = artists(diagrams.one_to_many_diagram(T=T))
    assert (c["cell"], c["input"], c["output"], c["state"]) == (T, 1, T, 1)
    assert (c["arrow-in"], c["arrow-out"], c["arrow-time"]) == (1, T, T)
    assert c["arrow-feedback"] == 0
    fed = artists(diagrams.one_to_many_diagram(T=T, feedback=True))
    assert fed["arrow-feedback"] == T - 1


def test_many_to_one_reads_out_the_last_cell():
    fig = diagrams.many_to_one_diagram(T=5)
    c = artists(fig)
    assert (c["cell"], c["input"], c["output"]) == (5, 5, 1)
    assert (c["arrow-in"], c["arrow-out"], c["arrow-time"]) == (5, 1, 5)
    cells, (out,) = centres(fig, "cell"), centres(fig, "output")
    assert out[0] == pytest.approx(cells[-1][0])  # above the LAST step, not the first
    assert out[1] > cells[-1][1]


def test_many_to_many_outputs_above_every_input():
    fig = diagrams.many_to_many_diagram(T=4)
    c = artists(fig)
    assert (c["cell"], c["input"], c["output"], c["arrow-out"]) == (4, 4, 4, 4)
    np.testing.assert_allclose(centres(fig, "input")[:, 0], centres(fig, "output")[:, 0])


def test_encoder_decoder_lengths_differ_and_are_linked_by_the_context():
    fig = diagrams.encoder_decoder_diagram(T_in=3, T_out=5)
    c = artists(fig)
    assert c["cell"] == 3 + 5
    assert c["input"] == 3 + 1  # the encoder's words and the decoder's <bos>
    assert c["output"] == 5
    assert c["arrow-context"] == 1
    assert c["arrow-time"] == 3 + 4  # h0 -> h1 -> h2 -> h3 and s1 -> ... -> s5
    outputs, inputs = centres(fig, "output"), centres(fig, "input")
    assert outputs[:, 0].min() > inputs[:3, 0].max()  # every output after the encoder


@pytest.mark.parametrize("T, layers", [(4, 3), (2, 2), (5, 1)])
def test_stacked_has_layers_in_space_and_time_along_x(T, layers):
    fig = diagrams.stacked_diagram(T=T, layers=layers)
    c = artists(fig)
    assert c["cell"] == T * layers
    assert c["arrow-depth"] == T * (layers - 1)
    assert c["arrow-time"] == T * layers  # one h0 per layer
    assert c["state"] == layers
    assert (c["input"], c["output"]) == (T, T)
    cells = centres(fig, "cell")
    assert len(np.unique(cells[:, 0].round(6))) == T  # columns are time steps
    assert len(np.unique(cells[:, 1].round(6))) == layers  # rows are layers


def test_overview_draws_the_five_types():
    fig = diagrams.rnn_types_overview()
    assert len(fig.axes) == 5
    assert artists(fig)["cell"] == 1 + 3 + 3 + 3 + 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "one to one" and titles[2] == "many to one"


def test_overview_writes_each_types_application_inside_its_panel():
    """words=True: the slides' example applications under the inputs and over the outputs,
    below the panel's title (inside its axes, which set the title's place)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = diagrams.rnn_types_overview(words=True)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax, (words_in, words_out) in zip(fig.axes, diagrams.APPLICATIONS.values()):
        words = [t for t in ax.texts if t.get_gid() == "word"]
        assert sorted(t.get_text() for t in words) == sorted(words_in + words_out)
        box = ax.get_window_extent(renderer)
        for t in words:
            extent = t.get_window_extent(renderer)
            assert box.y0 <= extent.y0 and extent.y1 <= box.y1, t.get_text()
    plain = diagrams.rnn_types_overview()
    assert not [t for ax in plain.axes for t in ax.texts if t.get_gid() == "word"]


def test_highlight_window_and_backward_arrows():
    fig, (ax,) = diagrams.new_figure()
    lay = diagrams.draw_unrolled(ax, 5, highlight=[("time", 0, 3)])
    assert set(lay.cells) == {(0, t) for t in range(5)}
    hot, cold = lay.arrows[("time", 0, 3)], lay.arrows[("time", 0, 2)]
    assert hot.get_linewidth() > cold.get_linewidth()
    assert hot.get_edgecolor() != cold.get_edgecolor()

    rect = diagrams.draw_window(ax, lay, 2, 4, label="k = 2")
    x0, x1 = rect.get_x(), rect.get_x() + rect.get_width()
    inside = [t for t in range(5) if x0 < lay.cells[(0, t)][0] < x1]
    assert inside == [2, 3, 4]

    back = diagrams.draw_bptt_step(ax, lay, 3)
    assert back.get_gid() == "arrow-backward"
    (sx, _), (ex, _) = back._posA_posB  # the end points (no public getter)
    assert lay.cells[(0, 2)][0] < ex < sx < lay.cells[(0, 3)][0]  # from step 3 back to 2
    assert artists(fig)["window"] == 1


def test_step_specs_are_validated():
    fig, (ax,) = diagrams.new_figure()
    lay = diagrams.draw_unrolled(ax, 4, inputs=[0, 2], outputs="last")
    assert sorted(lay.inputs) == [0, 2] and sorted(lay.outputs) == [3]
    with pytest.raises(ValueError):
        diagrams.draw_unrolled(ax, 3, inputs="some")
    with pytest.raises(ValueError):
        diagrams.draw_unrolled(ax, 3, outputs=[3])


def test_every_figure_renders_without_missing_glyphs():
    figures = [diagrams.one_to_one_diagram(), diagrams.one_to_many_diagram(feedback=True),
               diagrams.many_to_one_diagram(), diagrams.many_to_many_diagram(),
               diagrams.encoder_decoder_diagram(feedback=True), diagrams.stacked_diagram(),
               diagrams.rnn_types_overview(), diagrams.rnn_types_overview(words=True)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        for fig in figures:
            assert render(fig).startswith(b"\x89PNG")


# ---------------------------------------------------------------- as the notebook shows them
NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions" / "ch19_1_rnn_types" / \
    "ch19_1_rnn_types.ipynb"


def notebook_figures() -> list[tuple[str, Figure]]:
    """Every figure 19-1 shows: its cells that are one ``diagrams.…(…)`` expression,
    evaluated as the notebook does (the figure is the cell's value)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    out = []
    for cell in nb.cells:
        source = cell.source.strip()
        if cell.cell_type == "code" and source.startswith("diagrams."):
            out.append((source, eval(source, {"diagrams": diagrams})))  # noqa: S307
    return out


def test_the_notebook_shows_its_figures_legibly():
    """No text under 9 px in JupyterLab at 100% zoom (tests/legibility.py)."""
    figures = notebook_figures()
    assert len(figures) == 4  # the overview with the applications, unrolled, feedback, deep
    for source, fig in figures:
        assert isinstance(fig, Figure), source
        assert shown_width_px(fig) <= OUTPUT_WIDTH_PX, source  # shown at full size
        assert too_small(fig) == [], source


def test_no_notebook_figure_repeats_another():
    drawn = [tuple(sorted(t.get_text() for t in fig.findobj(Text) if t.get_text().strip()))
             for _, fig in notebook_figures()]
    assert len(set(drawn)) == len(drawn)


def _luminance(colour) -> float:
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def test_notebook_figure_text_has_contrast():
    """Every text is dark enough to read on white (WCAG contrast >= 4.5:1)."""
    for source, fig in notebook_figures():
        for text in fig.findobj(Text):
            if text.get_text().strip():
                ratio = 1.05 / (_luminance(text.get_color()) + 0.05)
                assert ratio >= 4.5, (source, text.get_text(), text.get_color())


def test_the_overview_fits_the_output_area_on_one_scale():
    fig = diagrams.rnn_types_overview()
    assert shown_width_px(fig) <= OUTPUT_WIDTH_PX
    scales = {round(ax.get_position().width * fig.get_figwidth() / np.ptp(ax.get_xlim()), 6)
              for ax in fig.axes}  # inches per data unit
    assert len(scales) == 1


def test_long_node_labels_get_a_pill_at_full_size():
    fig = diagrams.encoder_decoder_diagram()
    bos = [t for t in fig.axes[0].texts if t.get_text() == "<bos>"]
    assert len(bos) == 1 and bos[0].get_fontsize() == diagrams.FONT_SIZE - 1
    words = diagrams.many_to_one_diagram(words_in=["a", "b", "c", "d"], words_out=["yes"])
    assert {t.get_text() for t in words.axes[0].texts if t.get_gid() == "word"} == {
        "a", "b", "c", "d", "yes"}
    with pytest.raises(ValueError):
        diagrams.many_to_one_diagram(words_in=["too", "few"])
