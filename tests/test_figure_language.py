"""The figures' own labels are zh-TW where a CJK font is installed and English otherwise
(rnnlab.fonts.label): drawn in Chinese, every figure function has no missing glyph (no
empty boxes), stays legible (tests/legibility.py) and shows Chinese; with
RNNLAB_FIGURE_LANGUAGE=en it shows no Chinese at all."""

from __future__ import annotations

import inspect
import logging
import warnings

import matplotlib
import numpy as np
import pytest
from legibility import too_small  # tests/, on pytest's path
from matplotlib.figure import Figure
from matplotlib.text import Text

from rnnlab import bptt_figures, diagrams, fonts, gradients, metrics, plots, text_figures

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODULES = (diagrams, bptt_figures, gradients, plots, metrics, text_figures)
# the RNN types keep the slides' English names ("one to one" …): no Chinese to show
ENGLISH_BY_DESIGN = {"one_to_one_diagram", "one_to_many_diagram", "many_to_one_diagram"}


def _figure(drawn):
    return drawn if isinstance(drawn, Figure) else drawn.figure


def _cliff(**kw):
    history = {"no clipping": gradients.train_cliff()}  # leaves the map: an annotation
    return gradients.plot_cliff(history, **kw)


def _threshold_scan():
    thresholds = np.round(np.arange(0.05, 0.951, 0.05), 2)
    return metrics.plot_threshold_scan(thresholds, np.sin(3 * thresholds), chosen=0.5)


def _log_curves():
    """A notebook's axes, made before any Chinese label (no CJK fallback in their fonts),
    with a title written with rnnlab.fonts.label: plot_log_curves gives it the CJK font."""
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        _, ax = plt.subplots(figsize=(6, 3.6))
    return gradients.plot_log_curves(
        {"rho = 0.8": 0.8 ** np.arange(20.0)}, ax=ax, xlabel="distance d",
        title=fonts.label("梯度的範數 gradient norm，$\\rho = 0.8$", "gradient norm"))


_RNG = np.random.default_rng(0)
_LABELS = _RNG.choice(["ham", "spam"], size=300, p=[0.87, 0.13])
_LENGTHS = np.where(_LABELS == "spam", 25, 12) + _RNG.integers(-8, 8, size=300)
_G = np.array([3.0, 0.5])

# name -> a call drawing the figure as the notebooks do (defaults: the figures' own labels)
FIGURES = {
    "one_to_one_diagram": lambda: diagrams.one_to_one_diagram(),
    "one_to_many_diagram": lambda: diagrams.one_to_many_diagram(feedback=True),
    "many_to_one_diagram": lambda: diagrams.many_to_one_diagram(),
    "many_to_many_diagram": lambda: diagrams.many_to_many_diagram(),
    "encoder_decoder_diagram": lambda: diagrams.encoder_decoder_diagram(feedback=True),
    "stacked_diagram": lambda: diagrams.stacked_diagram(T=4, layers=3),
    "unrolled_diagram": lambda: diagrams.unrolled_diagram(T=4),
    "rnn_types_overview": lambda: diagrams.rnn_types_overview(words=True),
    "bptt_flow": lambda: bptt_figures.bptt_flow(T=3, origin=3),
    "bptt_flow (full)": lambda: bptt_figures.bptt_flow(T=4),
    "truncation_window": lambda: bptt_figures.truncation_window(T=6, k=2, origins=(2, 6)),
    "truncation_grid": lambda: bptt_figures.truncation_grid(6, None),
    "truncation_schemes": lambda: bptt_figures.truncation_schemes(T=6, k=2),
    "plot_cost_vs_T": lambda: bptt_figures.plot_cost_vs_T([4, 8, 16], {"a": [4, 8, 16]}),
    "plot_truncation_error": lambda: bptt_figures.plot_truncation_error(
        [0, 1, 2], {"a": [1.0, 0.5, 0.2]}),
    "plot_log_curves": _log_curves,
    "plot_clip_geometry": lambda: gradients.plot_clip_geometry(
        _G, np.array([1.0, 0.5]), _G / np.linalg.norm(_G), 1.0),
    "plot_cliff": _cliff,
    "plot_class_balance": lambda: plots.plot_class_balance({"ham": 4827, "spam": 747}),
    "plot_length_by_class": lambda: plots.plot_length_by_class(_LENGTHS, _LABELS, upper=30),
    "draw_confusion": lambda: plots.draw_confusion([[700, 10], [12, 95]]),
    "plot_confusion": lambda: plots.plot_confusion({"tp": 5, "fp": 1, "fn": 2, "tn": 9}),
    "plot_confusion_matrix": lambda: metrics.plot_confusion_matrix([[700, 10], [12, 95]]),
    "plot_threshold_scan": _threshold_scan,
    "plot_token_lengths": lambda: text_figures.plot_token_lengths(
        _LENGTHS, _LABELS, upper=25),
    "plot_vocab_coverage": lambda: text_figures.plot_vocab_coverage(
        1000.0 / np.arange(1, 3000), marks=(100, 1000, 2000)),
    "plot_padded_batch": lambda: text_figures.plot_padded_batch(
        [[0, 0, 5, 17, 320], [9, 4, 1000, 77, 61]], title="padding='pre'"),
}


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _is_figure_function(module, name: str) -> bool:
    if module is diagrams:
        return name.endswith("_diagram") or name == "rnn_types_overview"
    return name.startswith(("plot_", "draw_")) or name in {
        "bptt_flow", "truncation_window", "truncation_grid", "truncation_schemes"}


def test_the_fast_loop_draws_a_figure_of_every_module():
    assert FAST <= set(FIGURES)
    drawn_by = {getattr(m, name).__module__ for name in FAST for m in MODULES
                if hasattr(m, name)}
    assert drawn_by == {m.__name__ for m in MODULES}


def test_every_figure_function_is_drawn_here():
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and _is_figure_function(module, name):
                assert name in FIGURES, f"{module.__name__}.{name} is not drawn in both languages"


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    if not fonts.chinese_labels():
        pytest.skip("no CJK font on this machine (make setup installs fonts-noto-cjk as root)")
    plt.rcParams["figure.dpi"] = 100  # the inline backend's, as tests/legibility.py measures


# One figure per module in the fast loop (make test-fast); every figure in make test.
FAST = {"many_to_one_diagram", "bptt_flow", "plot_log_curves", "plot_length_by_class",
        "plot_confusion_matrix", "plot_padded_batch"}


@pytest.mark.parametrize("name", [name if name in FAST else
                                  pytest.param(name, marks=pytest.mark.slow)
                                  for name in FIGURES])
def test_chinese_labels_render_legibly(chinese, caplog, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        caplog.set_level(logging.WARNING, logger="matplotlib")  # mathtext logs its own
        fig = _figure(FIGURES[name]())
        small = too_small(fig)  # draws the figure and saves it as the inline backend does
    missing = [r.getMessage() for r in caplog.records if "glyph" in r.getMessage().lower()]
    assert not missing, missing
    assert small == [], small
    texts = _texts(fig)
    if name in ENGLISH_BY_DESIGN:
        assert not [t for t in texts if diagrams.has_cjk(t)]
    else:
        assert [t for t in texts if diagrams.has_cjk(t)], texts
    plt.close("all")


def test_english_when_asked(monkeypatch):
    monkeypatch.setenv(fonts.ENV_VAR, "en")
    assert fonts.label("時間步 time step", "time step") == "time step"
    for name, draw in FIGURES.items():
        fig = _figure(draw())
        chinese = [t for t in _texts(fig) if diagrams.has_cjk(t)]
        assert not chinese, (name, chinese)
        plt.close("all")
