"""Public checks of 19-2 (BPTT), from the simplest to the composite.

rnn_cell_backward: its five formulas one at a time at a point where h_next = 0 (so the
tanh derivative is 1 and cannot hide a formula), then the tanh derivative, then gradient
checks against the student's own forward. rnn_backward (full BPTT) calls the student's
rnn_forward and often rnn_cell_backward: its checks run where h = 0 at every step and Wx,
Wh are symmetric (D = H), so the common mistakes of those functions (the tanh derivative,
a missing transpose, a forgotten bias) do not change the result; one integration check
runs everything on general inputs. PRACTICE holds the checks of the ungraded 選讀
exercise rnn_backward_truncated (same inputs, no points).
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.factories import case, unchanged_inputs
from rnnlab.checks.rnn_cell import RNN_CELL_FORWARD_CHECKS

REQUIRES = {
    "test_rnn_forward": ["test_rnn_cell_forward"],
    "test_rnn_cell_backward": ["test_rnn_cell_forward"],
    "test_rnn_backward": ["test_rnn_cell_forward", "test_rnn_forward", "test_rnn_cell_backward"],
}
GRADCHECK_TOL = 1e-7  # the notebook's bar for a relative error
PRECISE = {"rtol": 1e-12, "atol": 1e-14}  # formulas agree to rounding; numerical gradients
# (centred differences, error ~1e-11) do not

# ---------------------------------------------------------------- one time step: N=2, D=2, H=3
X_T = np.array([[0.5, -1.0], [1.5, 0.25]])
H_PREV = np.array([[0.1, -0.3, 0.2], [-0.4, 0.0, 0.6]])
WX = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])  # not square: a missing .T shows
WH = np.array([[0.2, -0.5, 0.1], [0.7, 0.0, -0.3], [-0.1, 0.6, 0.4]])  # not symmetric
B = np.array([0.25, -0.5, 0.1])
DH_NEXT = np.array([[1.0, -0.5, 0.3], [0.2, 0.8, -1.2]])
X_SMALL = 0.4 * X_T
H_CANCEL = np.ascontiguousarray(-np.linalg.solve(WH.T, (X_SMALL @ WX).T).T)  # x_t Wx + h Wh = 0
CELL = {"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT}
CELL_ZERO_A = {**CELL, "x": X_SMALL, "h": H_CANCEL, "b": np.zeros(3)}  # h_next = 0
CELL_X_ONLY = {**CELL, "h": np.zeros((2, 3)), "b": np.zeros(3)}
CELL_ARGS = ("x", "h", "Wx", "Wh", "b")
CELL_GRADS = ("dx_t", "dh_prev", "dWx", "dWh", "db")

# ---------------------------------------------------------------- sequences: N=2, T=4
X_SEQ = np.array([[[-0.49, 1.45], [0.21, -1.54], [1.7, 0.44], [-0.31, -0.13]],
                  [[-0.03, -0.24], [-0.12, 1.17], [1.06, -0.64], [1.41, -0.35]]])
H0 = np.array([[-0.46, -0.31, 0.94], [0.61, -0.3, 0.2]])
DH_SEQ = np.array([
    [[-0.92, -0.39, -0.28], [-2.2, 0.47, -0.69], [-0.89, 2.52, -0.56], [0.01, -0.87, 0.25]],
    [[-2.16, -0.77, -0.19], [0.16, -0.8, 0.57], [0.45, -1.46, -0.04], [-0.13, 0.88, 0.56]]])
SEQ = {"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ}  # general inputs
# D = H = 3, Wx and Wh symmetric, h0 = 0, b = 0: with x = 0 (or Wx = 0) every h_t is 0
WX_SYM = np.array([[0.5, -0.3, 0.2], [-0.3, 0.4, 0.1], [0.2, 0.1, -0.6]])
WH_SYM = np.array([[0.3, 0.5, -0.2], [0.5, -0.1, 0.4], [-0.2, 0.4, 0.2]])
X_SEQ3 = np.concatenate([X_SEQ, X_SEQ[..., :1] - X_SEQ[..., 1:]], axis=2)
ZERO_X = {"x": np.zeros((2, 4, 3)), "h0": np.zeros((2, 3)), "Wx": WX_SYM, "Wh": WH_SYM,
          "b": np.zeros(3), "dh": DH_SEQ}
ZERO_WX = {**ZERO_X, "x": X_SEQ3, "Wx": np.zeros((3, 3))}
EVEN_X, ODD_DH = X_SEQ3.copy(), DH_SEQ.copy()
EVEN_X[:, 1::2] = 0
ODD_DH[:, 0::2] = 0
# Wh = 0: inputs at steps 0, 2 make h_0, h_2 non-zero; gradients only at steps 1, 3 (h = 0)
ALTERNATE = {**ZERO_X, "x": EVEN_X, "Wh": np.zeros((3, 3)), "dh": ODD_DH}


def only_step(dh: np.ndarray, t: int) -> np.ndarray:
    """``dh`` with every time step but ``t`` set to zero."""
    out = np.zeros_like(dh)
    out[:, t] = dh[:, t]
    return out


# fresh forward pass and copies for every call: one call's in-place change cannot spoil
# the next, and a cache is never used twice
SEQ_PRELUDE = (
    "import numpy as np\n"
    "def _grads(dh_):\n"
    "    _, c = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())\n"
    "    return rnn_backward(dh_.copy(), c)\n"
)
TRUNCATED_PRELUDE = (
    "import numpy as np\n"
    "def _grads(dh_, k):\n"
    "    _, c = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())\n"
    "    return rnn_backward_truncated(dh_.copy(), c, k)\n"
)
CELL_CALL = ("rnn_cell_backward(dh.copy(), rnn_cell_forward(x.copy(), h.copy(), Wx.copy(), "
             "Wh.copy(), b.copy())[1])")


def cell(name: str, out: str, inputs: dict, message: str, **options) -> Check:
    """A pinned check of ``out``, an expression of ``g`` (rnn_cell_backward's return)."""
    return case(name, f"import numpy as np\ng = {CELL_CALL}\nout = {out}", inputs, message,
                **options)


def seq(name: str, out: str, inputs: dict, message: str, **options) -> Check:
    """A pinned check of ``out``, an expression that may call ``_grads(dh)`` (rnn_backward
    on a fresh forward pass)."""
    return case(name, f"{SEQ_PRELUDE}out = {out}", inputs, message, **options)


def truncated(name: str, out: str, inputs: dict, message: str, **options) -> Check:
    """A pinned check of ``out``, an expression that may call ``_grads(dh, k)``
    (rnn_backward_truncated on a fresh forward pass)."""
    return case(name, f"{TRUNCATED_PRELUDE}out = {out}", inputs, message, **options)


def gradient_check(output: int, wrt: str, inputs: dict, *, forward: str = "rnn_cell_forward",
                   backward: str = "rnn_cell_backward", args: tuple = CELL_ARGS,
                   names: tuple = CELL_GRADS, weight: float = 0.2) -> Check:
    """Output ``output`` of the student's ``backward`` against the numerical gradient of
    the student's ``forward`` with respect to its argument ``wrt``. Every call gets fresh
    copies, so an in-place change is reported once, by the check made for it."""
    copies = ", ".join(f"{a}.copy()" for a in args)
    perturbed = ", ".join("v" if a == wrt else f"{a}.copy()" for a in args)
    code = ("from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
            f"_grad = {backward}(dh.copy(), {forward}({copies})[1])[{output}]\n"
            f"_num = numerical_gradient_array(lambda v: {forward}({perturbed})[0], {wrt}, dh)\n"
            f"out = {{{names[output]!r}: float(f'{{rel_error(_grad, _num):.3g}}')}}")
    return Check(
        name=f"gradcheck_{names[output]}", code=code, inputs=dict(inputs),
        expected={names[output]: 0.0}, rtol=0.0, atol=GRADCHECK_TOL, weight=weight,
        message=(f"梯度檢查 (gradient check) 沒過：{backward} 的梯度和用你自己的 {forward} "
                 f"算出的數值梯度不一致（細節是相對誤差，應 < {GRADCHECK_TOL:g}）。若上面"
                 "有單項檢查沒過，先修正它；都過了的話，檢查 forward 與 backward 用的是同一"
                 "個公式。"))


def returns_five(call: str, inputs: dict, function: str, names: str) -> Check:
    """``call`` (which sets ``g``) returns five values: the first check of a backward."""
    return Check(
        name="returns_five", inputs=dict(inputs), expected="5 個值", compare="equal",
        weight=0.5,
        code=(f"{call}\nout = f'{{len(g)}} 個值' if isinstance(g, (tuple, list)) "
              "else type(g).__name__"),
        message=f"{function} 應回傳 5 個梯度：`return {names}`（是不是漏了 return？）。")


CHECKS = {
    "test_rnn_cell_forward": RNN_CELL_FORWARD_CHECKS,
    "test_rnn_forward": [
        Check(name="shape", code="import numpy as np\nout = list(np.shape(rnn_forward(x, h0, "
              "Wx, Wh, b)[0]))", inputs={**SEQ, "b": np.zeros(3)}, expected=[2, 4, 3],
              compare="equal", weight=0.5,
              message="h 的 shape 應為 (N, T, H)（batch-first：第 1 軸是 time step）。"),
        case("only_h0", "out = rnn_forward(0 * x, h0, Wx, Wh, 0 * b)[0]", SEQ,
             "只有 h0 非零時結果不對：第一個 time step 要用 h0 當 h_prev。"),
        case("every_step_reads_x", "out = rnn_forward(x, 0 * h0, Wx, 0 * Wh, 0 * b)[0]", SEQ,
             "Wh = 0 時結果不對：第 t 步要讀自己的輸入 x[:, t]（第 1 軸是 time step）。"),
        case("carries_the_state",
             "x[:, 1:] = 0\nout = rnn_forward(x, 0 * h0, Wx, Wh, 0 * b)[0]", SEQ,
             "只有 x[:, 0] 非零時後面的 time step 不對：每一步要把上一步算出的 h 當 h_prev，"
             "並存到 h[:, t]。"),
        unchanged_inputs("rnn_forward", ["x", "h0", "Wx", "Wh", "b"], SEQ, weight=0.5),
        case("all_steps", "out = rnn_forward(x, h0, Wx, Wh, b)[0]", SEQ, integration=True,
             message="三項都非零時 h 不對：h[:, t] = tanh(x[:, t] @ Wx + h[:, t-1] @ Wh + b)，"
                     "h[:, -1] 就是 h0。"),
    ],
    "test_rnn_cell_backward": [
        returns_five(f"g = {CELL_CALL}", CELL, "rnn_cell_backward",
                     "dx_t, dh_prev, dWx, dWh, db"),
        cell("shapes", "[list(np.shape(a)) for a in g]", CELL,
             "梯度的 shape 要和對應的變數一樣：dx_t 和 x_t、dh_prev 和 h_prev、dWx 和 Wx、"
             "dWh 和 Wh、db 和 b。", expected=[[2, 2], [2, 3], [2, 3], [3, 3], [3]],
             compare="equal", weight=0.5),
        cell("db", "g[4]", CELL_ZERO_A,
             "db 不對：db = da.sum(axis=0)（沿 batch 加總，shape (H,)）。"),
        cell("dx_t", "g[0]", CELL_ZERO_A, "dx_t 不對：dx_t = da @ Wx.T（Wx 要轉置）。"),
        cell("dh_prev", "g[1]", CELL_ZERO_A, "dh_prev 不對：dh_prev = da @ Wh.T（Wh 要轉置）。"),
        cell("dWx", "g[2]", CELL_ZERO_A, "dWx 不對：dWx = x_t.T @ da（batch 的每一筆加起來）。"),
        cell("dWh", "g[3]", CELL_ZERO_A,
             "dWh 不對：dWh = h_prev.T @ da（用上一步的 h_prev，不是 h_next）。"),
        cell("tanh_derivative", "g[4]", CELL_X_ONLY, weight=1.5,
             message="h_next 不是 0 時 db 不對：上游梯度要先乘上 tanh 的導數，da = dh_next * "
                     "(1 - h_next**2)（h_next 已經是 tanh 的輸出，不要再取一次 tanh）。"),
        *[gradient_check(i, a, CELL) for i, a in enumerate(CELL_ARGS)],
        unchanged_inputs("rnn_cell_backward", ["dh"], CELL,
                         call=CELL_CALL.replace("dh.copy()", "dh") + "[0]",
                         message="rnn_cell_backward 修改了 dh_next：不要寫 dh_next *= ...，"
                                 "乘上 tanh 導數 (1 - h_next**2) 的結果請存到新的陣列 da。"),
        cell("analytic", "list(g)", CELL_ZERO_A, **PRECISE, weight=0.5,
             message="五個梯度與參考值在 1e-12 的精度內不一致：可能是用數值梯度代替了公式"
                     "（數值梯度只拿來檢查）。"),
    ],
    "test_rnn_backward": [
        returns_five(f"{SEQ_PRELUDE}g = _grads(dh)", ZERO_X, "rnn_backward",
                     "dx, dh0, dWx, dWh, db"),
        seq("shapes", "[list(np.shape(a)) for a in _grads(dh)]", ZERO_X,
            "梯度的 shape 不對：dx 是 (N, T, D)、dh0 是 (N, H)、dWx 是 (D, H)、dWh 是 (H, H)、"
            "db 是 (H,)。", expected=[[2, 4, 3], [2, 3], [3, 3], [3, 3], [3]],
            compare="equal", weight=0.5),
        seq("every_step_upstream", "_grads(dh)[0]", {**ZERO_X, "Wh": np.zeros((3, 3))},
            "Wh = 0（沒有梯度從未來傳回來）時 dx 不對：每個 time step 都要用自己的上游梯度 "
            "dh[:, t]，不是只用最後一步的。"),
        seq("future_gradient", "_grads(dh)[0]", {**ZERO_X, "dh": only_step(DH_SEQ, 3)},
            "只有最後一步有 dh 時，前面的 dx 不對：每一步算出的 dh_prev 要往前傳，成為前一步"
            "的梯度（從未來傳回來的梯度）。"),
        seq("sum_of_both", "_grads(dh)[0]", ZERO_X,
            "每一步都有 dh 時 dx 不對：流到 h_t 的梯度是 dh[:, t] 加上從未來傳回來的梯度，"
            "兩者相加後再穿過這一步的 cell。"),
        seq("dh0", "_grads(dh)[1]", ZERO_X,
            "dh0 不對：走完 t = 0 這一步之後，要傳給「上一步」的梯度就是 dh0。"),
        seq("dWx_db_accumulated", "[_grads(dh)[i] for i in (2, 4)]", ZERO_WX,
            "dWx 或 db 不對：參數在每個 time step 都用到，每一步的 x_t.T @ da 與 "
            "da.sum(axis=0) 都要累加（+=），不能只留下一步的。"),
        seq("dWh_accumulated", "_grads(dh)[3]", ALTERNATE,
            "dWh 不對：每一步的 h_prev.T @ da 都要累加（dWh += ...），h_prev 在 t = 0 時是 "
            "h0、之後是 h[:, t-1]。"),
        unchanged_inputs("rnn_backward", ["dh"], ZERO_X, weight=0.5,
                         call="rnn_backward(dh, rnn_forward(x, h0, Wx, Wh, b)[1])[0]",
                         message="rnn_backward 修改了 dh：不要對 dh 做原地運算（例如 "
                                 "dh[:, t-1] += ...），請把從未來傳回來的梯度存在另一個變數。"),
        Check(name="cache_reusable", inputs=ZERO_X, expected="結果相同", compare="equal",
              code=("import numpy as np\n"
                    "_, c = rnn_forward(x, h0, Wx, Wh, b)\n"
                    "first = rnn_backward(dh.copy(), c)\n"
                    "try:\n"
                    "    again = rnn_backward(dh.copy(), c)\n"
                    "    same = all(np.array_equal(p, q) for p, q in zip(first, again))\n"
                    "    out = '結果相同' if same else '第二次的結果不同'\n"
                    "except Exception as exc:\n"
                    "    out = f'第二次呼叫時發生 {type(exc).__name__}: {exc}'"),
              message="用同一個 cache 呼叫兩次 rnn_backward 不行：rnn_backward 可能被同一個 "
                      "cache 呼叫好幾次（筆記本就這麼做），不可以修改或消耗 cache（例如 "
                      "cache.pop()、改寫 cache 裡的陣列）。"),
        seq("all_together", "list(_grads(dh))", SEQ, integration=True, weight=1.5,
            message="一般的輸入（h 不是 0、有 bias）時梯度不對：若上面的檢查都過了，檢查 "
                    "rnn_cell_backward 的 tanh 導數與轉置，以及 forward 存進 cache 的值。"),
    ],
}

# the ungraded 選讀 exercise: the same kind of checks, shown without points
PRACTICE = {
    "practice_rnn_backward_truncated": [
        truncated("k0_local_only", "_grads(dh, 0)[0]", ZERO_X,
                  "k=0 時 dx 不對：每個 dh[:, t] 只穿過自己這一步的 cell（只加到 dx[:, t]），"
                  "不往前傳。"),
        truncated("window_reach", "[[bool(np.abs(d[:, s]).sum() > 0) for s in range(4)]\n"
                  "       for d in (_grads(dh, 1)[0], _grads(dh, 2)[0])]",
                  {**ZERO_X, "dh": only_step(DH_SEQ, 3)},
                  "只有 dh[:, 3] 時，k=1 應只有 time step 2、3 的 dx 不為 0，k=2 應只"
                  "有 1、2、3（cells t-k … t）：檢查視窗是否差一 (off by one)。",
                  expected=[[False, False, True, True], [False, True, True, True]],
                  compare="equal"),
        truncated("dh0_only_from_t_below_k",
                  "[_grads(dh1, 2)[1], _grads(dh2, 2)[1], _grads(dh, 0)[1]]",
                  {**ZERO_X, "dh1": only_step(DH_SEQ, 1), "dh2": only_step(DH_SEQ, 2)},
                  "dh0 不對：只有 t < k 的 dh[:, t] 會傳到 h0（h0 算是 h[:, -1]）。"
                  "k = 2 時 t = 1 要傳到；t = 2 停在 h[:, 0]（cell 0 照樣算 dx 與參數梯度），"
                  "dh0 是 0；k = 0 時 dh0 全是 0。"),
        truncated("origins_kept_apart", "_grads(dh, 1)[0]", ZERO_X,
                  "k=1、每一步都有 dh 時 dx 不對：每個出發點 t 各自往回 k 步就停，不能像完整 "
                  "BPTT 那樣先把梯度加起來再往回傳。"),
        truncated("window_parameter_gradients", "[_grads(dh, 1)[i] for i in (2, 4)]", ZERO_WX,
                  "k=1 時 dWx 或 db 不對：視窗裡的每個 cell（t-k … t）都要累加它帶來的參數"
                  "梯度。"),
        truncated("large_k", "[_grads(dh, k)[1] for k in (3, 4, 7)]", ZERO_X,
                  "k=3、4、7（T = 4）時 dh0 不對：k >= T 時和完整 BPTT 一樣；k = T-1 時 dh0 只少了"
                  "最後一步 (t = T-1) 的梯度。"),
        Check(name="unchanged_and_reusable", inputs=ZERO_X, compare="equal", weight=0.5,
              expected={"dh 沒有被修改": True, "同一個 cache 第二次的結果相同": True},
              code=("import numpy as np\n"
                    "_, c = rnn_forward(x, h0, Wx, Wh, b)\n"
                    "_before = dh.copy()\n"
                    "first = rnn_backward_truncated(dh, c, 1)\n"
                    "out = {'dh 沒有被修改': bool(np.array_equal(dh, _before))}\n"
                    "try:\n"
                    "    again = rnn_backward_truncated(_before.copy(), c, 1)\n"
                    "    same = all(np.array_equal(p, q) for p, q in zip(first, again))\n"
                    "except Exception:\n"
                    "    same = False\n"
                    "out['同一個 cache 第二次的結果相同'] = same"),
              message="k=1 時 rnn_backward_truncated 修改了 dh，或用同一個 cache 第二次呼叫的結果"
                      "不同（或出錯）：不要對輸入做原地運算，也不要消耗 cache。"),
        truncated("all_together", "list(_grads(dh, 2))", SEQ, integration=True, weight=1.5,
                  message="一般的輸入、k=2 時梯度不對：若上面的檢查都過了，檢查 "
                          "rnn_cell_backward 的 tanh 導數與轉置，以及 forward 存進 cache 的值。"),
    ],
}
