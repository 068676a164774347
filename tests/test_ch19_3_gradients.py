"""19-3 (梯度消失以及梯度爆炸): the reference clipping equals PyTorch's, the reference
Jacobian norms equal torch.autograd's, the cliff demo really diverges without clipping
and converges with it, and each public check catches the mistake its message names."""


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


# ---------------------------------------------------------------- the checks
def test_clip_by_value_checks_name_the_mistake(ref):
    def positive_only(grads, threshold):
        return {k: np.minimum(g, threshold) for k, g in grads.items()}

    def in_place(grads, threshold):
        for g in grads.values():
            np.clip(g, -threshold, threshold, out=g)
        return grads

    def first_key_only(grads, threshold):
        name = next(iter(grads))
        return {name: np.clip(grads[name], -threshold, threshold)}

    def by_norm(grads, threshold):
        return ref["clip_by_norm"](grads, threshold)[0]

    def hard_coded(grads, threshold):
        return {k: np.clip(g, -1.0, 1.0) for k, g in grads.items()}

    def failed(function):
        return failures(mutant(ref, clip_by_value=function), "test_clip_by_value")

    assert failed(positive_only) == {"large_negative_values", "every_array", "uses_threshold"}
    assert failed(in_place) == {"inputs_not_modified"}
    assert "returns_dict_with_same_keys" in failed(first_key_only)
    assert {"inside_unchanged", "large_positive_values"} <= failed(by_norm)
    assert failed(hard_coded) == {"uses_threshold"}


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
        norm = global_norm(grads)
        return {k: g * (max_norm / norm) for k, g in grads.items()}, norm

    def norm_after(grads, max_norm):
        clipped, _ = ref["clip_by_norm"](grads, max_norm)
        return clipped, global_norm(clipped)

    def sum_of_norms(grads, max_norm):
        norm = float(sum(np.linalg.norm(g) for g in grads.values()))
        scale = max_norm / norm if norm > max_norm else 1.0
        return {k: g * scale for k, g in grads.items()}, norm

    def in_place(grads, max_norm):
        norm = global_norm(grads)
        if norm > max_norm:
            for g in grads.values():
                g *= max_norm / norm
        return grads, norm

    def only_dict(grads, max_norm):
        return ref["clip_by_norm"](grads, max_norm)[0]

    def failed(function):
        return failures(mutant(ref, clip_by_norm=function), "test_clip_by_norm")

    assert failed(per_array) == {"one_global_norm", "every_element_counts", "uses_max_norm"}
    assert failed(always_scale) == {"below_max_norm_unchanged"}
    assert failed(norm_after) == {"norm_before_clipping", "every_element_counts"}
    assert "norm_before_clipping" in failed(sum_of_norms)
    assert "below_max_norm_unchanged" not in failed(sum_of_norms)
    assert failed(in_place) == {"inputs_not_modified"}
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

    def failed(function):
        return failures(mutant(ref, tanh_step_jacobians=function), "test_tanh_step_jacobians")

    assert failed(not_transposed) == {"zero_states_give_Wh_transposed", "rows_scaled"}
    assert failed(one_minus_h) == {"identity_Wh_gives_tanh_derivative", "rows_scaled",
                                   "each_step_its_own_state"}
    assert failed(columns_scaled) == {"rows_scaled"}
    assert failed(previous_state) == {"each_step_its_own_state"}


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

    assert failed(frobenius) == {"spectral_not_frobenius", "spectral_not_largest_entry"}
    assert failed(wrong_order) == {"order_of_the_product"}
    # J_1 J_2 ... is the right product in the wrong order: both messages apply
    assert failed(from_first) == {"counts_back_from_the_last_step", "order_of_the_product"}
    assert failed(product_of_norms) == {"norm_of_the_product"}
    assert failed(in_place) == {"inputs_not_modified"}


# ---------------------------------------------------------------- the notebook
@pytest.mark.slow
def test_solution_notebook_draws_every_figure_quietly(executed_solution):
    nb = executed_solution(A)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures == 6  # norms vs distance, overflow, per step, clip geometry, cliff, cells
    assert not [o for o in outputs if o.get("name") == "stderr"], "a warning escaped"
    assert not [o for o in outputs if o.get("output_type") == "error"]
