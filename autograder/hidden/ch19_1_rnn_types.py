"""Hidden checks of 19-1 (RNN 網路的種類): seeded random inputs of other sizes, compared
with the reference solution (``FROM_REFERENCE``)."""

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check

_rng = np.random.default_rng(1901)


def _normal(*shape, scale=1.0):
    return _rng.normal(scale=scale, size=shape)


def _rnn_params(D, H):
    return {"Wx": _normal(D, H, scale=0.5), "Wh": _normal(H, H, scale=0.5), "b": _normal(H)}


# N, T, D, H, C all different, so that a transposed or mixed-up axis fails
N, T, D, H, C = 3, 5, 4, 6, 7
CELL = {"x_t": _normal(N, D), "h_prev": _normal(N, H, scale=0.5), **_rnn_params(D, H)}
CELL_F32 = {k: v.astype(np.float32) for k, v in CELL.items()}
SEQ = {"x": _normal(N, T, D), "h0": _normal(N, H, scale=0.5), **_rnn_params(D, H)}
LONG = {"x": _normal(2, 40, D), "h0": _normal(2, H, scale=0.5), **_rnn_params(D, H)}
ONE = {"x0": _normal(N, D), "h0": _normal(N, H, scale=0.5), **_rnn_params(D, H),
       "Wy": _normal(H, C), "by": _normal(C)}
HS = {"h": np.tanh(_normal(N, T, H)), "Wy": _normal(H, C), "by": _normal(C)}
DEEP = {
    "x": _normal(N, T, D),
    "h0s": _normal(3, N, H, scale=0.5),  # an (L, N, H) array, as torch.nn.RNN takes it
    "layers": [tuple(_rnn_params(d, H).values()) for d in (D, H, H)],
}

CHECKS = {
    "test_rnn_cell_forward": [
        Check(name="random_values", code="out = rnn_cell_forward(x_t, h_prev, Wx, Wh, b)[0]",
              inputs=CELL, expected=FROM_REFERENCE,
              message="隨機輸入下 h_next 與參考答案不同：tanh(x_t @ Wx + h_prev @ Wh + b)。"),
        Check(name="float32_inputs", code="out = rnn_cell_forward(x_t, h_prev, Wx, Wh, b)[0]",
              inputs=CELL_F32, expected=FROM_REFERENCE, rtol=1e-4, atol=1e-6,
              message="float32 的輸入下結果不同。"),
        Check(name="single_example",
              code="out = rnn_cell_forward(x_t[:1], h_prev[:1], Wx, Wh, b)[0]",
              inputs=CELL, expected=FROM_REFERENCE,
              message="N = 1 時結果不同：不要把 batch 的大小寫死。"),
    ],
    "test_rnn_forward": [
        Check(name="random_values", code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
              inputs=SEQ, expected=FROM_REFERENCE,
              message="隨機輸入下 h 與參考答案不同。"),
        Check(name="long_sequence", code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
              inputs=LONG, expected=FROM_REFERENCE,
              message="T = 40 的長序列結果不同：不要把 T 寫死。"),
        Check(name="random_inputs_not_modified",
              code="import numpy as np\n"
                   "kept = [a.copy() for a in (x, h0, Wx, Wh, b)]\n"
                   "rnn_forward(x, h0, Wx, Wh, b)\n"
                   "out = all(np.array_equal(a, k) for a, k in zip((x, h0, Wx, Wh, b), kept))",
              inputs=SEQ, expected=True, message="rnn_forward 修改了傳進來的陣列。"),
    ],
    "test_one_to_many": [
        Check(name="random_states", code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 6)[1]",
              inputs=ONE, expected=FROM_REFERENCE,
              message="隨機輸入下 h 與參考答案不同。"),
        Check(name="random_scores", code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 6)[0]",
              inputs=ONE, expected=FROM_REFERENCE,
              message="隨機輸入下 y 與參考答案不同。"),
        Check(name="single_step", code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 1)[0]",
              inputs=ONE, expected=FROM_REFERENCE,
              message="T = 1 時結果不同。"),
    ],
    "test_many_to_one": [
        Check(name="random_values", code="out = many_to_one(h, Wy, by)",
              inputs=HS, expected=FROM_REFERENCE,
              message="隨機輸入下結果與參考答案不同。"),
        Check(name="single_step", code="out = many_to_one(h[:, :1], Wy, by)",
              inputs=HS, expected=FROM_REFERENCE,
              message="T = 1 時結果不同。"),
    ],
    "test_many_to_many": [
        Check(name="random_values", code="out = many_to_many(h, Wy, by)",
              inputs=HS, expected=FROM_REFERENCE,
              message="隨機輸入下結果與參考答案不同。"),
        Check(name="single_example", code="out = many_to_many(h[:1], Wy, by)",
              inputs=HS, expected=FROM_REFERENCE,
              message="N = 1 時結果不同。"),
    ],
    "test_deep_rnn_forward": [
        Check(name="three_layers_top", code="out = deep_rnn_forward(x, h0s, layers)[0]",
              inputs=DEEP, expected=FROM_REFERENCE,
              message="三層、h0s 為 (L, N, H) 陣列時 h_top 與參考答案不同。"),
        Check(name="three_layers_all",
              code="out = list(deep_rnn_forward(x, h0s, layers)[1])",
              inputs=DEEP, expected=FROM_REFERENCE,
              message="三層時 hs（每一層的 hidden state）與參考答案不同。"),
    ],
}
