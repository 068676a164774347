"""19-1 (RNN 網路的種類): correct-but-different answers and one-mistake submissions.

The mistakes are the typical ones of this notebook; ``points`` lists every test cell that
loses points (a cell bug costs rnn_forward at most its one integration check, and its
feedback then says to fix rnn_cell_forward first). one_to_many and deep_rnn_forward are
ungraded 選讀 exercises (their checks are in tests/test_ch19_1_rnn_types.py).
"""

from autograder.tests.cases import Mistake

HEAD = "import numpy as np\n\n\n"

# ---------------------------------------------------------------- rnn_cell_forward
CELL_EINSUM = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    a = np.einsum("nd,dh->nh", x_t, Wx) + np.einsum("nk,kh->nh", h_prev, Wh) + b
    h_next = np.tanh(a)
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''
CELL_DOT_LIST_CACHE = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    h_next = np.tanh(np.dot(x_t, Wx) + np.dot(h_prev, Wh) + b[None, :])
    return h_next, [x_t, h_prev, h_next]
'''
CELL_CONCAT = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    xh = np.concatenate([x_t, h_prev], axis=1)  # one matmul with the stacked weights
    W = np.concatenate([Wx, Wh], axis=0)
    h_next = np.tanh(xh @ W + b)
    return h_next, {"xh": xh, "h_next": h_next}
'''
CELL_PER_EXAMPLE = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    rows = [np.tanh(x_t[n] @ Wx + h_prev[n] @ Wh + b) for n in range(x_t.shape[0])]
    h_next = np.stack(rows)
    return h_next, None
'''
CELL_TRANSPOSED_MATH = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    # column-vector habit, transposed back: (Wx^T x + Wh^T h + b)^T
    h_next = np.tanh(Wx.T @ x_t.T + Wh.T @ h_prev.T + b[:, None]).T
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''

# ---------------------------------------------------------------- rnn_forward
FORWARD_CALLS_CELL = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        h_prev, _ = rnn_cell_forward(x[:, t, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
    return h, (x, h0, Wx, Wh, b, h)
'''
FORWARD_STACK = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    states = []
    h_prev = h0
    for t in range(x.shape[1]):
        h_prev = np.tanh(x[:, t] @ Wx + h_prev @ Wh + b)
        states.append(h_prev)
    return np.stack(states, axis=1), None
'''
FORWARD_TIME_MAJOR = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    xs = np.transpose(x, (1, 0, 2))  # (T, N, D): loop over the first axis
    h_prev, out = h0, []
    for x_t in xs:
        h_prev, _ = rnn_cell_forward(x_t, h_prev, Wx, Wh, b)
        out.append(h_prev)
    h = np.array(out).transpose(1, 0, 2)
    return h, [x, h0, h]
'''
FORWARD_FLOAT32 = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    x, h0 = np.asarray(x, dtype=np.float64), np.asarray(h0, dtype=np.float64)
    N, T, _ = x.shape
    h = np.empty((N, T, Wh.shape[0]))
    xw = np.einsum("ntd,dh->nth", x, Wx) + b
    for t in range(T):
        h[:, t] = np.tanh(xw[:, t] + (h0 if t == 0 else h[:, t - 1]) @ Wh)
    return h, None
'''

# ---------------------------------------------------------------- read-outs
MANY_TO_ONE_ALTERNATIVES = [
    HEAD + "def many_to_one(h, Wy, by):\n    return np.dot(h[:, h.shape[1] - 1, :], Wy) + by\n",
    HEAD + "def many_to_one(h, Wy, by):\n    return np.einsum('nh,hc->nc', h[:, -1], Wy) + by\n",
    HEAD + "def many_to_one(h, Wy, by):\n    return (h @ Wy + by)[:, -1]\n",
]
MANY_TO_MANY_ALTERNATIVES = [
    HEAD + "def many_to_many(h, Wy, by):\n    return np.einsum('nth,hc->ntc', h, Wy) + by\n",
    HEAD + '''def many_to_many(h, Wy, by):
    return np.stack([h[:, t] @ Wy + by for t in range(h.shape[1])], axis=1)
''',
    HEAD + '''def many_to_many(h, Wy, by):
    N, T, H = h.shape
    return (h.reshape(N * T, H) @ Wy + by).reshape(N, T, -1)
''',
]

ALTERNATIVES = {
    "rnn_cell_forward": [CELL_EINSUM, CELL_DOT_LIST_CACHE, CELL_CONCAT, CELL_PER_EXAMPLE,
                         CELL_TRANSPOSED_MATH],
    "rnn_forward": [FORWARD_CALLS_CELL, FORWARD_STACK, FORWARD_TIME_MAJOR, FORWARD_FLOAT32],
    "many_to_one": MANY_TO_ONE_ALTERNATIVES,
    "many_to_many": MANY_TO_MANY_ALTERNATIVES,
}

# ---------------------------------------------------------------- one mistake each
CELL_NO_BIAS = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    h_next = np.tanh(x_t @ Wx + h_prev @ Wh)  # forgot the bias
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''
CELL_NO_TANH = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    h_next = x_t @ Wx + h_prev @ Wh + b  # forgot tanh
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''
CELL_WH_TRANSPOSED = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    h_next = np.tanh(x_t @ Wx + (Wh @ h_prev.T).T + b)  # Wh on the left: uses Wh^T
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''
CELL_WH_LEFT = HEAD + '''def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    h_next = np.tanh(x_t @ Wx + Wh @ h_prev + b)  # (H, H) @ (N, H): shapes do not fit
    return h_next, (x_t, h_prev, Wx, Wh, b, h_next)
'''
FORWARD_ALWAYS_H0 = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    for t in range(T):
        h[:, t], _ = rnn_cell_forward(x[:, t], h0, Wx, Wh, b)  # h is never fed back
    return h, None
'''
FORWARD_IGNORES_H0 = HEAD + '''def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = np.zeros_like(h0)  # starts from zeros instead of h0
    for t in range(T):
        h_prev, _ = rnn_cell_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
    return h, None
'''
MANY_TO_ONE_FIRST_STEP = HEAD + '''def many_to_one(h, Wy, by):
    return h[:, 0] @ Wy + by  # the FIRST step has seen one token only
'''
MANY_TO_MANY_NO_BIAS = HEAD + '''def many_to_many(h, Wy, by):
    return h @ Wy  # forgot by
'''
# a student whose rnn_forward calls the cell
CALLERS = {"rnn_forward": FORWARD_CALLS_CELL}

CELL = "test_rnn_cell_forward"
FORWARD = "test_rnn_forward"

MISTAKES = [
    Mistake("cell_no_bias", "rnn_cell_forward", CELL_NO_BIAS, {CELL: 2.86},
            "bias 項 b 可能漏加了", "h = tanh(xWx + hWh): the reference rnn_forward does not "
            "call the cell, so only the cell loses points"),
    Mistake("cell_no_bias_called_by_rnn_forward", "rnn_cell_forward", CELL_NO_BIAS,
            {CELL: 2.86, FORWARD: 3.67}, "bias 項 b 可能漏加了",
            "no bias in a cell that rnn_forward calls: rnn_forward loses its integration "
            "check only and says to fix the cell first", extra_cells=CALLERS),
    Mistake("cell_no_tanh", "rnn_cell_forward", CELL_NO_TANH, {CELL: 2.57}, "np.tanh",
            "h = xWx + hWh + b"),
    Mistake("cell_no_tanh_called_by_rnn_forward", "rnn_cell_forward", CELL_NO_TANH,
            {CELL: 2.57, FORWARD: 3.67}, "np.tanh",
            "no tanh in a cell that rnn_forward calls", extra_cells=CALLERS),
    Mistake("cell_wh_transposed", "rnn_cell_forward", CELL_WH_TRANSPOSED, {CELL: 2.86},
            "h_prev @ Wh", "(Wh @ h_prev.T).T = h_prev @ Wh.T"),
    Mistake("cell_wh_left", "rnn_cell_forward", CELL_WH_LEFT, {CELL: 0.0},
            "ValueError", "Wh @ h_prev: a shape error, reported with the student's line"),
    Mistake("forward_always_h0", "rnn_forward", FORWARD_ALWAYS_H0, {FORWARD: 3.0},
            "更新成上一步算出的 h", "h is not fed back: every step starts from h0"),
    Mistake("forward_ignores_h0", "rnn_forward", FORWARD_IGNORES_H0, {FORWARD: 3.0},
            "要用傳進來的 h0", "the loop starts from zeros instead of h0"),
    Mistake("many_to_one_first_step", "many_to_one", MANY_TO_ONE_FIRST_STEP,
            {"test_many_to_one": 1.25}, "h[:, -1]", "reads h[:, 0] instead of h[:, -1]"),
    Mistake("many_to_many_no_bias", "many_to_many", MANY_TO_MANY_NO_BIAS,
            {"test_many_to_many": 1.43}, "bias by 可能漏加了", "forgot by"),
]
