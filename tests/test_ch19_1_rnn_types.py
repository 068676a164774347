"""19-1 (RNN 網路的種類): the reference solution equals PyTorch, each public check (also of
the ungraded 選讀 exercises one_to_many and deep_rnn_forward) catches the mistake its message
names, a wrong cell costs the functions that call it only their integration check, and the
notebook draws its figures quietly."""


import nbformat
import numpy as np
import pytest

from autograder.hidden import expected_outputs, hidden_checks
from autograder.reference import answer_cells, reference_namespace, source_notebook
from rnnlab.checking import run_checks
from rnnlab.checks import blocked_by, public_checks

A = "ch19_1_rnn_types"
GRADED = ["rnn_cell_forward", "rnn_forward", "many_to_one", "many_to_many"]
PRACTICE = ["one_to_many", "deep_rnn_forward"]  # 選讀: checked by run_practice, no points


@pytest.fixture(scope="module")
def ref():
    return reference_namespace(A)


def failures(namespace, grade_id):
    """Names of the public checks of ``grade_id`` (a test cell or a 選讀 exercise's
    ``practice_<function>``) that fail on ``namespace``."""
    return {r.name for r in run_checks(public_checks(A, grade_id), namespace) if not r.passed}


# ---------------------------------------------------------------- against PyTorch
def torch_rnn(num_layers, D, H, seed=0):
    torch = pytest.importorskip("torch")
    torch.manual_seed(seed)
    return torch, torch.nn.RNN(D, H, num_layers=num_layers, nonlinearity="tanh",
                               batch_first=True).double()


def numpy_params(rnn, layer):
    """(Wx, Wh, b) of one layer of a torch.nn.RNN in our convention."""
    get = lambda name: getattr(rnn, f"{name}_l{layer}").detach().numpy()  # noqa: E731
    return get("weight_ih").T, get("weight_hh").T, get("bias_ih") + get("bias_hh")


def test_rnn_forward_equals_torch_rnn(ref):
    N, T, D, H = 3, 7, 4, 5
    torch, rnn = torch_rnn(1, D, H)
    rng = np.random.default_rng(0)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    with torch.no_grad():
        want, h_last = rnn(torch.from_numpy(x), torch.from_numpy(h0)[None])
    h, _ = ref["rnn_forward"](x, h0, *numpy_params(rnn, 0))
    assert h.shape == (N, T, H)
    np.testing.assert_allclose(h, want.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(h[:, -1], h_last[0].numpy(), rtol=0, atol=1e-6)
    # one step of rnn_forward is one rnn_cell_forward
    h1, _ = ref["rnn_cell_forward"](x[:, 0], h0, *numpy_params(rnn, 0))
    np.testing.assert_allclose(h[:, 0], h1, rtol=0, atol=1e-12)


@pytest.mark.parametrize("num_layers", [2, 3])
def test_deep_rnn_forward_equals_stacked_torch_rnn(ref, num_layers):
    N, T, D, H = 2, 6, 3, 4
    torch, rnn = torch_rnn(num_layers, D, H, seed=num_layers)
    rng = np.random.default_rng(1)
    x, h0s = rng.normal(size=(N, T, D)), rng.normal(size=(num_layers, N, H))
    with torch.no_grad():
        want, h_last = rnn(torch.from_numpy(x), torch.from_numpy(h0s))
    layers = [numpy_params(rnn, layer) for layer in range(num_layers)]
    top, hs = ref["deep_rnn_forward"](x, h0s, layers)
    np.testing.assert_allclose(top, want.numpy(), rtol=0, atol=1e-6)
    assert len(hs) == num_layers and hs[-1] is top
    for layer in range(num_layers):  # every layer's last state is torch's h_n
        np.testing.assert_allclose(hs[layer][:, -1], h_last[layer].numpy(), rtol=0, atol=1e-6)


def test_read_outs_equal_a_linear_layer_on_torch_states(ref):
    torch = pytest.importorskip("torch")
    N, T, H, C = 3, 5, 4, 2
    rng = np.random.default_rng(2)
    h = rng.normal(size=(N, T, H))
    linear = torch.nn.Linear(H, C).double()
    Wy, by = linear.weight.detach().numpy().T, linear.bias.detach().numpy()
    with torch.no_grad():
        every = linear(torch.from_numpy(h)).numpy()
    np.testing.assert_allclose(ref["many_to_many"](h, Wy, by), every, atol=1e-12)
    np.testing.assert_allclose(ref["many_to_one"](h, Wy, by), every[:, -1], atol=1e-12)


def test_one_to_many_is_an_rnn_whose_later_inputs_are_zero(ref):
    N, T, D, H, C = 2, 4, 3, 5, 6
    rng = np.random.default_rng(3)
    x0, h0 = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H)
    Wy, by = rng.normal(size=(H, C)), rng.normal(size=C)
    x = np.zeros((N, T, D))
    x[:, 0] = x0
    want, _ = ref["rnn_forward"](x, h0, Wx, Wh, b)
    y, h = ref["one_to_many"](x0, h0, Wx, Wh, b, Wy, by, T)
    np.testing.assert_allclose(h, want, atol=1e-12)
    np.testing.assert_allclose(y, want @ Wy + by, atol=1e-12)


def test_reference_does_not_modify_inputs_and_keeps_float32(ref):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    args = [x, np.ones((2, 5), np.float32), rng.normal(size=(4, 5)).astype(np.float32),
            rng.normal(size=(5, 5)).astype(np.float32), np.ones(5, np.float32)]
    kept = [a.copy() for a in args]
    h, _ = ref["rnn_forward"](*args)
    assert h.dtype == np.float32
    assert all(np.array_equal(a, k) for a, k in zip(args, kept))


# ---------------------------------------------------------------- the checks
def mutant(ref, **functions):
    """The reference namespace with some functions replaced by buggy versions."""
    namespace = dict(ref)
    namespace.update(functions)
    return namespace


def with_sources(**sources):
    """The reference answer cells with some replaced by ``sources`` (a student's cells),
    executed in one namespace, so that the student's functions call each other."""
    namespace = {}
    for cell in answer_cells(nbformat.read(source_notebook(A), as_version=4)):
        gid = cell.metadata.nbgrader["grade_id"]
        exec(compile(sources.get(gid, cell.source), gid, "exec"), namespace)  # noqa: S102
    return namespace


def hidden_failures(namespace, grade_id):
    """Names of the public and hidden checks of ``grade_id`` that fail on ``namespace``."""
    checks = hidden_checks(A, grade_id)
    results = run_checks(public_checks(A, grade_id), namespace) + run_checks(
        checks, namespace, expected_outputs(A, checks))
    return {r.name for r in results if not r.passed}


def test_cell_checks_name_the_broken_term(ref):
    def no_bias(x_t, h_prev, Wx, Wh, b):
        return np.tanh(x_t @ Wx + h_prev @ Wh), None

    def no_tanh(x_t, h_prev, Wx, Wh, b):
        return x_t @ Wx + h_prev @ Wh + b, None

    def sigmoid(x_t, h_prev, Wx, Wh, b):
        return 1 / (1 + np.exp(-(x_t @ Wx + h_prev @ Wh + b))), None

    def no_recurrence(x_t, h_prev, Wx, Wh, b):
        return np.tanh(x_t @ Wx + b), None

    def wh_transposed(x_t, h_prev, Wx, Wh, b):
        return np.tanh(x_t @ Wx + (Wh @ h_prev.T).T + b), None

    def in_place(x_t, h_prev, Wx, Wh, b):
        h_next = np.tanh(x_t @ Wx + h_prev @ Wh + b)
        h_prev[...] = h_next  # right answer, but the caller's array is overwritten
        return h_next, None

    def failed(ns):
        return failures(ns, "test_rnn_cell_forward")

    assert failed(mutant(ref, rnn_cell_forward=no_bias)) == {"only_b", "all_terms"}
    # small inputs: a missing tanh is reported once, by tanh_applied (and all_terms)
    assert failed(mutant(ref, rnn_cell_forward=no_tanh)) == {"tanh_applied", "all_terms"}
    assert "only_x" in failed(mutant(ref, rnn_cell_forward=sigmoid))
    assert failed(mutant(ref, rnn_cell_forward=no_recurrence)) == {"only_h_prev", "all_terms"}
    assert failed(mutant(ref, rnn_cell_forward=wh_transposed)) == {"only_h_prev", "all_terms"}
    assert failed(mutant(ref, rnn_cell_forward=in_place)) == {"inputs_not_modified"}


CELL_BUGS = {
    "no_bias": "h_next = np.tanh(x_t @ Wx + h_prev @ Wh)",
    "no_tanh": "h_next = x_t @ Wx + h_prev @ Wh + b",
    "wh_transposed": "h_next = np.tanh(x_t @ Wx + h_prev @ Wh.T + b)",
}
CALLERS = {
    "rnn_forward": """import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    h, h_prev = [], h0
    for t in range(x.shape[1]):
        h_prev, _ = rnn_cell_forward(x[:, t], h_prev, Wx, Wh, b)
        h.append(h_prev)
    return np.stack(h, axis=1), None
""",
    "one_to_many": """import numpy as np


def one_to_many(x0, h0, Wx, Wh, b, Wy, by, T):
    x = np.zeros((x0.shape[0], T, x0.shape[1]))
    x[:, 0] = x0
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    return h @ Wy + by, h
""",
}


@pytest.mark.parametrize("bug", sorted(CELL_BUGS))
def test_a_cell_bug_costs_the_callers_only_their_integration_check(ref, bug):
    """An rnn_forward that calls a wrong cell loses only its one integration check (public
    and hidden) and says to fix the cell first; so do the 選讀 one_to_many and
    deep_rnn_forward (ungraded: their public checks only)."""
    cell = ("import numpy as np\n\n\ndef rnn_cell_forward(x_t, h_prev, Wx, Wh, b):\n"
            f"    {CELL_BUGS[bug]}\n    return h_next, None\n")
    ns = with_sources(rnn_cell_forward=cell, **CALLERS)
    assert failures(ns, "test_rnn_cell_forward")
    assert hidden_failures(ns, "test_rnn_forward") == {"all_terms"}
    assert blocked_by(A, "test_rnn_forward", ns) == ["test_rnn_cell_forward"]
    for name in PRACTICE:
        assert failures(ns, f"practice_{name}") == {"all_terms"}, name


def test_the_optional_exercises_are_ungraded_and_the_core_does_not_use_them():
    """one_to_many and deep_rnn_forward keep an answer cell (a stub to write) in a 選讀
    section, with a run_practice cell instead of a test cell; no graded check and no
    core (必做) code cell calls them."""
    from autograder.workload import parts

    nb = nbformat.read(source_notebook(A), as_version=4)
    answers = {c.metadata.nbgrader["grade_id"] for c in answer_cells(nb)}
    assert answers == set(GRADED + PRACTICE)
    seen = []
    for cell, is_optional in parts(nb):
        optional = True if is_optional else None
        if cell.cell_type == "markdown":
            continue
        uses = {name for name in PRACTICE if f"{name}(" in cell.source}
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in PRACTICE or uses:
            assert optional is not None, cell.source[:80]
        if '"practice_' in cell.source:
            assert "run_practice(" in cell.source and "nbgrader" not in cell.metadata
            seen.append(cell.source.split('"practice_')[1].split('"')[0])
    assert seen == PRACTICE


def test_forward_checks_isolate_the_loop(ref):
    def always_h0(x, h0, Wx, Wh, b):
        h = np.stack([np.tanh(x[:, t] @ Wx + h0 @ Wh + b) for t in range(x.shape[1])], 1)
        return h, None

    def zero_start(x, h0, Wx, Wh, b):
        return ref["rnn_forward"](x, np.zeros_like(h0), Wx, Wh, b)

    def shifted(x, h0, Wx, Wh, b):  # returns h0, h1, ..., h_{T-1}
        h, _ = ref["rnn_forward"](x, h0, Wx, Wh, b)
        return np.concatenate([h0[:, None], h[:, :-1]], axis=1), None

    def last_only(x, h0, Wx, Wh, b):
        return ref["rnn_forward"](x, h0, Wx, Wh, b)[0][:, -1], None

    def failed(fn):
        return failures(mutant(ref, rnn_forward=fn), "test_rnn_forward")

    assert failed(always_h0) == {"state_carried", "all_terms"}
    assert failed(zero_start) == {"h0_used", "all_terms"}
    assert {"every_step", "h0_used"} <= failed(shifted)
    assert "shape" in failed(last_only)


def test_read_out_checks_catch_the_first_step_and_a_missing_bias(ref):
    def first_step(h, Wy, by):
        return h[:, 0] @ Wy + by

    def summed(h, Wy, by):
        return h.sum(axis=1) @ Wy + by

    def no_bias(h, Wy, by):
        return h[:, -1] @ Wy

    assert failures(mutant(ref, many_to_one=first_step), "test_many_to_one") == {
        "uses_last_step", "ignores_earlier_steps"}
    assert failures(mutant(ref, many_to_one=summed), "test_many_to_one") == {
        "ignores_earlier_steps"}
    assert failures(mutant(ref, many_to_one=no_bias), "test_many_to_one") == {"only_by"}
    assert failures(mutant(ref, many_to_many=lambda h, Wy, by: h @ Wy),
                    "test_many_to_many") == {"only_by"}


def test_one_to_many_checks_catch_an_input_fed_at_every_step(ref):
    def every_step(x0, h0, Wx, Wh, b, Wy, by, T):
        x = np.repeat(x0[:, None], T, axis=1)
        h, _ = ref["rnn_forward"](x, h0, Wx, Wh, b)
        return h @ Wy + by, h

    def no_by(x0, h0, Wx, Wh, b, Wy, by, T):
        y, h = ref["one_to_many"](x0, h0, Wx, Wh, b, Wy, by, T)
        return y - by, h

    failed = failures(mutant(ref, one_to_many=every_step), "practice_one_to_many")
    assert failed == {"input_only_at_first_step", "all_terms"}
    assert failures(mutant(ref, one_to_many=no_by), "practice_one_to_many") == {"read_out"}


def test_deep_checks_catch_shared_h0_and_a_top_layer_reading_x(ref):
    def first_h0_everywhere(x, h0s, layers):
        hs, inputs = [], x
        for Wx, Wh, b in layers:
            inputs, _ = ref["rnn_forward"](inputs, h0s[0], Wx, Wh, b)
            hs.append(inputs)
        return hs[-1], hs

    def every_layer_reads_x(x, h0s, layers):
        hs = [ref["rnn_forward"](x, h0, *layer)[0] for layer, h0 in zip(layers, h0s)]
        return hs[-1], hs

    failed = failures(mutant(ref, deep_rnn_forward=first_h0_everywhere),
                      "practice_deep_rnn_forward")
    assert failed == {"own_h0_per_layer", "all_terms"}
    failed = failures(mutant(ref, deep_rnn_forward=every_layer_reads_x),
                      "practice_deep_rnn_forward")
    assert "second_layer_reads_first" in failed and "own_h0_per_layer" not in failed


# ---------------------------------------------------------------- the notebook
@pytest.mark.slow
def test_solution_notebook_draws_every_figure_quietly(executed_solution):
    nb = executed_solution(A)
    figures = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                  for o in c.outputs)
    assert figures == 4  # overview (with the applications), unrolled, deep; 選讀: feedback
    stderr = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("name") == "stderr"]
    assert not stderr
