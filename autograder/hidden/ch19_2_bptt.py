"""Hidden checks of 19-2 (BPTT): seeded random inputs, every gradient compared with the
reference solution, and every truncation length of the spec (None, 0, 1, 2, T-1, T, T+3).
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check


def _params(seed: int, N: int, T: int | None, D: int, H: int) -> dict:
    """Plain inputs for one probe: x (N, D) or (N, T, D), a state, weights, upstream dh."""
    rng = np.random.default_rng(seed)
    x_shape = (N, D) if T is None else (N, T, D)
    h_shape = (N, H) if T is None else (N, T, H)
    return {
        "x": rng.normal(size=x_shape),
        "h": 0.5 * rng.normal(size=(N, H)),
        "Wx": rng.normal(size=(D, H)) / np.sqrt(D),
        "Wh": 0.9 * rng.normal(size=(H, H)) / np.sqrt(H),
        "b": 0.3 * rng.normal(size=H),
        "dh": rng.normal(size=h_shape),
    }


CELL = _params(1902, N=3, T=None, D=4, H=5)
CELL_ONE = _params(1903, N=1, T=None, D=1, H=2)
SEQ = _params(1904, N=3, T=6, D=4, H=5)
SEQ_ONE_STEP = _params(1905, N=2, T=1, D=3, H=4)
SEQ_LONG = _params(1906, N=2, T=9, D=2, H=3)
SEQ_LARGE = _params(1907, N=32, T=50, D=32, H=64)  # numerical gradients would time out
PRECISE = {"rtol": 1e-10, "atol": 1e-12}  # analytic gradients agree far below gradcheck's
NOT_NUMERICAL = ("：請用解析式 (analytic) 推出的公式算梯度，不要用數值梯度 (numerical gradient) "
                 "代替；數值梯度只拿來檢查。")
T_SEQ = SEQ["x"].shape[1]

CELL_GRADS = (
    "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
    "out = list(rnn_cell_backward(dh, cache))"
)


def _seq_grads(truncate) -> str:
    return (
        "_, cache = rnn_forward(x, h, Wx, Wh, b)\n"
        f"out = list(rnn_backward(dh, cache, truncate={truncate!r}))"
    )


CHECKS = {
    "test_rnn_cell_forward": [
        Check(
            name="hidden_random",
            code="out = rnn_cell_forward(x, h, Wx, Wh, b)[0]",
            inputs=CELL,
            expected=FROM_REFERENCE,
            message="隨機輸入 (N=3, D=4, H=5) 的 h_next 與參考答案不同。",
        ),
        Check(
            name="hidden_one_example",
            code="out = rnn_cell_forward(x, h, Wx, Wh, b)[0]",
            inputs=CELL_ONE,
            expected=FROM_REFERENCE,
            message="N=1、D=1 時 h_next 不對：不要假設 batch 或輸入維度大於 1。",
        ),
        Check(
            name="hidden_saturated",
            code="out = rnn_cell_forward(5 * x, h, 5 * Wx, Wh, b)[0]",
            inputs=CELL,
            expected=FROM_REFERENCE,
            message="輸入很大時（tanh 飽和）h_next 不對：應落在 (-1, 1) 之間。",
        ),
    ],
    "test_rnn_forward": [
        Check(
            name="hidden_random",
            code="out = rnn_forward(x, h, Wx, Wh, b)[0]",
            inputs=SEQ,
            expected=FROM_REFERENCE,
            message="隨機序列 (N=3, T=6, D=4, H=5) 的 h 與參考答案不同。",
        ),
        Check(
            name="hidden_one_step",
            code="out = rnn_forward(x, h, Wx, Wh, b)[0]",
            inputs=SEQ_ONE_STEP,
            expected=FROM_REFERENCE,
            message="T=1 時 h 不對：只有一個 time step 也要回傳 (N, 1, H)。",
        ),
    ],
    "test_rnn_cell_backward": [
        Check(
            name="hidden_random",
            code=CELL_GRADS,
            inputs=CELL,
            expected=FROM_REFERENCE,
            message="隨機輸入 (N=3, D=4, H=5) 的五個梯度與參考答案不同。",
        ),
        Check(
            name="hidden_precise",
            code=CELL_GRADS,
            inputs=CELL,
            expected=FROM_REFERENCE,
            message="五個梯度與參考答案在 1e-10 的精度內不一致" + NOT_NUMERICAL,
            **PRECISE,
        ),
        Check(
            name="hidden_one_example",
            code=CELL_GRADS,
            inputs=CELL_ONE,
            expected=FROM_REFERENCE,
            message="N=1、D=1 時梯度不對：db 要沿 batch 加總成 shape (H,)。",
        ),
    ],
    "test_rnn_backward": [
        Check(
            name="hidden_random",
            code=_seq_grads(None),
            inputs=SEQ,
            expected=FROM_REFERENCE,
            message="隨機序列 (N=3, T=6, D=4, H=5) 的完整 BPTT 梯度與參考答案不同。",
        ),
        Check(
            name="hidden_one_step",
            code=_seq_grads(None),
            inputs=SEQ_ONE_STEP,
            expected=FROM_REFERENCE,
            message="T=1 時梯度不對：只有一個 time step 時 dh0 = da @ Wh.T。",
        ),
        Check(
            name="hidden_long",
            code=_seq_grads(None),
            inputs=SEQ_LONG,
            expected=FROM_REFERENCE,
            message="較長的序列 (T=9) 的完整 BPTT 梯度與參考答案不同。",
        ),
        Check(
            name="hidden_precise",
            code=_seq_grads(None),
            inputs=SEQ,
            expected=FROM_REFERENCE,
            message="完整 BPTT 的梯度與參考答案在 1e-10 的精度內不一致" + NOT_NUMERICAL,
            **PRECISE,
        ),
        Check(
            name="hidden_large",
            code=(
                "_, cache = rnn_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "out = [grads[0], grads[1], grads[3]]"
            ),
            inputs=SEQ_LARGE,
            expected=FROM_REFERENCE,
            message=("N=32, T=50, D=32, H=64 的完整 BPTT 不對或太慢：每個 time step 只需要往回"
                     "走一次（不要用數值梯度）。"),
        ),
        Check(
            name="hidden_cache_reused",
            code=(
                "_, cache = rnn_forward(x, h, Wx, Wh, b)\n"
                "rnn_backward(dh, cache)\n"
                "out = list(rnn_backward(dh, cache))"
            ),
            inputs=SEQ,
            expected=FROM_REFERENCE,
            message="同一個 cache 呼叫兩次 rnn_backward 結果不同：不要修改 cache 裡的陣列。",
        ),
    ],
    "test_rnn_backward_truncated": [
        *[
            Check(
                name=f"hidden_truncate_{label}",
                code=_seq_grads(k),
                inputs=SEQ,
                expected=FROM_REFERENCE,
                message=f"truncate={k!r}（T={T_SEQ}）時的梯度與參考答案不同。",
            )
            for label, k in [
                ("none", None),
                ("0", 0),
                ("1", 1),
                ("2", 2),
                ("T_minus_1", T_SEQ - 1),
                ("T", T_SEQ),
                ("T_plus_3", T_SEQ + 3),
            ]
        ],
        Check(
            name="hidden_long_truncate_3",
            code=_seq_grads(3),
            inputs=SEQ_LONG,
            expected=FROM_REFERENCE,
            message="較長的序列 (T=9)、truncate=3 時的梯度與參考答案不同。",
        ),
        Check(
            name="hidden_one_step_truncate_0",
            code=_seq_grads(0),
            inputs=SEQ_ONE_STEP,
            expected=FROM_REFERENCE,
            message="T=1、truncate=0 時梯度不對：dh0 應為 0，其餘只有這一步的 local 梯度。",
        ),
    ],
}
