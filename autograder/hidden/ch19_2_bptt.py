"""Hidden checks of 19-2 (BPTT): each public rule again on seeded random inputs of other
sizes (N = 1, T = 1, longer sequences). The sequence tests keep the public checks' shape of
input (h = 0 at every step, symmetric Wx and Wh) so that a mistake of rnn_cell_backward or
the forward pass costs only the integration check. The ungraded 選讀 exercise
(rnn_backward_truncated) has no hidden checks.
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.ch19_2_bptt import CELL_CALL, PRECISE, SEQ_PRELUDE


def _symmetric(rng: np.random.Generator, H: int, scale: float) -> np.ndarray:
    a = rng.normal(size=(H, H))
    return scale * (a + a.T) / np.sqrt(2 * H)


def _general(seed: int, N: int, T: int | None, D: int, H: int) -> dict:
    """Random inputs, x (N, D) or (N, T, D), a state h / h0, weights, upstream dh."""
    rng = np.random.default_rng(seed)
    step = T is None
    return {
        "x": rng.normal(size=(N, D) if step else (N, T, D)),
        "h" if step else "h0": 0.5 * rng.normal(size=(N, H)),
        "Wx": rng.normal(size=(D, H)) / np.sqrt(D),
        "Wh": 0.9 * rng.normal(size=(H, H)) / np.sqrt(H),
        "b": 0.3 * rng.normal(size=H),
        "dh": rng.normal(size=(N, H) if step else (N, T, H)),
    }


def _zero_state(seed: int, N: int, T: int, H: int, inputs: str = "zero_x") -> dict:
    """Sequences on which h = 0 at every step: h0 = 0, b = 0, symmetric Wx (D = H) and Wh,
    and x = 0 (``zero_x``), Wx = 0 (``zero_wx``), or x only at even steps, Wh = 0 and
    dh only at odd steps (``alternate``)."""
    rng = np.random.default_rng(seed)
    p = {"x": rng.normal(size=(N, T, H)), "h0": np.zeros((N, H)),
         "Wx": _symmetric(rng, H, 1.0), "Wh": _symmetric(rng, H, 0.9), "b": np.zeros(H),
         "dh": rng.normal(size=(N, T, H))}
    if inputs == "zero_x":
        p["x"] = np.zeros_like(p["x"])
    elif inputs == "zero_wx":
        p["Wx"] = np.zeros_like(p["Wx"])
    else:
        p["x"][:, 1::2] = 0
        p["dh"][:, 0::2] = 0
        p["Wh"] = np.zeros_like(p["Wh"])
    return p


def _hidden(name: str, code: str, inputs: dict, retests: str, message: str,
            weight: float = 0.5, **options) -> Check:
    return Check(name=name, code=code, inputs=inputs, expected=FROM_REFERENCE,
                 retests=retests, message=message, weight=weight, **options)


def _seq(name: str, out: str, inputs: dict, retests: str, message: str,
         weight: float = 0.5) -> Check:
    return _hidden(name, f"{SEQ_PRELUDE}out = {out}", inputs, retests, message, weight)


FORWARD = "out = rnn_forward(x, h0, Wx, Wh, 0 * b)[0]"
CELL_FORWARD = "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]"
CELL_GRADS = f"out = list({CELL_CALL})"
T_LONG = 6

CHECKS = {
    "test_rnn_cell_forward": [
        _hidden("random", CELL_FORWARD, _general(1902, 3, None, 4, 5), "all_terms",
                "隨機輸入 (N=3, D=4, H=5) 的 h_next 不對。"),
        _hidden("one_example", CELL_FORWARD, _general(1903, 1, None, 1, 2), "batch_of_one",
                "N=1、D=1 時 h_next 不對：不要假設 batch 或輸入維度大於 1。"),
        _hidden("saturated", "out = rnn_cell_forward(5 * x, h, 5 * Wx, Wh, b)[0]",
                _general(1902, 3, None, 4, 5), "tanh_applied",
                "輸入很大時（tanh 飽和）h_next 不對：應落在 (-1, 1) 之間。"),
    ],
    "test_rnn_forward": [
        _hidden("random", FORWARD, _general(1904, 3, T_LONG, 4, 5), "carries_the_state",
                "隨機序列 (N=3, T=6, D=4, H=5) 的 h 不對：每一步讀 x[:, t]、用上一步的 h。"),
        _hidden("one_step", FORWARD, _general(1905, 2, 1, 3, 4), "only_h0",
                "T=1 時 h 不對：只有一個 time step 也要用 h0，並回傳 (N, 1, H)。"),
    ],
    "test_rnn_cell_backward": [
        _hidden("random", CELL_GRADS, _general(1902, 3, None, 4, 5), "analytic",
                "隨機輸入 (N=3, D=4, H=5) 的五個梯度不對。", **PRECISE),
        _hidden("one_example", CELL_GRADS, _general(1903, 1, None, 1, 2), "db",
                "N=1、D=1 時梯度不對：db 要沿 batch 加總成 shape (H,)，不要用 squeeze。"),
    ],
    "test_rnn_backward": [
        _seq("random_sum_of_both", "_grads(dh)[0]", _zero_state(1906, 3, T_LONG, 5),
             "sum_of_both", "隨機序列 (N=3, T=6, H=5) 的 dx 不對。"),
        _seq("random_dh0", "_grads(dh)[1]", _zero_state(1906, 3, T_LONG, 5), "dh0",
             "隨機序列 (N=3, T=6, H=5) 的 dh0 不對。"),
        _seq("random_dWx_db", "[_grads(dh)[i] for i in (2, 4)]",
             _zero_state(1907, 3, T_LONG, 5, "zero_wx"), "dWx_db_accumulated",
             "隨機序列 (N=3, T=6, H=5) 的 dWx 或 db 不對。"),
        _seq("random_dWh", "_grads(dh)[3]", _zero_state(1908, 3, T_LONG, 5, "alternate"),
             "dWh_accumulated", "隨機序列 (N=3, T=6, H=5) 的 dWh 不對。"),
        _seq("one_step", "list(_grads(dh))", _zero_state(1909, 2, 1, 4, "zero_wx"), "dh0",
             "T=1 時梯度不對：只有一個 time step 時 dh0 = da @ Wh.T。"),
        _seq("large", "[_grads(dh)[i] for i in (1, 2, 4)]",
             _zero_state(1910, 32, 50, 32, "zero_wx"), "dWx_db_accumulated",
             "N=32、T=50、H=32 時梯度不對或太慢：每個 time step 只需往回走一次。"),
    ],
}
