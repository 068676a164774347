"""19-2 (BPTT): the reference forward, full BPTT (graded) and truncated BPTT (the 選讀
exercise) equal PyTorch autograd, the gradient check passes, the counted costs are the
reference's calls, the figures draw the definitions, and the visible checks (graded and
practice) name the mistakes they are written for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.hidden import expected_outputs, hidden_checks
from autograder.reference import reference_namespace
from rnnlab.bptt_figures import bptt_flow, reach_matrix, truncation_grid, truncation_window
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks
from rnnlab.gradcheck import numerical_gradient_array, rel_error

AID = "ch19_2_bptt"
NAMES = ("dx", "dh0", "dWx", "dWh", "db")


@pytest.fixture(scope="module")
def ref():
    return reference_namespace(AID)


def _problem(seed=0, N=3, T=7, D=4, H=5):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(N, T, D)),
        "h0": rng.normal(size=(N, H)),
        "Wx": rng.normal(size=(D, H)) / np.sqrt(D),
        "Wh": 1.2 * rng.normal(size=(H, H)) / np.sqrt(H),
        "b": 0.3 * rng.normal(size=H),
        "dh": rng.normal(size=(N, T, H)),
    }


# ---------------------------------------------------------------- PyTorch as the judge
@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _leaves(torch, p):
    return {k: torch.tensor(p[k], dtype=torch.float64, requires_grad=True)
            for k in ("x", "h0", "Wx", "Wh", "b")}


def _cell(torch, v, x_t, h_prev):
    return torch.tanh(x_t @ v["Wx"] + h_prev @ v["Wh"] + v["b"])


def torch_truncated_bptt(torch, p, k):
    """Autograd with the graph cut as the spec defines: for each origin t, recompute
    h_{t-k} .. h_t from h_{t-k-1}.detach() (h0 plays h_{-1}) and backprop dh[:, t]."""
    v = _leaves(torch, p)
    T = p["x"].shape[1]
    with torch.no_grad():  # the states of the forward pass, to start the windows from
        states, h = [], v["h0"]
        for t in range(T):
            h = _cell(torch, v, v["x"][:, t], h)
            states.append(h)
    dh = torch.tensor(p["dh"])
    for t in range(T):
        first = 0 if k is None else max(t - k, 0)
        if k is None or t - k - 1 < -1:
            h = v["h0"]  # the window reaches h0: its gradient flows into dh0
        elif t - k - 1 == -1:
            h = v["h0"].detach()
        else:
            h = states[t - k - 1].detach()
        for s in range(first, t + 1):
            h = _cell(torch, v, v["x"][:, s], h)
        (h * dh[:, t]).sum().backward()
    return [np.zeros_like(p[k_]) if v[k_].grad is None else v[k_].grad.numpy()
            for k_ in ("x", "h0", "Wx", "Wh", "b")]


def test_forward_equals_torch_nn_rnn(ref, torch):
    p = _problem(1)
    h, _ = ref["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    D, H = p["Wx"].shape
    rnn = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(p["Wx"].T))
        rnn.weight_hh_l0.copy_(torch.tensor(p["Wh"].T))
        rnn.bias_ih_l0.copy_(torch.tensor(p["b"]))
        rnn.bias_hh_l0.zero_()
        expected, _ = rnn(torch.tensor(p["x"]), torch.tensor(p["h0"])[None])
    assert h.shape == expected.shape
    np.testing.assert_allclose(h, expected.numpy(), rtol=1e-6, atol=1e-6)


def test_cell_forward_and_backward_equal_autograd(ref, torch):
    p = _problem(2)
    x_t, h_prev = p["x"][:, 0], p["h0"]
    h_next, cache = ref["rnn_cell_forward"](x_t, h_prev, p["Wx"], p["Wh"], p["b"])
    grads = ref["rnn_cell_backward"](p["dh"][:, 0], cache)
    v = _leaves(torch, p)
    x_leaf = torch.tensor(x_t, requires_grad=True)
    out = _cell(torch, v, x_leaf, v["h0"])
    (out * torch.tensor(p["dh"][:, 0])).sum().backward()
    np.testing.assert_allclose(h_next, out.detach().numpy(), rtol=1e-6, atol=1e-6)
    expected = [x_leaf.grad, v["h0"].grad, v["Wx"].grad, v["Wh"].grad, v["b"].grad]
    for name, got, want in zip(NAMES, grads, expected):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-6, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("seed, T", [(3, 1), (4, 7), (5, 20)])
def test_full_bptt_equals_autograd(ref, torch, seed, T):
    p = _problem(seed, T=T)
    _, cache = ref["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    grads = ref["rnn_backward"](p["dh"], cache)
    v = _leaves(torch, p)
    h, loss = v["h0"], 0
    for t in range(T):
        h = _cell(torch, v, v["x"][:, t], h)
        loss = loss + (h * torch.tensor(p["dh"][:, t])).sum()
    loss.backward()
    for name, got, key in zip(NAMES, grads, ("x", "h0", "Wx", "Wh", "b")):
        np.testing.assert_allclose(got, v[key].grad.numpy(), rtol=1e-6, atol=1e-6,
                                   err_msg=name)


@pytest.mark.parametrize("k", [None, 0, 1, 2, 3, 6, 7, 10])
def test_truncated_bptt_equals_autograd_with_the_graph_cut(ref, torch, k):
    """rnn_backward_truncated(..., k) (k=None: rnn_backward) is autograd with the graph cut
    as the spec defines."""
    p = _problem(6, T=7)
    _, cache = ref["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    grads = (ref["rnn_backward"](p["dh"], cache) if k is None
             else ref["rnn_backward_truncated"](p["dh"], cache, k))
    expected = torch_truncated_bptt(torch, p, k)
    for name, got, want in zip(NAMES, grads, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=f"k={k} {name}")


def test_truncation_really_truncates(ref):
    """The truncated gradients differ from full BPTT for small k, equal it for k >= T, and
    for k = T-1 only dh0 differs (the last origin stops at h[:, 0])."""
    p = _problem(7, T=6)
    _, cache = ref["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    full = ref["rnn_backward"](p["dh"], cache)
    truncated = ref["rnn_backward_truncated"]
    for k in (0, 1, 2):
        assert rel_error(truncated(p["dh"], cache, k)[3], full[3]) > 1e-3
    for k in (6, 9):
        for got, want in zip(truncated(p["dh"], cache, k), full):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    last = truncated(p["dh"], cache, 5)
    assert rel_error(last[1], full[1]) > 1e-3
    for i in (0, 2, 3, 4):
        np.testing.assert_allclose(last[i], full[i], rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- gradient check
def test_reference_passes_the_gradient_check(ref):
    p = _problem(8, N=2, T=4, D=3, H=4)
    args = [p["x"], p["h0"], p["Wx"], p["Wh"], p["b"]]
    _, cache = ref["rnn_forward"](*args)
    grads = ref["rnn_backward"](p["dh"], cache)
    for i, name in enumerate(NAMES):
        def f(v, i=i):
            return ref["rnn_forward"](*[v if j == i else a for j, a in enumerate(args)])[0]

        assert rel_error(grads[i], numerical_gradient_array(f, args[i], p["dh"])) < 1e-7, name


def test_reference_does_not_modify_its_inputs_and_reuses_its_cache(ref):
    p = _problem(9)
    before = {k: v.copy() for k, v in p.items()}
    _, cache = ref["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])

    def all_three():
        return [ref["rnn_backward"](p["dh"], cache)] + [
            ref["rnn_backward_truncated"](p["dh"], cache, k) for k in (0, 2)]

    first, again = all_three(), all_three()
    for key, value in before.items():
        np.testing.assert_array_equal(p[key], value, err_msg=key)
    for a, b in zip(first, again):
        for got, want in zip(a, b):
            np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- counted cost
@pytest.mark.parametrize("T, k", [(1, None), (6, None), (6, 0), (6, 2), (6, 5), (6, 9)])
def test_cell_visits_are_what_the_reference_calls(T, k):
    """The cost section counts rnn_cell_backward calls: the reference makes exactly the
    calls that cell_visits states (T for full BPTT, sum of min(t, k) + 1 for a window;
    the core counts a window with cell_visits, the 選讀 exercise counts the student's)."""
    from autograder.reference import answers_namespace, source_notebook
    from rnnlab.bptt_figures import cell_visits, counting

    ns = answers_namespace(source_notebook(AID))  # the functions' own globals, as in a kernel
    p = _problem(10, T=T)
    _, cache = ns["rnn_forward"](p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    cell = ns["rnn_cell_backward"]
    with counting(ns, "rnn_cell_backward") as calls:
        if k is None:
            ns["rnn_backward"](p["dh"], cache)
        else:
            ns["rnn_backward_truncated"](p["dh"], cache, k)
    assert calls.n == cell_visits(T, k, "summed" if k is None else "origins")
    assert ns["rnn_cell_backward"] is cell  # put back after the block
    assert cell_visits(64, None, "origins") == 64 * 65 // 2
    assert cell_visits(64, 4, "origins") == 5 * 64 - 4 * 5 // 2


# ---------------------------------------------------------------- figures
def test_reach_matrix_draws_the_definition():
    full = reach_matrix(6, None)
    assert (full[:, 1:] > 0).sum() == 6 * 7 // 2 and (full[:, 0] == 1).all()
    window = reach_matrix(6, 2, "window")
    assert window[:, 0].tolist() == [1, 1, 0, 0, 0, 0]  # dh0 only from C_t with t <= k
    assert (window[5] > 0).tolist() == [False] * 4 + [True] * 3  # C_6 reaches h_4 .. h_6
    assert (reach_matrix(6, 0, "window") > 0).sum() == 6
    chunks = reach_matrix(6, 2, "chunks")  # chunks {1,2,3}, {4,5,6}
    assert (chunks[3] > 0).tolist() == [False] * 4 + [True] + [False] * 2
    assert (chunks[5] > 0).tolist() == [False] * 4 + [True] * 3
    assert chunks[:, 0].tolist() == [1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError):
        reach_matrix(4, 1, "sliding")


def test_figures_draw():
    fig = truncation_window(T=5, k=2, origins=(5,))
    windows = [a for a in fig.axes[0].patches if a.get_gid() == "window"]
    assert len(windows) == 1
    backward = [a for a in fig.axes[0].patches if a.get_gid() == "arrow-backward"]
    assert len(backward) == 2 + 2  # C_5 -> y_5 -> h_5, then h_5 -> h_4 -> h_3
    ax = truncation_grid(5, 1, "chunks")
    assert "pairs reached" in ax.get_xlabel()


def _figures():
    from rnnlab import bptt_figures as bf

    Ts = [4, 8, 16]
    yield "chain", bf.bptt_flow(T=3, origin=3)
    yield "full", bf.bptt_flow(T=4)
    yield "window", bf.truncation_window(T=6, k=2, origins=(6,))
    yield "schemes", bf.truncation_schemes(T=8, k=2)
    yield "cost", bf.plot_cost_vs_T(Ts, {"a": [bf.cell_visits(T, None, "origins")
                                               for T in Ts], "b": Ts}).figure
    yield "error", bf.plot_truncation_error([0, 1, 2], {"a": [1.0, 0.5, 0.2]}).figure


def test_figures_are_legible_and_arrows_do_not_overlap():
    """No text under 9 px on screen; a backward arrow never runs on top of a forward one
    (the red-over-black of the old figures) and the drawing fills its figure."""
    from legibility import too_small

    for name, fig in _figures():
        assert not too_small(fig), (name, too_small(fig))
    fig = bptt_flow(T=4)
    ax = fig.axes[0]
    forward = [a for a in ax.patches if a.get_gid() in ("arrow-out", "arrow-time")]
    backward = [a for a in ax.patches if a.get_gid() == "arrow-backward"]
    assert backward and all(a.get_edgecolor()[:3] != forward[0].get_edgecolor()[:3]
                            for a in backward)
    starts = {tuple(np.round(a._posA_posB[0], 6)) for a in forward}
    assert not starts & {tuple(np.round(a._posA_posB[0], 6)) for a in backward}
    import io

    from matplotlib.image import imread

    for shown in (bptt_flow(T=3, origin=3), fig, truncation_window(T=6, k=2)):
        buffer = io.BytesIO()  # what the inline backend shows: a tight PNG
        shown.savefig(buffer, format="png", bbox_inches="tight", dpi=shown.dpi)
        buffer.seek(0)
        ink = (imread(buffer)[..., :3] < 0.95).any(axis=2)
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        blank = [rows[0], ink.shape[0] - 1 - rows[-1], cols[0], ink.shape[1] - 1 - cols[-1]]
        assert max(blank) <= 30, blank  # px: the PNG padding and a thin margin, no more


# ---------------------------------------------------------------- the checks name the mistakes
def _student(forget_tanh_grad=False, transpose_wh=False, overwrite_dWh=False,
             ignore_future=False, window_shift=0, dh0_always=False, pop_cache=False,
             inplace=False):
    """A plain cs231n-style implementation (list of per-step caches, the backward passes
    calling rnn_cell_backward, per origin; full BPTT is the window k = T) as a student
    might write it, with one mistake."""

    def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
        h = np.tanh(x_t @ Wx + h_prev @ Wh + b)
        return h, (x_t, h_prev, Wx, Wh, h)

    def rnn_forward(x, h0, Wx, Wh, b):
        h, caches, h_prev = np.zeros(x.shape[:2] + h0.shape[1:]), [], h0
        for t in range(x.shape[1]):
            h_prev, c = rnn_cell_forward(x[:, t], h_prev, Wx, Wh, b)
            h[:, t] = h_prev
            caches.append(c)
        return h, caches

    def rnn_cell_backward(dh_next, cache):
        x_t, h_prev, Wx, Wh, h = cache
        if inplace:
            dh_next *= 1 - h**2
            da = dh_next
        else:
            da = dh_next if forget_tanh_grad else dh_next * (1 - h**2)
        return (da @ Wx.T, da @ (Wh if transpose_wh else Wh.T), x_t.T @ da, h_prev.T @ da,
                da.sum(axis=0))

    def rnn_backward_truncated(dh, caches, k):
        N, T, H = dh.shape
        x_t, _, Wx, Wh, _ = caches[0]
        dx, dh0 = np.zeros((N, T, x_t.shape[1])), np.zeros((N, H))
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
        steps = [caches.pop(0) for _ in range(T)] if pop_cache else caches
        k = T if k >= T else k + window_shift
        if ignore_future:
            k = 0
        for t in range(T):
            g = dh[:, t]
            for s in range(t, max(t - k, 0) - 1, -1):
                gx, g, gWx, gWh, gb = rnn_cell_backward(g, steps[s])
                dx[:, s] += gx
                dWx, db = dWx + gWx, db + gb
                dWh = gWh if overwrite_dWh else dWh + gWh
            if t - k < 0 or (dh0_always and t - k <= 0):
                dh0 += g
        return dx, dh0, dWx, dWh, db

    def rnn_backward(dh, caches):  # full BPTT: every window reaches h0
        return rnn_backward_truncated(dh, caches, dh.shape[1])

    return {k: v for k, v in locals().items() if k.startswith("rnn_")}


def _failed(namespace, grade_id, hidden=False):
    checks = public_checks(AID, grade_id)
    results = run_checks(checks, namespace)
    if hidden and not grade_id.startswith("practice_"):  # an exercise has no hidden checks
        checks = hidden_checks(AID, grade_id)
        results += run_checks(checks, namespace, expected_outputs(AID, checks))
    return {r.name for r in results if not r.passed}


PRACTICE = "practice_rnn_backward_truncated"
GRADE_IDS = ("test_rnn_cell_forward", "test_rnn_forward", "test_rnn_cell_backward",
             "test_rnn_backward", PRACTICE)


def test_a_correct_per_origin_implementation_passes_every_check():
    """A plain, loop-per-origin solution (other summation order, other cache) gets full
    marks: the precise checks leave room for honest rounding differences."""
    ns = _student()
    for gid in GRADE_IDS:
        assert _failed(ns, gid, hidden=True) == set(), gid


def test_a_stacked_truncation_passes_the_practice_checks(ref):
    """The notebook's other way to write the 選讀 exercise: the (at most k + 1) gradients in
    flight stacked and sent back together, one pass, no call to the cell."""

    def rnn_backward_truncated(dh, cache, k):
        x, h0, Wx, Wh, b, h = cache
        k = min(k, dh.shape[1])
        h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
        da, inflight = np.zeros_like(dh), np.zeros((0,) + h0.shape)
        dh0 = np.zeros_like(h0)
        for t in range(dh.shape[1] - 1, -1, -1):
            inflight = np.concatenate([dh[None, :, t], inflight])[:k + 1]
            local = inflight * (1 - h[:, t] ** 2)
            da[:, t] = local.sum(axis=0)
            inflight = local[:k] @ Wh.T  # an origin that used its k steps stops here
            if t == 0:
                dh0 = inflight.sum(axis=0)
        return (da @ Wx.T, dh0, np.einsum("ntd,nth->dh", x, da),
                np.einsum("ntk,nth->kh", h_prev, da), da.sum(axis=(0, 1)))

    ns = {**ref, "rnn_backward_truncated": rnn_backward_truncated}
    assert _failed(ns, PRACTICE) == set()


def test_numerical_gradients_do_not_pass_for_analytic_ones(ref):
    """rnnlab.gradcheck ships to students: returning its numerical gradient instead of the
    analytic one fails the check made for it (the docstring states the rule)."""
    ns = dict(ref)
    forward = ref["rnn_cell_forward"]

    def rnn_cell_backward(dh_next, cache):
        x_t, h_prev, Wx, Wh, b, _ = cache
        args = [x_t, h_prev, Wx, Wh, b]
        grads = []
        for i in range(5):
            def f(v, i=i):
                return forward(*[v if j == i else a for j, a in enumerate(args)])[0]

            grads.append(numerical_gradient_array(f, args[i], dh_next))
        return tuple(grads)

    ns["rnn_cell_backward"] = rnn_cell_backward
    assert _failed(ns, "test_rnn_cell_backward", hidden=True) == {"analytic", "random"}


SEQUENCE_TESTS = ("test_rnn_backward", PRACTICE)


@pytest.mark.parametrize("mistake", [{"forget_tanh_grad": True}, {"transpose_wh": True}])
def test_a_wrong_cell_costs_the_sequence_tests_only_their_integration_check(mistake):
    ns = _student(**mistake)
    assert {"tanh_derivative", "dh_prev"} & _failed(ns, "test_rnn_cell_backward")
    for gid in SEQUENCE_TESTS:
        assert _failed(ns, gid, hidden=True) == {"all_together"}, gid


def test_gradient_checks_hand_copies_so_an_in_place_change_is_reported_once():
    ns = _student(inplace=True)
    assert _failed(ns, "test_rnn_cell_backward", hidden=True) == {"inputs_not_modified"}
    for gid in SEQUENCE_TESTS:  # h = 0 there: dh_next *= 1 - h**2 changes nothing
        assert _failed(ns, gid, hidden=True) == set(), gid


def test_a_backward_that_consumes_its_cache_loses_only_the_reuse_checks():
    ns = _student(pop_cache=True)
    assert _failed(ns, "test_rnn_backward", hidden=True) == {"cache_reusable"}
    assert _failed(ns, PRACTICE) == {"unchanged_and_reusable"}


@pytest.mark.parametrize("mistake, grade_id, must_fail, must_pass", [
    ({"forget_tanh_grad": True}, "test_rnn_cell_backward",
     {"tanh_derivative", "gradcheck_db"},
     {"shapes", "db", "dx_t", "dh_prev", "dWx", "dWh", "analytic"}),
    ({"transpose_wh": True}, "test_rnn_cell_backward", {"dh_prev", "gradcheck_dh_prev"},
     {"db", "dx_t", "dWx", "dWh", "tanh_derivative"}),
    ({"overwrite_dWh": True}, "test_rnn_backward", {"dWh_accumulated", "all_together"},
     {"sum_of_both", "dh0", "dWx_db_accumulated"}),
    ({"ignore_future": True}, "test_rnn_backward", {"future_gradient", "sum_of_both"},
     {"shapes", "every_step_upstream"}),
    ({"window_shift": 1}, PRACTICE, {"window_reach", "k0_local_only"},
     {"unchanged_and_reusable"}),
    ({"window_shift": -1}, PRACTICE, {"window_reach"},
     {"unchanged_and_reusable"}),
    ({"dh0_always": True}, PRACTICE,
     {"dh0_only_from_t_below_k", "large_k"},
     {"window_reach", "window_parameter_gradients"}),
])
def test_visible_checks_name_the_mistake(mistake, grade_id, must_fail, must_pass):
    failed = _failed(_student(**mistake), grade_id)
    assert must_fail <= failed, f"{mistake}: expected {must_fail} to fail, failed {failed}"
    assert not (must_pass & failed), f"{mistake}: {must_pass & failed} should still pass"


def test_benchmark_runs_and_prints_the_ratios(torch, capsys):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_rnn.py"
    spec = importlib.util.spec_from_file_location("bench_rnn", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--threads", "1", "--repeat", "1", "--number", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("ratio numpy/torch = ") == 2 and "N=32 T=50 D=32 H=64" in out
