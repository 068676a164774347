"""Public checks of 19-3 (梯度消失以及梯度爆炸): clip_by_value, clip_by_norm,
tanh_step_jacobians and jacobian_product_norms. Expected values are literals pasted from
the reference output; each check is built so that a failure names one likely mistake.
"""

import numpy as np

from rnnlab.checking import Check

# three gradients of different shapes, some elements outside [-1, 1] on both sides
GRADS = {
    "Wx": np.array([[0.5, -2.0, 1.5], [-0.25, 3.0, -1.0]]),
    "Wh": np.array([[-4.0, 0.75], [1.25, -0.5]]),
    "b": np.array([0.2, -1.2]),
}
INSIDE = {"W": np.array([[0.5, -0.25], [1.0, -1.0]]), "b": np.array([0.0, 0.9])}
# global norm 5 = sqrt(3^2 + 4^2), each array alone has norm 3 or 4
THREE_FOUR = {"a": np.array([3.0, 0.0]), "b": np.array([0.0, -4.0])}
SMALL = {"a": np.array([0.3, -0.4])}  # global norm 0.5
MATRIX = {"W": np.array([[1.0, 2.0], [2.0, -4.0]]), "b": np.array([2.0])}  # norm sqrt(29)

WH_ASYM = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, -1.0], [0.5, 0.0, 2.0]])
N2 = np.array([[0.0, 1.0], [0.0, 0.0]])  # nilpotent: N2 @ N2 = 0
P1 = np.array([[1.0, 0.0], [0.0, 0.0]])  # P1 @ N2 = N2, but N2 @ P1 = 0

DICT_KEPT = (
    "import numpy as np\n"
    "kept = {{k: np.array(v, copy=True) for k, v in {name}.items()}}\n"
    "{call}\n"
    "out = list({name}) == list(kept) and all(\n"
    "    np.array_equal({name}[k], kept[k]) for k in kept)"
)
ARRAYS_KEPT = (
    "import numpy as np\n"
    "kept = [np.array(a, copy=True) for a in ({args},)]\n"
    "{call}\n"
    "out = all(np.array_equal(a, k) for a, k in zip(({args},), kept))"
)

CHECKS = {
    "test_clip_by_value": [
        Check(
            name="returns_dict_with_same_keys",
            code="res = clip_by_value(grads, 1.0)\n"
                 "out = sorted(res) if type(res) is dict else type(res).__name__",
            inputs={"grads": GRADS},
            expected=["Wh", "Wx", "b"],
            message="clip_by_value 應回傳一個 dict，key 和輸入相同（這裡是 Wx、Wh、b），"
                    "例如 {name: ... for name, g in grads.items()}；不要漏掉任何一個梯度。",
        ),
        Check(
            name="inside_unchanged",
            code="out = clip_by_value(grads, 1.0)",
            inputs={"grads": INSIDE},
            expected={"W": np.array([[0.5, -0.25], [1.0, -1.0]]), "b": np.array([0.0, 0.9])},
            message="所有元素都在 [-threshold, threshold] 之內時，一個值都不應改變；"
                    "你可能把整個梯度縮放了（那是 clip_by_norm 的做法），或是把邊界值也改了。",
        ),
        Check(
            name="large_positive_values",
            code="out = clip_by_value(grads, 1.0)['a']",
            inputs={"grads": {"a": np.array([2.0, 0.5, 3.0])}},
            expected=np.array([1.0, 0.5, 1.0]),
            message="大於 threshold 的元素應變成 threshold（門檻值），其他元素不變。",
        ),
        Check(
            name="large_negative_values",
            code="out = clip_by_value(grads, 1.0)['a']",
            inputs={"grads": {"a": np.array([-2.0, -0.5, -3.0])}},
            expected=np.array([-1.0, -0.5, -1.0]),
            message="小於 -threshold 的元素應變成 -threshold：梯度爆炸也可能是很大的負數。"
                    "你可能只裁剪了正的一邊（例如只用 np.minimum(g, threshold)）；"
                    "試試 np.clip(g, -threshold, threshold)。",
        ),
        Check(
            name="every_array",
            code="out = clip_by_value(grads, 1.0)",
            inputs={"grads": GRADS},
            expected={
                "Wx": np.array([[0.5, -1.0, 1.0], [-0.25, 1.0, -1.0]]),
                "Wh": np.array([[-1.0, 0.75], [1.0, -0.5]]),
                "b": np.array([0.2, -1.0]),
            },
            message="每一個陣列（Wx、Wh、b，不同 shape）的每一個元素都要裁剪到 [-1, 1]，"
                    "shape 不變。",
        ),
        Check(
            name="uses_threshold",
            code="out = clip_by_value(grads, 0.5)",
            inputs={"grads": GRADS},
            expected={
                "Wx": np.array([[0.5, -0.5, 0.5], [-0.25, 0.5, -0.5]]),
                "Wh": np.array([[-0.5, 0.5], [0.5, -0.5]]),
                "b": np.array([0.2, -0.5]),
            },
            message="threshold = 0.5 時結果不對：請用參數 threshold，不要把門檻值寫死成 1。",
        ),
        Check(
            name="inputs_not_modified",
            code=DICT_KEPT.format(name="grads", call="clip_by_value(grads, 1.0)"),
            inputs={"grads": GRADS},
            expected=True,
            message="clip_by_value 修改了傳進來的梯度：不要寫 g[g > threshold] = ... 或 "
                    "np.clip(..., out=g)，請回傳新的陣列（np.clip(g, -threshold, threshold)）。",
        ),
    ],
    "test_clip_by_norm": [
        Check(
            name="returns_pair",
            code="res = clip_by_norm(grads, 1.0)\n"
                 "out = type(res) is tuple and len(res) == 2",
            inputs={"grads": THREE_FOUR},
            expected=True,
            message="clip_by_norm 應回傳兩個值 (clipped, norm)：最後一行是 "
                    "`return clipped, norm`。",
        ),
        Check(
            name="returns_dict_with_same_keys",
            code="res = clip_by_norm(grads, 1.0)[0]\n"
                 "out = sorted(res) if type(res) is dict else type(res).__name__",
            inputs={"grads": MATRIX},
            expected=["W", "b"],
            message="clipped 應是一個 dict，key 和輸入相同（這裡是 W、b）；不要漏掉任何一個梯度。",
        ),
        Check(
            name="below_max_norm_unchanged",
            code="out = clip_by_norm(grads, 1.0)[0]",
            inputs={"grads": SMALL},
            expected={"a": np.array([0.3, -0.4])},
            message="global norm 是 0.5，沒有超過 max_norm = 1，梯度應原封不動；你可能每次都"
                    "乘上 max_norm / norm（那會把小的梯度放大），只有 norm > max_norm 時才縮放。",
        ),
        Check(
            name="norm_before_clipping",
            code="out = clip_by_norm(grads, 1.0)[1]",
            inputs={"grads": THREE_FOUR},
            expected=5.0,
            message="回傳的 norm 應是裁剪「前」的 global norm sqrt(3² + 4²) = 5："
                    "得到 1 表示回傳了裁剪後的 norm；得到 7 表示把各陣列的 norm 相加；"
                    "得到 3 或 4 表示只算了一個陣列。",
        ),
        Check(
            name="one_global_norm",
            code="out = clip_by_norm(grads, 2.5)[0]",
            inputs={"grads": THREE_FOUR},
            expected={"a": np.array([1.5, 0.0]), "b": np.array([0.0, -2.0])},
            message="所有陣列要用同一個 global norm（這裡是 5）和同一個係數 "
                    "2.5 / 5 = 0.5 一起縮放；"
                    "若得到 [2.5, 0] 和 [0, -2.5]，你是每個陣列各自裁剪 (per-array)，"
                    "那會改變整體梯度的方向。",
        ),
        Check(
            name="every_element_counts",
            code="out = clip_by_norm(grads, 1.0)",
            inputs={"grads": MATRIX},
            expected=(
                {"W": np.array([[0.18569533817705186, 0.3713906763541037],
                                [0.3713906763541037, -0.7427813527082074]]),
                 "b": np.array([0.3713906763541037])},
                5.385164807134504,
            ),
            message="global norm 要把矩陣的每一個元素都算進去：sqrt(1 + 4 + 4 + 16 + 4) = "
                    "sqrt(29) ≈ 5.385（不是矩陣的 spectral norm，也不是最大的元素），"
                    "再把每個元素乘上 max_norm / norm。",
        ),
        Check(
            name="uses_max_norm",
            code="out = clip_by_norm(grads, 1.0)[0]",
            inputs={"grads": GRADS},
            expected={
                "Wx": np.array([[0.08285427851588265, -0.3314171140635306, 0.24856283554764794],
                                [-0.04142713925794132, 0.4971256710952959, -0.1657085570317653]]),
                "Wh": np.array([[-0.6628342281270612, 0.12428141777382397],
                                [0.20713569628970663, -0.08285427851588265]]),
                "b": np.array([0.03314171140635306, -0.19885026843811834]),
            },
            message="三個梯度一起縮放到 global norm = 1 時結果不對：係數是 max_norm / norm，"
                    "每個陣列都乘上同一個係數（方向不變）。",
        ),
        Check(
            name="inputs_not_modified",
            code=DICT_KEPT.format(name="grads", call="clip_by_norm(grads, 1.0)"),
            inputs={"grads": GRADS},
            expected=True,
            message="clip_by_norm 修改了傳進來的梯度：不要寫 g *= scale，"
                    "請用 g * scale 產生新的陣列。",
        ),
    ],
    "test_tanh_step_jacobians": [
        Check(
            name="shape",
            code="import numpy as np\nout = np.shape(tanh_step_jacobians(h, Wh))",
            inputs={"h": np.full((4, 3), 0.5), "Wh": WH_ASYM},
            expected=(4, 3, 3),
            message="應回傳 shape (T, H, H)：T 個 time step，每一步一個 H×H 的 Jacobian "
                    "∂h_t/∂h_{t-1}（這裡 T = 4、H = 3）。",
        ),
        Check(
            name="zero_states_give_Wh_transposed",
            code="out = tanh_step_jacobians(h, Wh)",
            inputs={"h": np.zeros((2, 3)), "Wh": WH_ASYM},
            expected=np.array([WH_ASYM.T.tolist()] * 2),
            message="h_t = 0 時 tanh 的微分 1 − h_t² = 1，Jacobian 應等於 W_h 的轉置 W_h^T："
                    "我們的 h 是 row vector（h_t = tanh(x_t W_x + h_{t-1} W_h + b)），"
                    "所以 ∂h_t/∂h_{t-1} = diag(1 − h_t²) W_h^T，不是 W_h。",
        ),
        Check(
            name="identity_Wh_gives_tanh_derivative",
            code="out = tanh_step_jacobians(h, Wh)",
            inputs={"h": np.array([[0.5, -0.8, 0.0]]), "Wh": np.eye(3)},
            expected=np.array([[[0.75, 0.0, 0.0], [0.0, 0.36, 0.0], [0.0, 0.0, 1.0]]]),
            message="W_h = I 時 Jacobian 應是 diag(1 − h_t²)，對角線是 0.75、0.36、1："
                    "得到 0.5、1.8、1 表示用了 1 − h；h_t 已經是 tanh 的輸出，"
                    "不要再套一次 tanh（不是 1 − tanh(h)²）。",
        ),
        Check(
            name="rows_scaled",
            code="out = tanh_step_jacobians(h, Wh)",
            inputs={"h": np.array([[0.5, 0.0]]), "Wh": np.array([[1.0, 2.0], [3.0, 4.0]])},
            expected=np.array([[[0.75, 2.25], [2.0, 4.0]]]),
            message="diag(1 − h_t²) 要乘在 W_h^T 的「左邊」，縮放第 i 列 (row)："
                    "J[t-1][i, j] = (1 − h_t[i]²) · W_h[j, i]。若直接寫 (1 − h**2) * Wh.T，"
                    "broadcasting 縮放的是行 (column)；請寫成 (1 − h_t**2)[:, None] * Wh.T。",
        ),
        Check(
            name="each_step_its_own_state",
            code="out = tanh_step_jacobians(h, Wh)",
            inputs={"h": np.array([[0.5, 0.5], [0.0, 0.0]]), "Wh": np.eye(2)},
            expected=np.array([[[0.75, 0.0], [0.0, 0.75]], [[1.0, 0.0], [0.0, 1.0]]]),
            message="J[t-1] = ∂h_t/∂h_{t-1} 只用到 h_t，也就是 h[t-1] 這一列："
                    "第一個 Jacobian 用 h[0]，第二個用 h[1]。你可能錯開了一個 time step，"
                    "或每一步都用了同一個 h。",
        ),
        Check(
            name="inputs_not_modified",
            code=ARRAYS_KEPT.format(args="h, Wh", call="tanh_step_jacobians(h, Wh)"),
            inputs={"h": np.array([[0.5, -0.8, 0.1]]), "Wh": WH_ASYM},
            expected=True,
            message="tanh_step_jacobians 修改了傳進來的 h 或 Wh：不要寫 h **= 2 或 "
                    "Wh.T[...] *= ...，請產生新的陣列。",
        ),
    ],
    "test_jacobian_product_norms": [
        Check(
            name="shape",
            code="import numpy as np\nout = np.shape(jacobian_product_norms(J))",
            inputs={"J": np.array([np.eye(2)] * 3)},
            expected=(3,),
            message="應回傳 shape (T,) 的陣列：距離 d = 1, 2, ..., T 各一個 norm（這裡 T = 3）。",
        ),
        Check(
            name="spectral_not_frobenius",
            code="out = jacobian_product_norms(J)",
            inputs={"J": np.array([[[3.0, 0.0], [0.0, 4.0]]])},
            expected=np.array([4.0]),
            message="應取 spectral norm（最大奇異值，np.linalg.norm(M, 2)）：diag(3, 4) 的 "
                    "spectral norm 是 4；得到 5 表示用了 Frobenius norm"
                    "（np.linalg.norm(M) 的預設）。",
        ),
        Check(
            name="spectral_not_largest_entry",
            code="out = jacobian_product_norms(J)",
            inputs={"J": np.array([[[1.0, 1.0], [0.0, 1.0]]])},
            expected=np.array([1.618033988749895]),
            message="[[1, 1], [0, 1]] 的 spectral norm 是最大奇異值 ≈ 1.618，"
                    "不是最大的元素 1、也不是 Frobenius norm ≈ 1.732：用 np.linalg.norm(M, 2)。",
        ),
        Check(
            name="counts_back_from_the_last_step",
            code="out = jacobian_product_norms(J)",
            inputs={"J": np.array([[[2.0]], [[3.0]]])},  # H = 1: every norm is |J|
            expected=np.array([3.0, 6.0]),
            message="d = 1 是最後一步 ∂h_T/∂h_{T-1} = J[-1]（norm 3），d = 2 是 J[-1] @ J[-2]"
                    "（norm 6）；若得到 [2, 6]，你是從 J[0] 開始往後乘的。",
        ),
        Check(
            name="order_of_the_product",
            code="out = jacobian_product_norms(J)",
            inputs={"J": np.array([N2, P1])},
            expected=np.array([1.0, 1.0]),
            message="矩陣乘法不能交換：∂h_T/∂h_{T-2} = J_T @ J_{T-1}，較早的 Jacobian 乘在"
                    "「右邊」（每往前退一步，新的 Jacobian 乘在目前乘積的右邊）。d = 2 得到 0 "
                    "表示順序反了。",
        ),
        Check(
            name="norm_of_the_product",
            code="out = jacobian_product_norms(J)",
            inputs={"J": np.array([N2, N2])},
            expected=np.array([1.0, 0.0]),
            message="要先把 Jacobian 相乘，再取乘積的 norm：這裡 J_T @ J_{T-1} = 0，所以 d = 2 "
                    "的 norm 是 0。得到 1 表示你把每一步的 norm 相乘了（那只是上界）。",
        ),
        Check(
            name="inputs_not_modified",
            code=ARRAYS_KEPT.format(args="J", call="jacobian_product_norms(J)"),
            inputs={"J": np.array([2.0 * np.eye(2), P1, N2])},
            expected=True,
            message="jacobian_product_norms 修改了傳進來的 J：請用新的變數存乘積"
                    "（例如 product = np.eye(H)），不要寫 J[...] = ... 或 J[k] @= ...。",
        ),
    ],
}
