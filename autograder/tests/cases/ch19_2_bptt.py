"""19-2 (BPTT): correct-but-different implementations and one-mistake submissions.

The mistakes in ``rnn_cell_backward`` come with a student-style ``rnn_backward`` that calls
it (``CELL_CALLING_BACKWARD``, cs231n style), so they also show what the sequence test
charges for a wrong callee: only its integration check, with "先修好 rnn_cell_backward".
"""

from __future__ import annotations

from autograder.tests.cases import Mistake

# ---------------------------------------------------------------- forward passes
FORWARD_LIST_CACHE = '''import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    """cs231n style: a list of per-step caches made by rnn_cell_forward."""
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches = []
    h_prev = h0
    for t in range(T):
        h_prev, cache_t = rnn_cell_forward(x[:, t, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
        caches.append(cache_t)
    return h, caches
'''

CELL_FORWARD_DICT = '''import numpy as np


def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    a = np.dot(x_t, Wx) + np.dot(h_prev, Wh) + b
    h_next = np.tanh(a)
    cache = {"x": x_t, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "a": a}
    return h_next, cache
'''

CELL_BACKWARD_DICT = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    """Recomputes tanh from the pre-activation kept in a dict cache."""
    da = dh_next * (1.0 - np.tanh(cache["a"]) ** 2)
    dx_t = np.dot(da, cache["Wx"].T)
    dh_prev = np.dot(da, cache["Wh"].T)
    dWx = np.dot(cache["x"].T, da)
    dWh = np.dot(cache["h_prev"].T, da)
    db = np.sum(da, axis=0)
    return dx_t, dh_prev, dWx, dWh, db
'''

CELL_FORWARD_EINSUM = '''import numpy as np


def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    a = np.einsum("nd,dh->nh", x_t, Wx) + np.einsum("nk,kh->nh", h_prev, Wh)
    h_next = np.tanh(a + b[None, :])
    return h_next, [x_t, h_prev, Wx, Wh, b, h_next]
'''

FORWARD_DICT = '''import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    hs, caches, h_prev = [], [], h0
    for t in range(x.shape[1]):
        h_prev, c = rnn_cell_forward(x[:, t], h_prev, Wx, Wh, b)
        hs.append(h_prev)
        caches.append(c)
    return np.stack(hs, axis=1), {"steps": caches, "h0": h0}
'''

BACKWARD_DICT = '''import numpy as np


def rnn_backward(dh, cache):
    """On a dict of per-step caches, the gradient from the future kept in a list."""
    steps = cache["steps"]
    N, T, H = dh.shape
    grads = [np.zeros((N, T, steps[0]["x"].shape[1])), None,
             np.zeros_like(steps[0]["Wx"]), np.zeros_like(steps[0]["Wh"]), np.zeros(H)]
    future = [np.zeros((N, H))]
    for t in range(T - 1, -1, -1):
        dx_t, dh_prev, dWx, dWh, db = rnn_cell_backward(dh[:, t] + future[-1], steps[t])
        grads[0][:, t] = dx_t
        future.append(dh_prev)
        grads[2] += dWx
        grads[3] += dWh
        grads[4] += db
    grads[1] = future[-1]
    return tuple(grads)
'''

# ---------------------------------------------------------------- backward passes
CELL_BACKWARD_LOOPS = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    """Explicit loops over the batch and einsum, cache as a list."""
    x_t, h_prev, Wx, Wh, b, h_next = cache
    da = dh_next * (1 - h_next * h_next)
    dx_t = np.einsum("nh,dh->nd", da, Wx)
    dh_prev = np.einsum("nh,kh->nk", da, Wh)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    for n in range(da.shape[0]):
        dWx += np.outer(x_t[n], da[n])
        dWh += np.outer(h_prev[n], da[n])
        db += da[n]
    return dx_t, dh_prev, dWx, dWh, db
'''

CELL_CALLING_BACKWARD = '''import numpy as np


def rnn_backward(dh, cache):
    """cs231n style: rnn_cell_backward on the cell cache of each step."""
    x, h0, Wx, Wh, b, h = cache
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)

    def cell_cache(t):
        h_prev = h0 if t == 0 else h[:, t - 1]
        return (x[:, t], h_prev, Wx, Wh, b, h[:, t])

    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dh_prev, dWx_t, dWh_t, db_t = rnn_cell_backward(
            dh[:, t] + dh_prev, cell_cache(t))
        dx[:, t] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
'''

BACKWARD_STACKED = '''import numpy as np


def rnn_backward(dh, cache):
    """Self-contained (no call to the cell): da of every step first, then einsum."""
    x, h0, Wx, Wh, b, h = cache
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    da = np.empty_like(dh)
    carry = np.zeros_like(h0)  # the gradient from the future
    for t in range(dh.shape[1] - 1, -1, -1):
        da[:, t] = (dh[:, t] + carry) * (1 - h[:, t] ** 2)
        carry = da[:, t] @ Wh.T
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", h_prev, da)
    return da @ Wx.T, carry, dWx, dWh, da.sum(axis=(0, 1))
'''

CELL_BACKWARD_INPLACE = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    x_t, h_prev, Wx, Wh, b, h_next = cache
    dh_next *= 1 - h_next**2  # in place: changes the caller's array
    da = dh_next
    return da @ Wx.T, da @ Wh.T, x_t.T @ da, h_prev.T @ da, da.sum(axis=0)
'''

CELL_BACKWARD_NO_TANH = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    x_t, h_prev, Wx, Wh, b, h_next = cache
    da = dh_next  # the tanh derivative 1 - h_next**2 is missing
    return da @ Wx.T, da @ Wh.T, x_t.T @ da, h_prev.T @ da, da.sum(axis=0)
'''

CELL_BACKWARD_NO_TRANSPOSE = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    x_t, h_prev, Wx, Wh, b, h_next = cache
    da = dh_next * (1 - h_next**2)
    dx_t = da @ Wx  # should be Wx.T
    return dx_t, da @ Wh.T, x_t.T @ da, h_prev.T @ da, da.sum(axis=0)
'''

CELL_BACKWARD_NONE = '''import numpy as np


def rnn_cell_backward(dh_next, cache):
    x_t, h_prev, Wx, Wh, b, h_next = cache
    da = dh_next * (1 - h_next**2)
    dx_t, dh_prev = da @ Wx.T, da @ Wh.T
    dWx, dWh, db = x_t.T @ da, h_prev.T @ da, da.sum(axis=0)
    # forgot: return dx_t, dh_prev, dWx, dWh, db
'''


def _calling(body: str) -> str:
    """CELL_CALLING_BACKWARD with its loop body replaced."""
    old = ("        dx_t, dh_prev, dWx_t, dWh_t, db_t = rnn_cell_backward(\n"
           "            dh[:, t] + dh_prev, cell_cache(t))\n"
           "        dx[:, t] = dx_t\n"
           "        dWx += dWx_t\n"
           "        dWh += dWh_t\n")
    assert old in CELL_CALLING_BACKWARD
    return CELL_CALLING_BACKWARD.replace(old, body)


BACKWARD_DWH_OVERWRITTEN = _calling(
    "        dx_t, dh_prev, dWx_t, dWh_t, db_t = rnn_cell_backward(\n"
    "            dh[:, t] + dh_prev, cell_cache(t))\n"
    "        dx[:, t] = dx_t\n"
    "        dWx += dWx_t\n"
    "        dWh = dWh_t  # overwritten: only the first time step's term is left\n")

BACKWARD_NO_UPSTREAM = _calling(
    "        upstream = dh[:, t] if t == T - 1 else 0  # many-to-one thinking\n"
    "        dx_t, dh_prev, dWx_t, dWh_t, db_t = rnn_cell_backward(\n"
    "            upstream + dh_prev, cell_cache(t))\n"
    "        dx[:, t] = dx_t\n"
    "        dWx += dWx_t\n"
    "        dWh += dWh_t\n")

BACKWARD_CACHE_POP = '''import numpy as np


def rnn_backward(dh, cache):
    """Pops the per-step caches of a list: the cache is used up after one call."""
    N, T, H = dh.shape
    x_t, _, Wx, Wh, _, _ = cache[0]
    dx = np.zeros((N, T, x_t.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        step = cache.pop()
        dx[:, t], dh_prev, gWx, gWh, gb = rnn_cell_backward(dh[:, t] + dh_prev, step)
        dWx, dWh, db = dWx + gWx, dWh + gWh, db + gb
    return dx, dh_prev, dWx, dWh, db
'''

# the per-step list caches of cs231n, used by both sequence functions (one cell: the last
# answer cell may redefine the earlier functions, and the probes then use its versions)
LIST_CACHES = (FORWARD_LIST_CACHE + "\n\n"
               + BACKWARD_CACHE_POP.replace("step = cache.pop()", "step = cache[t]")
               .replace("import numpy as np\n", ""))
DICT_CACHES = "\n\n".join([CELL_FORWARD_DICT, FORWARD_DICT.replace("import numpy as np\n", ""),
                            CELL_BACKWARD_DICT.replace("import numpy as np\n", ""),
                            BACKWARD_DICT.replace("import numpy as np\n", "")])

ALTERNATIVES = {
    "rnn_cell_forward": [CELL_FORWARD_EINSUM],
    "rnn_forward": [FORWARD_LIST_CACHE.replace("    return h, caches\n",
                                               "    return h, (x, h0, Wx, Wh, b, h)\n")],
    "rnn_cell_backward": [CELL_BACKWARD_LOOPS],
    "rnn_backward": [CELL_CALLING_BACKWARD, BACKWARD_STACKED, LIST_CACHES, DICT_CACHES],
}

MISTAKES = [
    Mistake("cell_no_tanh_derivative", "rnn_cell_backward", CELL_BACKWARD_NO_TANH,
            {"test_rnn_cell_backward": 2.18, "test_rnn_backward": 5.31}, "tanh 的導數",
            "da = dh_next (no 1 - h_next**2); rnn_backward calls the cell: the sequence "
            "test loses only its integration check and says to fix the cell first",
            {"rnn_backward": CELL_CALLING_BACKWARD}),
    Mistake("cell_missing_transpose", "rnn_cell_backward", CELL_BACKWARD_NO_TRANSPOSE,
            {"test_rnn_cell_backward": 0.0, "test_rnn_backward": 5.31}, "ValueError",
            "dx_t = da @ Wx (crashes for D != H); the sequence test runs where D = H and Wx "
            "is symmetric", {"rnn_backward": CELL_CALLING_BACKWARD}),
    Mistake("cell_inplace_dh_next", "rnn_cell_backward", CELL_BACKWARD_INPLACE,
            {"test_rnn_cell_backward": 3.64}, "修改了 dh_next",
            "dh_next *= 1 - h_next**2: reported once, by inputs_not_modified (the gradient "
            "checks hand copies)", {"rnn_backward": CELL_CALLING_BACKWARD}),
    Mistake("cell_returns_none", "rnn_cell_backward", CELL_BACKWARD_NONE,
            {"test_rnn_cell_backward": 0.0, "test_rnn_backward": 0.0}, "應回傳 5 個梯度",
            "no return statement: the first message says so; the caller crashes and says to "
            "fix the cell first", {"rnn_backward": CELL_CALLING_BACKWARD}),
    Mistake("backward_dWh_not_accumulated", "rnn_backward", BACKWARD_DWH_OVERWRITTEN,
            {"test_rnn_backward": 4.62}, "dWh 不對",
            "dWh = dWh_t instead of += in the BPTT loop"),
    Mistake("backward_upstream_not_added", "rnn_backward", BACKWARD_NO_UPSTREAM,
            {"test_rnn_backward": 1.85}, "自己的上游梯度",
            "only dh[:, T-1] enters (many-to-one thinking): every gradient but the last is "
            "wrong"),
    Mistake("backward_consumes_cache", "rnn_backward", BACKWARD_CACHE_POP,
            {"test_rnn_backward": 5.54}, "同一個 cache",
            "cache.pop() in the BPTT loop: a second call with the same cache fails (the "
            "docstring says it may be called more than once)",
            {"rnn_forward": FORWARD_LIST_CACHE}),
]
