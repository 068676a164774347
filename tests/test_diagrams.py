"""rnnlab.diagrams: every figure has the cells, nodes and arrows its RNN type needs, in the
right places, and renders without missing glyphs."""

import io
import warnings
from collections import Counter

import numpy as np
import pytest
from matplotlib.figure import Figure

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
               diagrams.rnn_types_overview()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        for fig in figures:
            assert render(fig).startswith(b"\x89PNG")
