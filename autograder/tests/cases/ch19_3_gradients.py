"""Hand-written submissions of 19-3 (梯度消失以及梯度爆炸): correct-but-different Jacobians,
norms and clipping functions that earn full marks, and one-mistake submissions with the
partial points each must get (see ``autograder/tests/cases/__init__.py``)."""

from autograder.tests.cases import Mistake

HEAD = "import numpy as np\n\n\n"

# ---------------------------------------------------------------- tanh_step_jacobians
JAC_LOOP = HEAD + '''def tanh_step_jacobians(h, Wh):
    T, H = h.shape
    J = np.zeros((T, H, H))
    for t in range(T):
        J[t] = np.diag(1 - h[t] ** 2) @ Wh.T
    return J
'''
JAC_EINSUM = HEAD + '''def tanh_step_jacobians(h, Wh):
    return np.einsum("ti,ji->tij", 1 - h * h, Wh)
'''
JAC_LIST = HEAD + '''def tanh_step_jacobians(h, Wh):
    return np.array([Wh.T * (1 - ht ** 2).reshape(-1, 1) for ht in h])
'''

# ---------------------------------------------------------------- jacobian_product_norms
NORMS_SVD = HEAD + '''def jacobian_product_norms(J):
    T = len(J)
    norms = []
    M = J[-1].copy()
    norms.append(np.linalg.svd(M, compute_uv=False)[0])
    for k in range(T - 2, -1, -1):
        M = M @ J[k]
        norms.append(np.linalg.svd(M, compute_uv=False).max())
    return np.array(norms)
'''
NORMS_EIGEN = HEAD + '''def jacobian_product_norms(J):
    T, H, _ = J.shape
    out = np.zeros(T)
    P = np.identity(H)
    for d in range(T):
        P = np.matmul(P, J[T - 1 - d])
        out[d] = np.sqrt(np.linalg.eigvalsh(P.T @ P).max())  # sigma_max^2 = max eig of P^T P
    return out
'''
NORMS_REDUCE = HEAD + '''from functools import reduce


def jacobian_product_norms(J):
    backwards = list(J[::-1])  # J_T, J_{T-1}, ..., J_1
    return np.array([np.linalg.norm(reduce(np.matmul, backwards[:d]), ord=2)
                     for d in range(1, len(backwards) + 1)])
'''

# ---------------------------------------------------------------- clip_by_value
VALUE_MIN_MAX = HEAD + '''def clip_by_value(grads, threshold):
    return {k: np.minimum(np.maximum(g, -threshold), threshold) for k, g in grads.items()}
'''
VALUE_LOOP_WHERE = HEAD + '''def clip_by_value(grads, threshold):
    clipped = {}
    for name in grads:
        g = grads[name]
        g = np.where(g > threshold, threshold, g)
        clipped[name] = np.where(g < -threshold, -threshold, g)
    return clipped
'''
VALUE_COPY_THEN_MASK = HEAD + '''def clip_by_value(grads, threshold):
    out = {}
    for name, g in grads.items():
        c = g.copy()
        c[c > threshold] = threshold
        c[c < -threshold] = -threshold
        out[name] = c
    return out
'''
VALUE_METHOD = HEAD + '''def clip_by_value(grads, threshold):
    return dict((name, g.clip(-threshold, threshold)) for name, g in grads.items())
'''

# ---------------------------------------------------------------- clip_by_norm
NORM_TORCH_STYLE = HEAD + '''def clip_by_norm(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total_norm = float(np.linalg.norm(flat))
    clip_coef = max_norm / (total_norm + 1e-6)  # as torch.nn.utils.clip_grad_norm_
    if clip_coef < 1:
        return {k: g * clip_coef for k, g in grads.items()}, total_norm
    return {k: g.copy() for k, g in grads.items()}, total_norm
'''
NORM_LOOP = HEAD + '''import math


def clip_by_norm(grads, max_norm):
    total = 0.0
    for g in grads.values():
        total += float(np.sum(g * g))
    norm = math.sqrt(total)
    clipped = {}
    for name, g in grads.items():
        if norm > max_norm:
            clipped[name] = g * (max_norm / norm)
        else:
            clipped[name] = np.array(g)
    return clipped, norm
'''
NORM_OF_NORMS = HEAD + '''def clip_by_norm(grads, max_norm):
    norm = np.linalg.norm([np.linalg.norm(g) for g in grads.values()])  # an np.float64
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: factor * v for k, v in grads.items()}, norm
'''

ALTERNATIVES = {
    "tanh_step_jacobians": [JAC_LOOP, JAC_EINSUM, JAC_LIST],
    "jacobian_product_norms": [NORMS_SVD, NORMS_EIGEN, NORMS_REDUCE],
    "clip_by_value": [VALUE_MIN_MAX, VALUE_LOOP_WHERE, VALUE_COPY_THEN_MASK, VALUE_METHOD],
    "clip_by_norm": [NORM_TORCH_STYLE, NORM_LOOP, NORM_OF_NORMS],
}

# ---------------------------------------------------------------- one mistake each
MISTAKES = [
    Mistake(
        name="jacobians_not_transposed",
        cell="tanh_step_jacobians",
        source=HEAD + '''def tanh_step_jacobians(h, Wh):
    return (1 - h**2)[:, :, None] * Wh
''',
        points={"test_tanh_step_jacobians": 1.29},
        first_message="W_h 的轉置",
        about="Jacobian diag(1 - h^2) Wh instead of diag(1 - h^2) Wh.T",
    ),
    Mistake(
        name="jacobians_one_minus_h",
        cell="tanh_step_jacobians",
        source=HEAD + '''def tanh_step_jacobians(h, Wh):
    return (1 - h)[:, :, None] * Wh.T
''',
        points={"test_tanh_step_jacobians": 1.18},
        first_message="1 − h_t²",
        about="tanh' written as 1 - h instead of 1 - h^2",
    ),
    Mistake(
        name="product_norms_frobenius",
        cell="jacobian_product_norms",
        source=HEAD + '''def jacobian_product_norms(J):
    T, H, _ = J.shape
    norms = np.zeros(T)
    product = np.eye(H)
    for d in range(1, T + 1):
        product = product @ J[T - d]
        norms[d - 1] = np.linalg.norm(product)
    return norms
''',
        points={"test_jacobian_product_norms": 1.89},
        first_message="spectral norm",
        about="Frobenius norm (np.linalg.norm's default) instead of the spectral norm",
    ),
    Mistake(
        name="product_norms_wrong_order",
        cell="jacobian_product_norms",
        source=HEAD + '''def jacobian_product_norms(J):
    T, H, _ = J.shape
    norms = np.zeros(T)
    product = np.eye(H)
    for d in range(1, T + 1):
        product = J[T - d] @ product  # the earlier step on the left: wrong order
        norms[d - 1] = np.linalg.norm(product, 2)
    return norms
''',
        points={"test_jacobian_product_norms": 2.05},
        first_message="矩陣乘法不能交換",
        about="products multiplied in the wrong order (earlier Jacobian on the left)",
    ),
    Mistake(
        name="product_norms_product_of_norms",
        cell="jacobian_product_norms",
        source=HEAD + '''def jacobian_product_norms(J):
    step_norms = [np.linalg.norm(J[t], 2) for t in range(len(J) - 1, -1, -1)]
    return np.cumprod(step_norms)
''',
        points={"test_jacobian_product_norms": 2.05},
        first_message="先把 Jacobian 相乘",
        about="the product of the one-step norms (an upper bound) instead of the norm of "
              "the product",
    ),
    Mistake(
        name="clip_by_value_upper_side_only",
        cell="clip_by_value",
        source=HEAD + '''def clip_by_value(grads, threshold):
    return {name: np.minimum(g, threshold) for name, g in grads.items()}
''',
        points={"test_clip_by_value": 1.3},
        first_message="小於 -threshold",
        about="clip_by_value clips only the upper side (np.minimum)",
    ),
    Mistake(
        name="clip_by_value_same_arrays_when_inside",
        cell="clip_by_value",
        source=HEAD + '''def clip_by_value(grads, threshold):
    clipped = {}
    for name, g in grads.items():
        if np.abs(g).max() > threshold:
            clipped[name] = np.clip(g, -threshold, threshold)
        else:
            clipped[name] = g  # nothing to clip
    return clipped
''',
        points={"test_clip_by_value": 1.74},
        first_message="複本",
        about="clip_by_value hands back the caller's array when nothing is clipped",
    ),
    Mistake(
        name="clip_by_norm_per_array",
        cell="clip_by_norm",
        source=HEAD + '''def clip_by_norm(grads, max_norm):
    clipped = {}
    total = 0.0
    for name, g in grads.items():
        n = np.linalg.norm(g)
        total += n**2
        clipped[name] = g * (max_norm / n) if n > max_norm else g.copy()
    return clipped, float(np.sqrt(total))
''',
        points={"test_clip_by_norm": 2.42},
        first_message="global norm",
        about="clip_by_norm rescales each array by its own norm instead of the global norm",
    ),
    Mistake(
        name="clip_by_norm_always_scales",
        cell="clip_by_norm",
        source=HEAD + '''def clip_by_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g * (max_norm / norm) for k, g in grads.items()}, norm
''',
        points={"test_clip_by_norm": 2.42},
        first_message="norm > max_norm",
        about="clip_by_norm rescales to max_norm also when the norm is below it",
    ),
    Mistake(
        name="clip_by_norm_same_arrays_when_not_clipped",
        cell="clip_by_norm",
        source=HEAD + '''def clip_by_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm <= max_norm:
        return grads, norm  # nothing to clip
    return {k: g * (max_norm / norm) for k, g in grads.items()}, norm
''',
        points={"test_clip_by_norm": 2.71},
        first_message="複本",
        about="clip_by_norm returns the caller's dict and arrays when nothing is clipped",
    ),
    Mistake(
        name="clip_by_norm_divides_by_zero",
        cell="clip_by_norm",
        source=HEAD + '''def clip_by_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    scale = min(1.0, max_norm / norm)
    return {k: g * scale for k, g in grads.items()}, norm
''',
        points={"test_clip_by_norm": 2.71},
        first_message="ZeroDivisionError",
        about="clip_by_norm divides by a zero norm when every gradient is zero",
    ),
]
