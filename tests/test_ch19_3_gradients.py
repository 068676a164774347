"""19-3 (梯度消失以及梯度爆炸): the reference clipping equals PyTorch's, the reference
Jacobian norms equal torch.autograd's, the cliff demo really diverges without clipping
and converges with it, the numbers the prose quotes are the ones the notebook computes,
every figure is legible, and each public check catches the mistake its message names (and
only that one, plus the composite all_together)."""


import numpy as np
import pytest

from autograder.reference import reference_namespace
from rnnlab import gradients
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks
from rnnlab.gradcheck import numerical_gradient_array, rel_error

A = "ch19_3_gradients"
GRADED = ["tanh_step_jacobians", "jacobian_product_norms", "clip_by_value", "clip_by_norm"]


@pytest.fixture(scope="module")
def ref():
    return reference_namespace(A)


def failures(namespace, grade_id):
    """Names of the public checks of ``grade_id`` that fail on ``namespace``."""
    return {r.name for r in run_checks(public_checks(A, grade_id), namespace) if not r.passed}


def mutant(ref, **functions):
    """The reference namespace with some functions replaced by buggy versions."""
    namespace = dict(ref)
    namespace.update(functions)
    return namespace


def random_grads(seed, scale):
    rng = np.random.default_rng(seed)
    shapes = {"Wx": (4, 6), "Wh": (6, 6), "b": (6,), "Wy": (6, 3), "by": (3,)}
    return {k: rng.normal(scale=scale, size=s) for k, s in shapes.items()}


# ---------------------------------------------------------------- against PyTorch
def torch_params(torch, grads):
    """Zero parameters carrying ``grads`` as their .grad, in the order of the dict."""
    params = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        p.grad = torch.tensor(g)
        params.append(p)
    return params


@pytest.mark.parametrize("seed, threshold", [(0, 0.5), (1, 2.0), (2, 100.0)])
def test_clip_by_value_equals_torch_clip_grad_value(ref, seed, threshold):
    torch = pytest.importorskip("torch")
    grads = random_grads(seed, scale=2.0)
    params = torch_params(torch, grads)
    torch.nn.utils.clip_grad_value_(params, clip_value=threshold)
    ours = ref["clip_by_value"](grads, threshold)
    assert list(ours) == list(grads)
    for name, p in zip(grads, params):
        np.testing.assert_allclose(ours[name], p.grad.numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed, scale, max_norm", [(0, 3.0, 1.0), (1, 1.0, 5.0),
                                                   (2, 0.1, 5.0), (3, 10.0, 0.01)])
def test_clip_by_norm_equals_torch_clip_grad_norm(ref, seed, scale, max_norm):
    torch = pytest.importorskip("torch")
    grads = random_grads(seed, scale)
    params = torch_params(torch, grads)
    torch_norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm))
    ours, norm = ref["clip_by_norm"](grads, max_norm)
    assert type(norm) is float
    assert norm == pytest.approx(torch_norm, rel=1e-12)  # both return the norm before clipping
    # torch scales by max_norm / (norm + 1e-6): a relative difference of 1e-6 / norm at most
    for name, p in zip(grads, params):
        np.testing.assert_allclose(ours[name], p.grad.numpy(), rtol=1e-6, atol=1e-9)
    clipped_norm = np.sqrt(sum(np.sum(g**2) for g in ours.values()))
    assert clipped_norm == pytest.approx(min(norm, max_norm), rel=1e-12)


def test_jacobian_norms_equal_torch_autograd(ref):
    torch = pytest.importorskip("torch")
    T, D, H = 8, 3, 5
    rng = np.random.default_rng(7)
    x = torch.tensor(rng.normal(size=(T, D)))
    h0 = torch.tensor(rng.normal(scale=0.5, size=H))
    Wx = torch.tensor(rng.normal(scale=0.5, size=(D, H)))
    Wh = torch.tensor(rng.normal(scale=0.9, size=(H, H)))
    b = torch.tensor(rng.normal(scale=0.1, size=H))

    def run(h, first, last):  # h_{first-1} -> h_last (1-based time steps, x_t = x[t-1])
        for t in range(first, last + 1):
            h = torch.tanh(x[t - 1] @ Wx + h @ Wh + b)
        return h

    with torch.no_grad():
        states = [h0]
        for t in range(1, T + 1):
            states.append(run(states[-1], t, t))
    h = torch.stack(states[1:]).numpy()  # h_1..h_T, shape (T, H)

    J = ref["tanh_step_jacobians"](h, Wh.numpy())
    for t in range(1, T + 1):  # each one-step Jacobian dh_t/dh_{t-1}
        want = torch.autograd.functional.jacobian(lambda hp, t=t: run(hp, t, t), states[t - 1])
        np.testing.assert_allclose(J[t - 1], want.numpy(), rtol=1e-10, atol=1e-12)
    norms = ref["jacobian_product_norms"](J)
    assert norms.shape == (T,)
    for d in range(1, T + 1):  # dh_T/dh_{T-d} through d steps
        want = torch.autograd.functional.jacobian(lambda hs, d=d: run(hs, T - d + 1, T),
                                                  states[T - d])
        assert norms[d - 1] == pytest.approx(float(torch.linalg.matrix_norm(want, ord=2)),
                                             rel=1e-9)


def test_reference_functions_do_not_modify_inputs(ref):
    grads = random_grads(4, scale=3.0)
    kept = {k: v.copy() for k, v in grads.items()}
    ref["clip_by_value"](grads, 0.5)
    clipped, _ = ref["clip_by_norm"](grads, 0.5)
    clipped["b"][0] = 99.0  # the result never aliases the input
    assert all(np.array_equal(grads[k], kept[k]) for k in kept)
    unclipped, _ = ref["clip_by_norm"](grads, 1e9)
    unclipped["b"][0] = 99.0
    assert np.array_equal(grads["b"], kept["b"])


# ---------------------------------------------------------------- the demo code
def test_cliff_diverges_without_clipping_and_converges_with_it(ref):
    plain = gradients.train_cliff()
    by_norm = gradients.train_cliff(clip=lambda g: ref["clip_by_norm"](g, 1.0)[0])
    by_value = gradients.train_cliff(clip=lambda g: ref["clip_by_value"](g, 1.0))
    start = plain["loss"][0]
    assert 0.5 < start < 0.6 and by_norm["loss"][0] == start == by_value["loss"][0]
    # all three hit the cliff: one huge gradient
    for hist in (plain, by_norm, by_value):
        assert hist["grad_norm"].max() > 100
    # without clipping: thrown into saturation, the loss jumps to its worst value and stays
    assert plain["loss"][-20:].min() > 1.4 > 2 * start
    assert np.abs(plain["path"][-1]).max() > 20
    assert plain["grad_norm"][-1] == 0.0
    # with clipping: every step is at most lr * 1, and the loss goes to 0
    steps = np.linalg.norm(np.diff(by_norm["path"], axis=0), axis=1)
    assert steps.max() <= 0.3 + 1e-12
    assert by_norm["loss"][-1] < 1e-12 and by_value["loss"][-1] < 1e-12


def test_cliff_gradient_equals_centred_differences():
    for w, b in [(1.5, -0.25), (0.7, 0.1), (1.43, -0.17)]:  # the last one is on the cliff
        params = {"Wh": np.array([[w]]), "b": np.array([b])}
        _, grads = gradients.cliff_loss_and_grads(params)
        for name in params:
            def loss(p, name=name, params=params):
                return gradients.cliff_loss_and_grads({**params, name: p})[0]
            num = numerical_gradient_array(loss, params[name], np.ones(()), h=1e-7)
            assert rel_error(grads[name], num) < 1e-6, (w, b, name)


def test_additive_cell_jacobians_equal_centred_differences():
    H, T, alpha = 4, 6, 0.3
    Wh = gradients.scaled_orthogonal(H, 0.9, seed=3)
    h, J = gradients.additive_cell(Wh, T, alpha=alpha, seed=5, input_scale=0.7)
    u = 0.7 * np.random.default_rng(5).standard_normal((T, H))  # the cell's own inputs
    for t in range(1, T):  # h_{t+1} = h_t + alpha tanh(h_t Wh + u_{t+1}), 1-based
        def step(hp, t=t):
            return hp + alpha * np.tanh(hp @ Wh + u[t])
        np.testing.assert_allclose(step(h[t - 1]), h[t], atol=1e-12)
        num = np.array([numerical_gradient_array(step, h[t - 1], e) for e in np.eye(H)])
        assert rel_error(J[t], num) < 1e-7


def test_scaled_orthogonal_and_propagate_gradient():
    Wh = gradients.scaled_orthogonal(6, 1.5, seed=0)
    np.testing.assert_allclose(np.linalg.svd(Wh, compute_uv=False), 1.5, rtol=1e-12)
    J = np.array([Wh.T] * 10)
    G = gradients.propagate_gradient(J, np.ones(6))
    want = np.sqrt(6) * 1.5 ** np.arange(10, -1, -1)  # ||dC/dh_t|| = ||g|| rho^(T - t)
    np.testing.assert_allclose(np.linalg.norm(G, axis=1), want)
    with np.errstate(over="ignore", invalid="ignore"):
        G16 = gradients.propagate_gradient(np.array([Wh.T * 4] * 20, dtype=np.float16),
                                           np.ones(6, dtype=np.float16))
    assert G16.dtype == np.float16
    bad = gradients.first_nonfinite(G16[::-1])
    assert bad is not None and 5 < bad < 20  # 6^d overflows float16 (max 65504) within steps


# ---------------------------------------------------------------- the prose
def test_numbers_the_prose_quotes_are_what_the_notebook_computes(ref):
    """The markdown quotes numbers computed with fixed seeds (no wall time): they stay true."""
    jacobians, product_norms = ref["tanh_step_jacobians"], ref["jacobian_product_norms"]
    # section 2: 60 steps of rho = 0.8 leave about 1e-6; 1.5^60 = 3.7e10
    Wh = gradients.scaled_orthogonal(32, 0.8, seed=0)
    tanh_norms = product_norms(jacobians(gradients.tanh_rnn_states(Wh, 60, seed=1), Wh))
    assert 1e-7 < tanh_norms[-1] < 1e-5 and 1e-7 < 0.8**60 < 1e-5
    assert f"{1.5**60:.1e}" == "3.7e+10"
    # section 3 (optional): rho = 2, T = 800
    H, T = 32, 800
    Wh = gradients.scaled_orthogonal(H, 2.0, seed=0)
    J = jacobians(gradients.tanh_rnn_states(Wh, T, seed=1), Wh)
    first_bad = {}
    with np.errstate(over="ignore", invalid="ignore"):
        for dtype in (np.float16, np.float32, np.float64):
            G = gradients.propagate_gradient(J.astype(dtype), np.ones(H, dtype=dtype))
            first_bad[dtype] = gradients.first_nonfinite(G[::-1])
    assert first_bad == {np.float16: 75, np.float32: 726, np.float64: None}
    true_norm = np.linalg.norm(gradients.propagate_gradient(J, np.ones(H))[::-1], axis=1)
    growth = (true_norm[-1] / true_norm[0]) ** (1 / T)
    assert f"{growth:.2f}" == "1.14" and growth**T > 1e44
    assert 5000 < np.log(np.finfo(np.float64).max / true_norm[0]) / np.log(growth) < 6000
    # section 4: where the gradient of Wh comes from
    shares = {}
    for rho in (0.8, 1.0, 1.5):
        Wh = gradients.scaled_orthogonal(32, rho, seed=0)
        h = gradients.tanh_rnn_states(Wh, 100, seed=1)
        G = gradients.propagate_gradient(jacobians(h, Wh), np.ones(32) / np.sqrt(32))
        shares[rho] = gradients.weight_gradient_shares(h, G)
    assert shares[0.8][-10:].sum() > 0.9 and 1e-6 < shares[0.8][:50].sum() < 1e-5
    assert shares[1.0][-10:].sum() < 0.5 < shares[1.5][:50].sum() - 0.4
    assert np.allclose([s.sum() for s in shares.values()], 1.0)
    # section 5: the clipped arrow turns from 9.5 to 26.6 degrees
    g = np.array([3.0, 0.5])
    arrows = (g, ref["clip_by_value"]({"g": g}, 1.0)["g"],
              ref["clip_by_norm"]({"g": g}, 1.0)[0]["g"])
    angles = [np.degrees(np.arctan2(v[1], v[0])) for v in arrows]
    assert [f"{a:.1f}" for a in angles] == ["9.5", "26.6", "9.5"]
    # section 6 (optional): the cliff
    plain = gradients.train_cliff()
    assert f"{plain['grad_norm'][0]:.2f}" == "0.35" and round(plain["grad_norm"][1]) == 184
    assert f"{plain['loss'][0]:.2f}" == "0.53" and f"{plain['loss'][-1]:.2f}" == "1.44"
    assert np.round(plain["path"][2]).tolist() == [24.0, 50.0]
    # section 7: the additive cell stays within a few times 1, the tanh cell falls to ~1e-15
    Wh = gradients.scaled_orthogonal(32, 0.9, seed=0)
    h_tanh = gradients.tanh_rnn_states(Wh, 100, seed=1, input_scale=0.5)
    _, J_add = gradients.additive_cell(Wh, 100, alpha=0.02, seed=1, input_scale=0.5)
    assert 1e-16 < product_norms(jacobians(h_tanh, Wh))[-1] < 1e-14
    assert 1 < product_norms(J_add)[-1] < 10
    assert np.linalg.norm(J_add - np.eye(32), 2, axis=(1, 2)).max() <= 0.02 * 0.9 + 1e-12


# ---------------------------------------------------------------- the checks
# each public check isolates one rule: a typical mistake fails the check named for it and
# the composite all_together, nothing else (the corpus in autograder/tests/cases grades them)
def test_clip_by_value_checks_name_the_mistake(ref):
    def positive_only(grads, threshold):
        return {k: np.minimum(g, threshold) for k, g in grads.items()}

    def in_place(grads, threshold):
        for g in grads.values():
            np.clip(g, -threshold, threshold, out=g)
        return grads

    def replaces_entries(grads, threshold):
        for k in grads:
            grads[k] = np.clip(grads[k], -threshold, threshold)
        return grads

    def first_key_only(grads, threshold):
        name = next(iter(grads))
        return {name: np.clip(grads[name], -threshold, threshold)}

    def last_array_only(grads, threshold):
        return {k: np.clip(g, -threshold, threshold) if k == list(grads)[-1] else g.copy()
                for k, g in grads.items()}

    def by_norm(grads, threshold):
        return ref["clip_by_norm"](grads, threshold)[0]

    def hard_coded(grads, threshold):
        return {k: np.clip(g, -1.0, 1.0) for k, g in grads.items()}

    def same_arrays(grads, threshold):
        return {k: g if np.abs(g).max() <= threshold else np.clip(g, -threshold, threshold)
                for k, g in grads.items()}

    def failed(function):
        return failures(mutant(ref, clip_by_value=function), "test_clip_by_value")

    assert failed(positive_only) == {"large_negative_values", "all_together"}
    # handing back the caller's arrays, changed or not, breaks both documented rules
    for function in (in_place, replaces_entries):
        assert failed(function) == {"new_arrays_when_nothing_is_clipped", "inputs_not_modified"}
    assert "dict_with_same_keys_and_shapes" in failed(first_key_only)
    assert failed(last_array_only) == {"every_array", "uses_threshold", "all_together"}
    assert {"inside_unchanged", "large_positive_values"} <= failed(by_norm)
    assert failed(hard_coded) == {"uses_threshold", "all_together"}
    assert failed(same_arrays) == {"new_arrays_when_nothing_is_clipped"}


def test_clip_by_norm_checks_name_the_mistake(ref):
    def global_norm(grads):
        return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))

    def per_array(grads, max_norm):
        clipped = {}
        for k, g in grads.items():
            n = np.linalg.norm(g)
            clipped[k] = g * (max_norm / n) if n > max_norm else g.copy()
        return clipped, global_norm(grads)

    def always_scale(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        return {k: g * (max_norm / norm) for k, g in grads.items()}, norm

    def norm_after(grads, max_norm):
        clipped, _ = ref["clip_by_norm"](grads, max_norm)
        return clipped, global_norm(clipped)

    def sum_of_norms(grads, max_norm):
        norm = float(sum(np.linalg.norm(g) for g in grads.values()))
        scale = max_norm / norm if norm > max_norm else 1.0
        return {k: g * scale for k, g in grads.items()}, norm

    def spectral(grads, max_norm):
        norm = float(np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in grads.values())))
        scale = max_norm / norm if norm > max_norm else 1.0
        return {k: g * scale for k, g in grads.items()}, norm

    def hard_coded(grads, max_norm):
        return ref["clip_by_norm"](grads, 1.0)

    def in_place(grads, max_norm):
        norm = global_norm(grads)
        if norm > max_norm:
            for g in grads.values():
                g *= max_norm / norm
        return grads, norm

    def same_arrays(grads, max_norm):
        norm = global_norm(grads)
        if norm <= max_norm:
            return grads, norm
        return {k: g * (max_norm / norm) for k, g in grads.items()}, norm

    def divides_by_zero(grads, max_norm):
        norm = global_norm(grads)
        scale = min(1.0, max_norm / norm)
        return {k: g * scale for k, g in grads.items()}, norm

    def array_norm(grads, max_norm):
        clipped, norm = ref["clip_by_norm"](grads, max_norm)
        return clipped, np.array([norm])

    def int_zero(grads, max_norm):
        clipped, norm = ref["clip_by_norm"](grads, max_norm)
        return clipped, norm if norm > 0 else 0

    def only_dict(grads, max_norm):
        return ref["clip_by_norm"](grads, max_norm)[0]

    def failed(function):
        return failures(mutant(ref, clip_by_norm=function), "test_clip_by_norm")

    assert failed(per_array) == {"one_global_norm", "all_together"}
    assert failed(always_scale) == {"below_max_norm_unchanged", "zero_gradients"}
    assert failed(norm_after) == {"norm_before_clipping", "uses_max_norm",
                                  "every_element_counts", "all_together"}
    assert "norm_before_clipping" in failed(sum_of_norms)
    assert "below_max_norm_unchanged" not in failed(sum_of_norms)
    assert failed(spectral) == {"every_element_counts", "all_together"}
    assert failed(hard_coded) == {"uses_max_norm", "one_global_norm"}
    assert failed(in_place) == {"new_arrays_when_not_clipped", "inputs_not_modified"}
    assert failed(same_arrays) == {"new_arrays_when_not_clipped"}
    assert failed(divides_by_zero) == {"zero_gradients"}
    assert {"norm_is_a_float", "zero_gradients"} <= failed(array_norm)
    assert failed(int_zero) == {"zero_gradients"}
    assert "returns_pair" in failed(only_dict)


def test_jacobian_checks_name_the_mistake(ref):
    def not_transposed(h, Wh):
        return (1 - h**2)[:, :, None] * Wh

    def one_minus_h(h, Wh):
        return (1 - h)[:, :, None] * Wh.T

    def columns_scaled(h, Wh):
        return (1 - h**2)[:, None, :] * Wh.T

    def previous_state(h, Wh):
        return (1 - np.roll(h, 1, axis=0) ** 2)[:, :, None] * Wh.T

    def as_list(h, Wh):
        return list(ref["tanh_step_jacobians"](h, Wh))

    def failed(function):
        return failures(mutant(ref, tanh_step_jacobians=function), "test_tanh_step_jacobians")

    assert failed(not_transposed) == {"zero_states_give_Wh_transposed", "all_together"}
    assert failed(one_minus_h) == {"identity_Wh_gives_tanh_derivative", "all_together"}
    assert failed(columns_scaled) == {"rows_scaled", "all_together"}
    assert failed(previous_state) == {"each_step_its_own_state", "all_together"}
    assert failed(as_list) == {"array_of_shape_T_H_H"}


def test_product_norm_checks_name_the_mistake(ref):
    def products(J, start_at_first=False, reverse=False):
        T, H, _ = J.shape
        product, out = np.eye(H), []
        order = range(T) if start_at_first else range(T - 1, -1, -1)
        for k in order:
            product = J[k] @ product if reverse else product @ J[k]
            out.append(product)
        return out

    def frobenius(J):
        return np.array([np.linalg.norm(p) for p in products(J)])

    def largest_entry(J):
        return np.array([np.abs(p).max() for p in products(J)])

    def wrong_order(J):
        return np.array([np.linalg.norm(p, 2) for p in products(J, reverse=True)])

    def from_first(J):
        return np.array([np.linalg.norm(p, 2) for p in products(J, start_at_first=True)])

    def product_of_norms(J):
        return np.cumprod([np.linalg.norm(j, 2) for j in J[::-1]])

    def in_place(J):
        for k in range(len(J) - 2, -1, -1):
            J[k] = J[k + 1] @ J[k]
        return np.array([np.linalg.norm(j, 2) for j in J[::-1]])

    def failed(function):
        return failures(mutant(ref, jacobian_product_norms=function),
                        "test_jacobian_product_norms")

    assert failed(frobenius) == {"spectral_not_frobenius", "all_together"}
    assert failed(largest_entry) == {"spectral_not_largest_entry", "all_together"}
    assert failed(wrong_order) == {"order_of_the_product", "all_together"}
    # J_1 J_2 ... is the right product in the wrong order: both messages apply
    assert failed(from_first) == {"counts_back_from_the_last_step", "order_of_the_product",
                                  "all_together"}
    assert failed(product_of_norms) == {"norm_of_the_product", "all_together"}
    assert failed(in_place) == {"inputs_not_modified"}


# ---------------------------------------------------------------- the notebook
@pytest.mark.slow
def test_solution_notebook_draws_every_figure_quietly(executed_solution):
    nb = executed_solution(A)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures == 6  # norms vs distance, overflow, dWh shares, clip geometry, cliff, cells
    assert not [o for o in outputs if o.get("name") == "stderr"], "a warning escaped"
    assert not [o for o in outputs if o.get("output_type") == "error"]


def test_the_core_runs_without_the_optional_sections(monkeypatch):
    """A student may skip every 【選讀】 section: the 必做 code cells run on their own, in order
    (sections as autograder.workload reads them)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import nbformat

    from autograder import workload
    from autograder.reference import source_notebook

    matplotlib.use("Agg")
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
    nb = nbformat.read(source_notebook(A), as_version=4)
    scope, ran = {"__name__": "__main__"}, 0
    for cell, optional in workload.parts(nb):
        if cell.cell_type != "markdown" and not optional:
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.startswith("%"))
            exec(compile(source, "<cell>", "exec"), scope)  # noqa: S102 - our own notebook
            ran += 1
    assert ran == 12  # setup, 4 x (answer, test), norms vs distance, overflow, two cells
    assert set(GRADED) <= set(scope)


@pytest.mark.slow
def test_every_figure_is_legible_at_100_percent(monkeypatch):
    """Run the solution's code cells with Agg; every figure shown is legible as JupyterLab
    shows it (tests/legibility.py: no text under 9 px)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import nbformat

    from autograder.reference import source_notebook
    from tests.legibility import too_small

    matplotlib.use("Agg")
    shown = []

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            figure = plt.figure(number)
            shown.append((figure.axes[0].get_title(), too_small(figure)))
            plt.close(figure)

    monkeypatch.setattr(plt, "show", show)
    nb = nbformat.read(source_notebook(A), as_version=4)
    scope = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.startswith("%"))
            exec(compile(source, "<cell>", "exec"), scope)  # noqa: S102 - our own notebook
    assert len(shown) == 6
    assert [(title, small) for title, small in shown if small] == []
