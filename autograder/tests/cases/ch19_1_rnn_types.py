"""19-1 (RNN 網路的種類): correct-but-different answers and one-mistake submissions.

The mistakes are the typical ones of this notebook; ``points`` lists every test cell that
loses points (a cell bug costs rnn_forward, one_to_many and deep_rnn_forward at most their
one integration check, and their feedback then says to fix rnn_cell_forward first).
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

# ---------------------------------------------------------------- one_to_many
ONE_TO_MANY_VIA_RNN_FORWARD = HEAD + '''def one_to_many(x0, h0, Wx, Wh, b, Wy, by, T):
    x = np.zeros((x0.shape[0], T, x0.shape[1]))
    x[:, 0] = x0  # the input at the first step, zeros after it
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    return h @ Wy + by, h
'''
ONE_TO_MANY_CELL_EVERY_STEP = HEAD + '''def one_to_many(x0, h0, Wx, Wh, b, Wy, by, T):
    hs, ys = [], []
    h_prev, x_t = h0, x0
    for t in range(T):
        h_prev, _ = rnn_cell_forward(x_t, h_prev, Wx, Wh, b)
        x_t = np.zeros_like(x0)  # no input after the first step
        hs.append(h_prev)
        ys.append(h_prev @ Wy + by)
    return np.stack(ys, axis=1), np.stack(hs, axis=1)
'''
ONE_TO_MANY_INLINE = HEAD + '''def one_to_many(x0, h0, Wx, Wh, b, Wy, by, T):
    N, H = h0.shape
    h = np.zeros((N, T, H))
    y = np.zeros((N, T, Wy.shape[1]))
    h_prev = h0
    for t in range(T):
        a = h_prev @ Wh + b
        if t == 0:
            a = a + x0 @ Wx
        h_prev = np.tanh(a)
        h[:, t] = h_prev
        y[:, t] = h_prev @ Wy + by
    return y, h
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

# ---------------------------------------------------------------- deep_rnn_forward
DEEP_INDEXED = HEAD + '''def deep_rnn_forward(x, h0s, layers):
    hs = []
    for l in range(len(layers)):
        Wx, Wh, b = layers[l]
        below = x if l == 0 else hs[l - 1]
        h, _ = rnn_forward(below, h0s[l], Wx, Wh, b)
        hs.append(h)
    return hs[-1], hs
'''
DEEP_INLINE = HEAD + '''def deep_rnn_forward(x, h0s, layers):
    inputs, hs = x, []
    for (Wx, Wh, b), h0 in zip(layers, list(h0s)):
        N, T, _ = inputs.shape
        h = np.empty((N, T, Wh.shape[0]))
        h_prev = np.array(h0)
        for t in range(T):
            h_prev = np.tanh(inputs[:, t] @ Wx + h_prev @ Wh + b)
            h[:, t] = h_prev
        hs.append(h)
        inputs = h
    return inputs, hs
'''

ALTERNATIVES = {
    "rnn_cell_forward": [CELL_EINSUM, CELL_DOT_LIST_CACHE, CELL_CONCAT, CELL_PER_EXAMPLE,
                         CELL_TRANSPOSED_MATH],
    "rnn_forward": [FORWARD_CALLS_CELL, FORWARD_STACK, FORWARD_TIME_MAJOR, FORWARD_FLOAT32],
    "one_to_many": [ONE_TO_MANY_VIA_RNN_FORWARD, ONE_TO_MANY_CELL_EVERY_STEP,
                    ONE_TO_MANY_INLINE],
    "many_to_one": MANY_TO_ONE_ALTERNATIVES,
    "many_to_many": MANY_TO_MANY_ALTERNATIVES,
    "deep_rnn_forward": [DEEP_INDEXED, DEEP_INLINE],
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
ONE_TO_MANY_X_EVERY_STEP = HEAD + '''def one_to_many(x0, h0, Wx, Wh, b, Wy, by, T):
    hs, h_prev = [], h0
    for t in range(T):
        h_prev, _ = rnn_cell_forward(x0, h_prev, Wx, Wh, b)  # x0 fed at every step
        hs.append(h_prev)
    h = np.stack(hs, axis=1)
    return h @ Wy + by, h
'''
MANY_TO_ONE_FIRST_STEP = HEAD + '''def many_to_one(h, Wy, by):
    return h[:, 0] @ Wy + by  # the FIRST step has seen one token only
'''
MANY_TO_MANY_NO_BIAS = HEAD + '''def many_to_many(h, Wy, by):
    return h @ Wy  # forgot by
'''
DEEP_X_EVERY_LAYER = HEAD + '''def deep_rnn_forward(x, h0s, layers):
    hs = []
    for (Wx, Wh, b), h0 in zip(layers, h0s):
        h, _ = rnn_forward(x, h0, Wx, Wh, b)  # every layer reads x
        hs.append(h)
    return hs[-1], hs
'''
DEEP_SHARED_H0 = HEAD + '''def deep_rnn_forward(x, h0s, layers):
    hs, inputs = [], x
    for Wx, Wh, b in layers:
        inputs, _ = rnn_forward(inputs, h0s[0], Wx, Wh, b)  # layer 1's h0 everywhere
        hs.append(inputs)
    return hs[-1], hs
'''

# a student whose rnn_forward, one_to_many and deep_rnn_forward call the cell
CALLERS = {"rnn_forward": FORWARD_CALLS_CELL, "one_to_many": ONE_TO_MANY_CELL_EVERY_STEP,
           "deep_rnn_forward": DEEP_INDEXED}

CELL = "test_rnn_cell_forward"
FORWARD = "test_rnn_forward"
ONE = "test_one_to_many"
DEEP = "test_deep_rnn_forward"

MISTAKES = [
    Mistake("cell_no_bias", "rnn_cell_forward", CELL_NO_BIAS, {CELL: 2.14, ONE: 2.67},
            "bias 項 b 可能漏加了", "h = tanh(xWx + hWh): one_to_many (calls the cell) loses "
            "its integration check only and says to fix the cell first"),
    Mistake("cell_no_bias_called_everywhere", "rnn_cell_forward", CELL_NO_BIAS,
            {CELL: 2.14, FORWARD: 2.75, ONE: 2.67, DEEP: 2.67}, "bias 項 b 可能漏加了",
            "no bias in a cell that rnn_forward, one_to_many and deep_rnn_forward call",
            extra_cells=CALLERS),
    Mistake("cell_no_tanh", "rnn_cell_forward", CELL_NO_TANH, {CELL: 1.93, ONE: 2.67},
            "np.tanh", "h = xWx + hWh + b"),
    Mistake("cell_no_tanh_called_everywhere", "rnn_cell_forward", CELL_NO_TANH,
            {CELL: 1.93, FORWARD: 2.75, ONE: 2.67, DEEP: 2.67}, "np.tanh",
            "no tanh in a cell that rnn_forward, one_to_many and deep_rnn_forward call",
            extra_cells=CALLERS),
    Mistake("cell_wh_transposed", "rnn_cell_forward", CELL_WH_TRANSPOSED,
            {CELL: 2.14, ONE: 2.67}, "h_prev @ Wh", "(Wh @ h_prev.T).T = h_prev @ Wh.T"),
    Mistake("cell_wh_left", "rnn_cell_forward", CELL_WH_LEFT, {CELL: 0.0, ONE: 0.0},
            "ValueError", "Wh @ h_prev: a shape error, reported with the student's line"),
    Mistake("forward_always_h0", "rnn_forward", FORWARD_ALWAYS_H0, {FORWARD: 2.25, DEEP: 2.0},
            "更新成上一步算出的 h", "h is not fed back: every step starts from h0"),
    Mistake("forward_ignores_h0", "rnn_forward", FORWARD_IGNORES_H0,
            {FORWARD: 2.25, DEEP: 2.0}, "要用傳進來的 h0",
            "the loop starts from zeros instead of h0"),
    Mistake("one_to_many_x_every_step", "one_to_many", ONE_TO_MANY_X_EVERY_STEP, {ONE: 2.0},
            "x0 只在第一個 time step 輸入", "x0 fed at every step"),
    Mistake("many_to_one_first_step", "many_to_one", MANY_TO_ONE_FIRST_STEP,
            {"test_many_to_one": 1.25}, "h[:, -1]", "reads h[:, 0] instead of h[:, -1]"),
    Mistake("many_to_many_no_bias", "many_to_many", MANY_TO_MANY_NO_BIAS,
            {"test_many_to_many": 1.43}, "bias by 可能漏加了", "forgot by"),
    Mistake("deep_x_every_layer", "deep_rnn_forward", DEEP_X_EVERY_LAYER, {DEEP: 0.67},
            "ValueError", "every layer reads x: a shape error where D != H, else the "
            "second layer's check"),
    Mistake("deep_shared_h0", "deep_rnn_forward", DEEP_SHARED_H0, {DEEP: 2.0}, "h0s[l]",
            "layer 1's h0 used for every layer"),
]
