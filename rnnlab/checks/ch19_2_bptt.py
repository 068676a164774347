"""Public checks of 19-2 (BPTT): shapes, one term at a time, the tanh derivative, accumulation
over time, the truncation window, and asserted gradient checks of the student's own
forward (``rnnlab.gradcheck``). Expected values are literals from the reference.
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.rnn_cell import RNN_CELL_FORWARD_CHECKS

# one time step: N=2, D=2, H=3 (Wx not square, Wh not symmetric: transposes show)
X_T = np.array([[0.5, -1.0], [1.5, 0.25]])
H_PREV = np.array([[0.1, -0.3, 0.2], [-0.4, 0.0, 0.6]])
WX = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])
WH = np.array([[0.2, -0.5, 0.1], [0.7, 0.0, -0.3], [-0.1, 0.6, 0.4]])
B = np.array([0.25, -0.5, 0.1])
DH_NEXT = np.array([[1.0, -0.5, 0.3], [0.2, 0.8, -1.2]])
X0, H_ZERO, B0 = np.zeros((2, 2)), np.zeros((2, 3)), np.zeros(3)
# a sequence: N=2, T=4, D=2, H=3
X_SEQ = np.array(
    [
        [[-0.49, 1.45], [0.21, -1.54], [1.7, 0.44], [-0.31, -0.13]],
        [[-0.03, -0.24], [-0.12, 1.17], [1.06, -0.64], [1.41, -0.35]],
    ]
)
H0 = np.array([[-0.46, -0.31, 0.94], [0.61, -0.3, 0.2]])
DH_SEQ = np.array(
    [
        [[-0.92, -0.39, -0.28], [-2.2, 0.47, -0.69], [-0.89, 2.52, -0.56], [0.01, -0.87, 0.25]],
        [[-2.16, -0.77, -0.19], [0.16, -0.8, 0.57], [0.45, -1.46, -0.04], [-0.13, 0.88, 0.56]],
    ]
)


def _only_step(t: int) -> np.ndarray:
    """DH_SEQ with every time step but ``t`` set to zero."""
    dh = np.zeros_like(DH_SEQ)
    dh[:, t] = DH_SEQ[:, t]
    return dh


DH_FIRST, DH_STEP1, DH_STEP2, DH_LAST = (
    _only_step(0),
    _only_step(1),
    _only_step(2),
    _only_step(3),
)

CHECKS = {
    "test_rnn_cell_forward": RNN_CELL_FORWARD_CHECKS,
    "test_rnn_forward": [
        Check(
            name="shape",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0].shape",
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B},
            expected=(2, 4, 3),
            message="h 的 shape 應為 (N, T, H)（batch-first：第 1 軸是 time step）。",
            compare="equal",
        ),
        Check(
            name="only_h0",
            code=("import numpy as np\nout = rnn_forward(np.zeros_like(x), h0, Wx, Wh, 0 * b)[0]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B},
            expected=np.array(
                [
                    [
                        [-0.38251294837, 0.660669061981, 0.399454757184],
                        [0.332841409512, 0.406097669455, -0.0765202328388],
                        [0.343882122923, -0.209198334863, -0.118592544391],
                        [-0.0657083424958, -0.2384184656, 0.0496697878487],
                    ],
                    [
                        [-0.107582045898, -0.182917956866, 0.226977048714],
                        [-0.170572911237, 0.187724259782, 0.134095467273],
                        [0.0836866624766, 0.164242515215, -0.0197338199451],
                        [0.132889815495, -0.0536321117457, -0.0487589207369],
                    ],
                ]
            ),
            message=(
                "只有 h0 非零時結果不對：第一個 time step 要用 h0 當 h_prev，之後用上一步的 h。"
            ),
        ),
        Check(
            name="first_step",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0][:, 0]",
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B},
            expected=np.array(
                [
                    [-0.153770522264, 0.749581855502, -0.531332504092],
                    [0.108570365347, -0.649827463672, 0.430084211402],
                ]
            ),
            message="第一個 time step 不對：h[:, 0] = tanh(x[:, 0] @ Wx + h0 @ Wh + b)。",
        ),
        Check(
            name="all_steps",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B},
            expected=np.array(
                [
                    [
                        [-0.153770522264, 0.749581855502, -0.531332504092],
                        [0.608216878339, -0.885333109846, 0.589053493384],
                        [0.242101117964, -0.547410518296, 0.847733961345],
                        [-0.268772742571, -0.102053657053, 0.500914971706],
                    ],
                    [
                        [0.108570365347, -0.649827463672, 0.430084211402],
                        [-0.144162235439, 0.193302253962, -0.276751827396],
                        [0.563641535877, -0.786416667388, 0.680954875046],
                        [0.131377368643, -0.661371662318, 0.918550513435],
                    ],
                ]
            ),
            message=(
                "後面的 time step 不對：每一步要把上一步算出的 h 當成 h_prev，並存到 h[:, t]。"
            ),
        ),
        Check(
            name="inputs_not_modified",
            code=(
                "import numpy as np\n"
                "before = [a.copy() for a in (x, h0, Wx, Wh, b)]\n"
                "rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = all(np.array_equal(a, c) for a, c in zip((x, h0, Wx, Wh, b), before))"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B},
            expected=True,
            message="rnn_forward 修改了傳進來的陣列：不要對輸入做原地運算。",
            compare="equal",
        ),
    ],
    "test_rnn_cell_backward": [
        Check(
            name="returns_five",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = len(grads)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=5,
            message="rnn_cell_backward 要回傳五個梯度：(dx_t, dh_prev, dWx, dWh, db)。",
            compare="equal",
        ),
        Check(
            name="shapes",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = [g.shape for g in grads]"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=[(2, 2), (2, 3), (2, 3), (3, 3), (3,)],
            message=(
                "梯度的 shape 不對：dx_t、dh_prev、dWx、dWh、db 的 shape 要分別和 x_t、h_pre"
                "v、Wx、Wh、b 一樣。"
            ),
            compare="equal",
        ),
        Check(
            name="db_sums_over_batch",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = grads[4]"
            ),
            inputs={"x": X0, "h": H_ZERO, "Wx": WX, "Wh": WH, "b": B0, "dh": DH_NEXT},
            expected=np.array([1.2, 0.3, -0.9]),
            message=(
                "h_next = 0 時（tanh 的導數是 1）db 不對：db 要把 da 沿 batch 方向加總（axis"
                "=0），shape (H,)。"
            ),
        ),
        Check(
            name="tanh_derivative",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, 4 * b)\n"
                "out = rnn_cell_backward(dh, cache)[4]"
            ),
            inputs={"x": X0, "h": H_ZERO, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=np.array([0.503969209937, 0.0211952474559, -0.770074907473]),
            message=(
                "只有 b 非零時 db 不對：上游梯度要先乘上 tanh 的導數 1 - h_next**2（h_next "
                "已經是 tanh 的輸出，不要再取一次 tanh）。"
            ),
        ),
        Check(
            name="dx_t",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = grads[0]"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=np.array(
                [[0.395543481397, -0.0556567539603], [-0.405673815072, 0.678849929184]]
            ),
            message=("dx_t 不對：上游梯度先逐元素乘上 tanh 的導數，"
                     "再乘上 Wx 的轉置（(N,H) 乘 (H,D)）。"),
        ),
        Check(
            name="dh_prev",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = grads[1]"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=np.array(
                [
                    [0.325214280457, 0.663558179969, -0.197994390924],
                    [-0.421770647603, 0.276512882404, 0.222532870246],
                ]
            ),
            message="dh_prev 不對：dh_prev = da @ Wh.T（Wh 要轉置）。",
        ),
        Check(
            name="dWx",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = grads[2]"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=np.array(
                [
                    [0.712877410876, 1.06022580938, -0.825114086592],
                    [-0.955792599938, 0.429246937682, -0.248749535295],
                ]
            ),
            message="dWx 不對：dWx = x_t.T @ da（把 batch 的每一筆加起來）。",
        ),
        Check(
            name="dWh",
            code=(
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "out = grads[3]"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=np.array(
                [
                    [0.0413528497843, -0.337120681051, 0.243987766046],
                    [-0.297583062023, 0.0699348838481, -0.0308022980853],
                    [0.285150964351, 0.424090323754, -0.330045634637],
                ]
            ),
            message="dWh 不對：dWh = h_prev.T @ da（用的是上一步的 h_prev，不是 h_next）。",
        ),
        Check(
            name="gradcheck_dx_t",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_cell_forward(v, h, Wx, Wh, b)["
                "0], x, dh)\n"
                "out = rel_error(grads[0], num)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dx_t 和對你自己的 rnn_cell_forward 算"
                "出的數值梯度相對誤差太大（應 < 1e-7）。檢查 da @ Wx.T。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dh_prev",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_cell_forward(x, v, Wx, Wh, b)["
                "0], h, dh)\n"
                "out = rel_error(grads[1], num)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dh_prev 和對你自己的 rnn_cell_forward "
                "算出的數值梯度相對誤差太大（應 < 1e-7）。檢查 da @ Wh.T。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dWx",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_cell_forward(x, h, v, Wh, b)[0"
                "], Wx, dh)\n"
                "out = rel_error(grads[2], num)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dWx 和對你自己的 rnn_cell_forward 算出"
                "的數值梯度相對誤差太大（應 < 1e-7）。檢查 x_t.T @ da。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dWh",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_cell_forward(x, h, Wx, v, b)[0"
                "], Wh, dh)\n"
                "out = rel_error(grads[3], num)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dWh 和對你自己的 rnn_cell_forward 算出"
                "的數值梯度相對誤差太大（應 < 1e-7）。檢查 h_prev.T @ da。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_db",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "grads = rnn_cell_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_cell_forward(x, h, Wx, Wh, v)["
                "0], b, dh)\n"
                "out = rel_error(grads[4], num)"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 db 和對你自己的 rnn_cell_forward 算出"
                "的數值梯度相對誤差太大（應 < 1e-7）。檢查 da.sum(axis=0)。"
            ),
            compare="at_most",
        ),
        Check(
            name="inputs_not_modified",
            code=(
                "import numpy as np\n"
                "_, cache = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                "before = dh.copy()\n"
                "rnn_cell_backward(dh, cache)\n"
                "out = bool(np.array_equal(dh, before))"
            ),
            inputs={"x": X_T, "h": H_PREV, "Wx": WX, "Wh": WH, "b": B, "dh": DH_NEXT},
            expected=True,
            message=(
                "rnn_cell_backward 修改了 dh_next：不要對輸入做原地運算（例如 dh_next *= ...）。"
            ),
            compare="equal",
        ),
    ],
    "test_rnn_backward": [
        Check(
            name="shapes",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = [g.shape for g in rnn_backward(dh, cache)]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[(2, 4, 2), (2, 3), (2, 3), (3, 3), (3,)],
            message=(
                "rnn_backward 要回傳 (dx, dh0, dWx, dWh, db)，shape 分別是 (N, T, D)、(N, H)"
                "、(D, H)、(H, H)、(H,)。"
            ),
            compare="equal",
        ),
        Check(
            name="first_step_upstream",
            code=("_, cache = rnn_forward(x, h0, Wx, Wh, b)\nout = rnn_backward(dh, cache)[0]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_FIRST},
            expected=np.array(
                [
                    [[-0.335775975454, -0.0376012347971], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
                    [[-0.628819766364, -0.298479826037], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
                ]
            ),
            message=(
                "只有第一個 time step 有 dh 時 dx 不對：每個 time step 都要把自己的上游梯度 "
                "dh[:, t] 加進來，不是只用最後一步的。"
            ),
        ),
        Check(
            name="future_gradient_added",
            code=("_, cache = rnn_forward(x, h0, Wx, Wh, b)\nout = rnn_backward(dh, cache)[0]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_LAST},
            expected=np.array(
                [
                    [
                        [-0.0119198583568, 0.00416097487051],
                        [-0.0344228595764, 0.0789279338664],
                        [0.072084270491, 0.103253945293],
                        [0.268606606417, -0.455810465232],
                    ],
                    [
                        [-0.0033627357245, 0.0455542081538],
                        [0.0665603759908, -0.10584051251],
                        [0.0471844226685, -0.146649313035],
                        [-0.0935880765719, 0.132750164082],
                    ],
                ]
            ),
            message=(
                "只有最後一個 time step 有 dh 時，前面 time step 的 dx 不對：從未來傳回來的"
                "梯度 dh_prev 要加到 dh[:, t] 上（dh_t = dh[:, t] + dh_prev）再穿過這一步的 "
                "cell。"
            ),
        ),
        Check(
            name="dx",
            code=("_, cache = rnn_forward(x, h0, Wx, Wh, b)\nout = rnn_backward(dh, cache)[0]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=np.array(
                [
                    [
                        [-0.218548359524, -0.46477811732],
                        [-0.521495044819, -0.285503361471],
                        [-0.611015497253, 0.819947592158],
                        [0.268606606417, -0.455810465232],
                    ],
                    [
                        [-0.674955694584, 0.00407890977904],
                        [0.41491286828, -0.388760148625],
                        [0.239982280049, -0.325898746132],
                        [-0.0935880765719, 0.132750164082],
                    ],
                ]
            ),
            message=(
                "每個 time step 都有 dh 時 dx 不對：從最後一個 time step 往回走（t = T-1 … 0"
                "），每一步用 dh[:, t] + 未來傳回來的梯度。"
            ),
        ),
        Check(
            name="dh0",
            code=("_, cache = rnn_forward(x, h0, Wx, Wh, b)\nout = rnn_backward(dh, cache)[1]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=np.array(
                [
                    [0.146197137138, -0.915316672927, -0.347362377431],
                    [-0.233814966726, -1.01402754331, -0.197151638484],
                ]
            ),
            message="dh0 不對：dh0 是走完第一個 time step（t = 0）後要再往前傳的 dh_prev。",
        ),
        Check(
            name="dWh_accumulated",
            code=("_, cache = rnn_forward(x, h0, Wx, Wh, b)\nout = rnn_backward(dh, cache)[3]"),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=np.array(
                [
                    [-0.388115444095, 1.31745994892, -0.399945572066],
                    [-0.435508375003, -0.710361786709, 0.224388724916],
                    [-0.634603406098, -0.36990100659, -0.0616993935396],
                ]
            ),
            message=(
                "dWh 不對：Wh 在每個 time step 都用到，dWh 要把每一步的貢獻累加（dWh += ..."
                "），不能只留下最後算的那一步。"
            ),
        ),
        Check(
            name="dWx_db_accumulated",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "out = [grads[2], grads[4]]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[
                np.array(
                    [
                        [-0.544204259541, 3.77337119758, -0.227205967312],
                        [1.950012255, -0.963041934825, -0.137131806449],
                    ]
                ),
                np.array([-4.86533386386, -1.00776060618, 0.123894239835]),
            ],
            message=(
                "dWx 或 db 不對：它們也要跨 time step 累加（每一步的 x_t.T @ da 與 da.sum(ax"
                "is=0)）。"
            ),
        ),
        Check(
            name="gradcheck_dx",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_forward(v, h0, Wx, Wh, b)[0], "
                "x, dh)\n"
                "out = rel_error(grads[0], num)"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dx 和對你自己的 rnn_forward 算出的數值"
                "梯度相對誤差太大（應 < 1e-7）。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dh0",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_forward(x, v, Wx, Wh, b)[0], h"
                "0, dh)\n"
                "out = rel_error(grads[1], num)"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dh0 和對你自己的 rnn_forward 算出的數"
                "值梯度相對誤差太大（應 < 1e-7）。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dWx",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_forward(x, h0, v, Wh, b)[0], W"
                "x, dh)\n"
                "out = rel_error(grads[2], num)"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dWx 和對你自己的 rnn_forward 算出的數"
                "值梯度相對誤差太大（應 < 1e-7）。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_dWh",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_forward(x, h0, Wx, v, b)[0], W"
                "h, dh)\n"
                "out = rel_error(grads[3], num)"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 dWh 和對你自己的 rnn_forward 算出的數"
                "值梯度相對誤差太大（應 < 1e-7）。"
            ),
            compare="at_most",
        ),
        Check(
            name="gradcheck_db",
            code=(
                "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache)\n"
                "num = numerical_gradient_array(lambda v: rnn_forward(x, h0, Wx, Wh, v)[0], "
                "b, dh)\n"
                "out = rel_error(grads[4], num)"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=1e-07,
            message=(
                "梯度檢查 (gradient check) 沒過：你的 db 和對你自己的 rnn_forward 算出的數值"
                "梯度相對誤差太大（應 < 1e-7）。"
            ),
            compare="at_most",
        ),
        Check(
            name="inputs_not_modified",
            code=(
                "import numpy as np\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "before = dh.copy()\n"
                "first = rnn_backward(dh, cache)[3]\n"
                "again = rnn_backward(dh, cache)[3]\n"
                "out = [bool(np.array_equal(dh, before)), bool(np.allclose(first, again))]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[True, True],
            message=(
                "rnn_backward 修改了 dh 或 cache（第二次呼叫的結果不同）：不要對輸入做原地運算。"
            ),
            compare="equal",
        ),
    ],
    "test_rnn_backward_truncated": [
        Check(
            name="k0_local_only",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = rnn_backward(dh, cache, truncate=0)[0]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=np.array(
                [
                    [
                        [-0.335775975454, -0.0376012347971],
                        [-0.661459601597, 0.172375559668],
                        [-0.683099767744, 0.716693646865],
                        [0.268606606417, -0.455810465232],
                    ],
                    [
                        [-0.628819766364, -0.298479826037],
                        [0.464195307591, -0.608181162062],
                        [0.192797857381, -0.179249433097],
                        [-0.0935880765719, 0.132750164082],
                    ],
                ]
            ),
            message=(
                "truncate=0 時 dx 不對：每個 time step 只保留自己的（local）梯度，dx[:, t] "
                "只來自 dh[:, t]，不往前傳。"
            ),
        ),
        Check(
            name="k0_no_dh0",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = rnn_backward(dh, cache, truncate=0)[1]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            message="truncate=0 時 dh0 應該全是 0：沒有任何梯度往回傳。",
        ),
        Check(
            name="k1_reach",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "dx = rnn_backward(dh, cache, truncate=1)[0]\n"
                "out = [bool(abs(dx[:, s]).sum() > 0) for s in range(dx.shape[1])]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_LAST},
            expected=[False, False, True, True],
            message=(
                "只有 dh[:, 3] 且 truncate=1 時，應該只有 time step 2、3 的 dx 不為 0：梯度"
                "往回穿過 k 個遞迴步，cells t-k … t 都有梯度。檢查視窗是否差一 (off by one)"
                "。"
            ),
            compare="equal",
        ),
        Check(
            name="k2_reach",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "dx = rnn_backward(dh, cache, truncate=2)[0]\n"
                "out = [bool(abs(dx[:, s]).sum() > 0) for s in range(dx.shape[1])]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_LAST},
            expected=[False, True, True, True],
            message=(
                "只有 dh[:, 3] 且 truncate=2 時，應該只有 time step 1、2、3 的 dx 不為 0（ce"
                "lls t-k … t）。檢查視窗是否差一 (off by one)。"
            ),
            compare="equal",
        ),
        Check(
            name="k2_window_values",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache, truncate=2)\n"
                "out = [grads[0], grads[3]]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_LAST},
            expected=[
                np.array(
                    [
                        [
                            [0.0, 0.0],
                            [-0.0344228595764, 0.0789279338664],
                            [0.072084270491, 0.103253945293],
                            [0.268606606417, -0.455810465232],
                        ],
                        [
                            [0.0, 0.0],
                            [0.0665603759908, -0.10584051251],
                            [0.0471844226685, -0.146649313035],
                            [-0.0935880765719, 0.132750164082],
                        ],
                    ]
                ),
                np.array(
                    [
                        [0.206266558113, 0.0256940877128, 0.0101980923109],
                        [-0.275810921853, 0.272126489002, -0.12004706274],
                        [0.192709087492, -0.514676528272, 0.159098641519],
                    ]
                ),
            ],
            message=(
                "truncate=2 時視窗內的 dx 或 dWh 不對：在 cells t-k … t 裡，梯度的傳法和完整"
                " BPTT 一樣（乘上 1 - h**2、@ Wh.T），只是傳到 h[:, t-k] 就停。"
            ),
        ),
        Check(
            name="dh0_not_from_late_steps",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = rnn_backward(dh, cache, truncate=2)[1]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_LAST},
            expected=np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            message=(
                "dh0 收到了不該收到的梯度：truncate=k 時只有 t < k 的 dh[:, t] 能傳到 h0（h0"
                " 算是 h[:, -1]）；這裡 t = 3、k = 2，dh0 應該全是 0。"
            ),
        ),
        Check(
            name="dh0_boundary_t_equals_k",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = rnn_backward(dh, cache, truncate=2)[1]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_STEP2},
            expected=np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            message=(
                "dh0 收到了不該收到的梯度：t = k 時梯度往回 k 步剛好停在 h[:, 0]（cell 0 仍"
                "要加上 dx 與參數梯度），但不再傳到 h0；只有 t < k 的 dh[:, t] 會傳到 h0。這"
                "裡 t = 2、k = 2，dh0 應該全是 0。"
            ),
        ),
        Check(
            name="dh0_from_early_steps",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = rnn_backward(dh, cache, truncate=2)[1]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_STEP1},
            expected=np.array(
                [
                    [0.111482295734, -0.259155721435, -0.177556256839],
                    [0.0848537174003, 0.389777352084, -0.150176240187],
                ]
            ),
            message=(
                "dh0 不對：t < k 的 dh[:, t] 應該傳到 h0（這裡 t = 1、k = 2，往回兩步剛好到 h0）。"
            ),
        ),
        Check(
            name="k1_parameter_gradients",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache, truncate=1)\n"
                "out = [grads[2], grads[3], grads[4]]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[
                np.array(
                    [
                        [-0.573044594426, 3.60968174259, -0.106398430706],
                        [2.09012835232, -0.208883135604, -0.645132385051],
                    ]
                ),
                np.array(
                    [
                        [-0.408601268324, 1.10991929487, -0.261150493716],
                        [-0.480732437967, -0.906986762705, 0.352621299865],
                        [-0.575628555507, -0.037954253934, -0.300597787918],
                    ]
                ),
                np.array([-4.908795277, -0.818455448654, 0.0323869047194]),
            ],
            message=(
                "truncate=1 時 dWx、dWh、db 不對：每個 dh[:, t] 在 cells t-1、t 都要累加參數"
                "梯度，而且不同出發點的梯度要分開計算各自的停止位置。"
            ),
        ),
        Check(
            name="k_T_minus_1",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "grads = rnn_backward(dh, cache, truncate=3)\n"
                "out = [grads[1], grads[3]]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[
                np.array(
                    [
                        [0.165442394412, -0.891527392303, -0.369104705025],
                        [-0.250208717892, -1.0991833791, -0.156124993571],
                    ]
                ),
                np.array(
                    [
                        [-0.388115444095, 1.31745994892, -0.399945572066],
                        [-0.435508375003, -0.710361786709, 0.224388724916],
                        [-0.634603406098, -0.36990100659, -0.0616993935396],
                    ]
                ),
            ],
            message=(
                "truncate=T-1 時不對：dWh 應與完整 BPTT 相同，dh0 卻只收 t < k 的梯度（少了"
                "最後一步的）。"
            ),
        ),
        Check(
            name="k_ge_T_is_full",
            code=(
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "out = [rnn_backward(dh, cache, truncate=k)[1] for k in (4, 7)]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[
                np.array(
                    [
                        [0.146197137138, -0.915316672927, -0.347362377431],
                        [-0.233814966726, -1.01402754331, -0.197151638484],
                    ]
                ),
                np.array(
                    [
                        [0.146197137138, -0.915316672927, -0.347362377431],
                        [-0.233814966726, -1.01402754331, -0.197151638484],
                    ]
                ),
            ],
            message="truncate >= T 時應該等於完整 BPTT（包括 dh0）。",
        ),
        Check(
            name="inputs_not_modified",
            code=(
                "import numpy as np\n"
                "_, cache = rnn_forward(x, h0, Wx, Wh, b)\n"
                "before = dh.copy()\n"
                "first = rnn_backward(dh, cache, truncate=1)[3]\n"
                "again = rnn_backward(dh, cache, truncate=1)[3]\n"
                "out = [bool(np.array_equal(dh, before)), bool(np.allclose(first, again))]"
            ),
            inputs={"x": X_SEQ, "h0": H0, "Wx": WX, "Wh": WH, "b": B, "dh": DH_SEQ},
            expected=[True, True],
            message="truncated 的 rnn_backward 修改了 dh 或 cache（第二次呼叫的結果不同）。",
            compare="equal",
        ),
    ],
}
