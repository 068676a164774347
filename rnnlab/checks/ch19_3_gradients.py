"""Public checks of 19-3 (梯度消失以及梯度爆炸): tanh_step_jacobians, jacobian_product_norms,
clip_by_value and clip_by_norm. Each check isolates one rule of the function's docstring, so
a failure names one likely mistake; the clipping rules are checked on every code path
(clipped, not clipped, all-zero gradients). Computed values are pinned from the reference
(``python -m autograder pin ch19_3_gradients``); literals are the ones the rule makes obvious.
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.factories import case, returns_type, unchanged_inputs

# ---------------------------------------------------------------- inputs
WH_ASYM = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, -1.0], [0.5, 0.0, 2.0]])  # Wh.T != Wh
H_SEQ = np.array([[0.5, -0.8, 0.1], [-0.3, 0.9, 0.6], [0.0, 0.2, -0.7]])  # h_1, h_2, h_3
N2 = np.array([[0.0, 1.0], [0.0, 0.0]])  # nilpotent: N2 @ N2 = 0
P1 = np.array([[1.0, 0.0], [0.0, 0.0]])  # P1 @ N2 = N2, but N2 @ P1 = 0
J_SEQ = np.array([  # four 3x3 Jacobians, none symmetric, none commuting
    [[0.9, -0.4, 0.2], [0.3, 0.8, -0.5], [0.0, 0.6, 0.7]],
    [[1.1, 0.2, -0.3], [-0.6, 0.5, 0.4], [0.2, -0.1, 0.9]],
    [[0.4, 0.9, 0.0], [-0.2, 0.3, 1.2], [0.8, 0.0, -0.5]],
    [[0.7, -0.3, 0.5], [0.1, 1.0, -0.2], [-0.4, 0.2, 0.6]],
])

# three gradients of different shapes, some elements outside [-1, 1] on both sides
GRADS = {
    "Wx": np.array([[0.5, -2.0, 1.5], [-0.25, 3.0, -1.0]]),
    "Wh": np.array([[-4.0, 0.75], [1.25, -0.5]]),
    "b": np.array([0.2, -1.2]),
}
GRADS_SHAPES = {"Wx": (2, 3), "Wh": (2, 2), "b": (2,)}
# the same shapes, too large only on the positive side (negatives within [-0.5, 0.5]): a
# missing lower side shows in large_negative_values and all_together, not here
POSITIVE = {
    "Wx": np.array([[0.5, 2.0, 1.5], [-0.25, 3.0, -0.4]]),
    "Wh": np.array([[4.0, 0.75], [1.25, -0.5]]),
    "b": np.array([0.2, 1.2]),
}
INSIDE = {"W": np.array([[0.5, -0.25], [1.0, -1.0]]), "b": np.array([0.0, 0.9])}  # in [-1, 1]
THREE_FOUR = {"a": np.array([3.0, 0.0]), "b": np.array([0.0, -4.0])}  # global norm 5
SMALL = {"W": np.array([[0.3], [0.0]]), "b": np.array([-0.4])}  # global norm 0.5
ONE_MATRIX = {"W": np.array([[1.0, 2.0], [2.0, -4.0], [0.0, 2.0]])}  # norm sqrt(29)
ONE_VECTOR = {"g": np.array([3.0, -4.0])}  # norm 5
ZEROS = {"W": np.zeros((2, 2)), "b": np.zeros(2)}

# ---------------------------------------------------------------- probe code
SHAPES = ("{{k: np.shape(v) for k, v in {r}.items()}} if type({r}) is dict "
          "else type({r}).__name__")
DICT_KEPT = (  # a dict of arrays: same keys, every array unchanged
    "import numpy as np\n"
    "kept = {{k: np.array(v, copy=True) for k, v in {name}.items()}}\n"
    "{call}\n"
    "out = list({name}) == list(kept) and all(\n"
    "    np.array_equal({name}[k], kept[k]) for k in kept)"
)
NEW_ARRAYS = (  # a new dict that shares no array with the caller's dict
    "import numpy as np\n"
    "res = {call}\n"
    "out = res is not grads and not any(\n"
    "    np.shares_memory(res[k], grads[k]) for k in grads if k in res)"
)

BOTH_PATHS_KEPT = (  # clip_by_norm leaves its inputs alone, clipping (1.0) or not (100.0)
    "import numpy as np\n"
    "out = []\n"
    "for m in (1.0, 100.0):\n"
    "    g = {k: v.copy() for k, v in grads.items()}\n"
    "    clip_by_norm(g, m)\n"
    "    out.append(list(g) == list(grads) and all(\n"
    "        np.array_equal(g[k], grads[k]) for k in grads))"
)

# probes that call a function twice hand it a fresh copy each time: an in-place change shows
# once, in inputs_not_modified
COPY = "def _fresh(d):\n    return {k: v.copy() for k, v in d.items()}"

INPLACE_HINT = "不要用 `*=`、`g[...] = ...` 或 `out=g` 這類原地 (in-place) 運算，請產生新的陣列。"

CHECKS = {
    # ------------------------------------------------------------ tanh_step_jacobians
    "test_tanh_step_jacobians": [
        Check(
            name="array_of_shape_T_H_H",
            code="import numpy as np\nr = tanh_step_jacobians(h, Wh)\n"
                 "out = (type(r).__name__, np.shape(r))",
            inputs={"h": np.full((4, 3), 0.5), "Wh": WH_ASYM},
            expected=("ndarray", (4, 3, 3)),
            compare="equal",
            message="應回傳 shape (T, H, H) 的 numpy 陣列：T 個 time step，每一步一個 H×H 的 "
                    "Jacobian ∂h_t/∂h_{t-1}（這裡 T = 4、H = 3）；list 請用 np.array(...) 轉換。",
        ),
        case(
            "zero_states_give_Wh_transposed",
            "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
            {"h": np.zeros((2, 3)), "Wh": WH_ASYM},
            "h_t = 0 時 tanh 的微分 1 − h_t² = 1，Jacobian 應等於 W_h 的轉置 W_h^T：我們的 h 是 "
            "row vector（h_t = tanh(x_t W_x + h_{t-1} W_h + b)），所以 "
            "∂h_t/∂h_{t-1} = diag(1 − h_t²) W_h^T，不是 W_h。",
            expected=np.array([WH_ASYM.T, WH_ASYM.T]),
        ),
        case(
            "identity_Wh_gives_tanh_derivative",
            "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
            {"h": np.array([[0.5, -0.8, 0.0]]), "Wh": np.eye(3)},
            "W_h = I 時 Jacobian 應是 diag(1 − h_t²)，對角線是 0.75、0.36、1：得到 0.5、1.8、1 "
            "表示用了 1 − h；h_t 已經是 tanh 的輸出，不要再套一次 tanh（不是 1 − tanh(h)²）。",
            expected=np.array([np.diag([0.75, 0.36, 1.0])]),
        ),
        # h in {0, 1} (1 - h = 1 - h**2) and a symmetric Wh: only the rows can go wrong
        case(
            "rows_scaled",
            "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
            {"h": np.array([[1.0, 0.0]]), "Wh": np.array([[1.0, 2.0], [2.0, 4.0]])},
            "diag(1 − h_t²) 要乘在 W_h^T 的「左邊」，縮放第 i 列 (row)："
            "J[t-1][i, j] = (1 − h_t[i]²) · W_h[j, i]。若直接寫 (1 − h**2) * Wh.T，"
            "broadcasting 縮放的是行 (column)；請寫成 (1 − h_t**2)[:, None] * Wh.T。",
            expected=np.array([[[0.0, 0.0], [2.0, 4.0]]]),
        ),
        case(
            "each_step_its_own_state",
            "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
            {"h": np.array([[1.0, 0.0], [0.0, 1.0]]), "Wh": np.eye(2)},
            "J[t-1] = ∂h_t/∂h_{t-1} 只用到 h_t，也就是 h[t-1] 這一列：第一個 Jacobian 用 "
            "h[0]，第二個用 h[1]。你可能錯開了一個 time step，或每一步都用了同一個 h。",
            expected=np.array([np.diag([0.0, 1.0]), np.diag([1.0, 0.0])]),
        ),
        case(
            "all_together",
            "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
            {"h": H_SEQ, "Wh": WH_ASYM},
            "一般的 h 與 W_h（T = 3、H = 3）結果不對：J[t-1] = (1 − h[t-1]**2)[:, None] * Wh.T，"
            "上面較簡單的檢查會指出是哪一項。",
        ),
        unchanged_inputs(
            "tanh_step_jacobians", ["h", "Wh"], {"h": H_SEQ, "Wh": WH_ASYM},
            "tanh_step_jacobians 修改了傳進來的 h 或 Wh：不要寫 h **= 2 或 Wh.T[...] *= ...；"
            + INPLACE_HINT,
        ),
    ],
    # ------------------------------------------------------------ jacobian_product_norms
    "test_jacobian_product_norms": [
        Check(
            name="array_of_shape_T",
            code="import numpy as np\nr = jacobian_product_norms(J)\n"
                 "out = (type(r).__name__, np.shape(r))",
            inputs={"J": np.array([np.eye(2)] * 3)},
            expected=("ndarray", (3,)),
            compare="equal",
            message="應回傳 shape (T,) 的 numpy 陣列：距離 d = 1, 2, ..., T 各一個 norm"
                    "（這裡 T = 3）；list 請用 np.array(...) 轉換。",
        ),
        case(
            "spectral_not_frobenius",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": np.array([np.diag([3.0, 4.0])])},
            "應取 spectral norm（最大奇異值，np.linalg.norm(M, 2)）：diag(3, 4) 的 spectral norm "
            "是 4；得到 5 表示用了 Frobenius norm（np.linalg.norm(M) 的預設）。",
            expected=np.array([4.0]),
        ),
        case(
            "spectral_not_largest_entry",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": np.array([[[1.0, 1.0], [0.0, 0.0]]])},
            "[[1, 1], [0, 0]] 的 spectral norm 是最大奇異值 √2 ≈ 1.414，不是最大的元素 1，"
            "也不是最大的 eigenvalue 的絕對值 1：用 np.linalg.norm(M, 2)。",
        ),
        case(
            "counts_back_from_the_last_step",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": np.array([[[2.0]], [[3.0]]])},  # H = 1: every norm is |J|
            "d = 1 是最後一步 ∂h_T/∂h_{T-1} = J[-1]（norm 3），d = 2 是 J[-1] @ J[-2]"
            "（norm 6）；若得到 [2, 6]，你是從 J[0] 開始往後乘的。",
            expected=np.array([3.0, 6.0]),
        ),
        case(
            "order_of_the_product",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": np.array([N2, P1])},
            "矩陣乘法不能交換：∂h_T/∂h_{T-2} = J_T @ J_{T-1}，較早的 Jacobian 乘在「右邊」"
            "（product = product @ J[T-d]）。d = 2 得到 0 表示順序反了。",
            expected=np.array([1.0, 1.0]),
        ),
        case(
            "norm_of_the_product",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": np.array([N2, N2])},
            "要先把 Jacobian 相乘，再取乘積的 norm：這裡 J_T @ J_{T-1} = 0，所以 d = 2 的 norm "
            "是 0。得到 1 表示你把每一步的 norm 相乘了（那只是上界）。",
            expected=np.array([1.0, 0.0]),
        ),
        case(
            "all_together",
            "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
            {"J": J_SEQ},
            "四個一般的 3×3 Jacobian 結果不對：從 product = J[T-1] 開始，每次 "
            "product = product @ J[T-d]，再取 np.linalg.norm(product, 2)；上面較簡單的檢查"
            "會指出是哪一步。",
        ),
        unchanged_inputs(
            "jacobian_product_norms", ["J"], {"J": np.array([2.0 * np.eye(2), P1, N2])},
            "jacobian_product_norms 修改了傳進來的 J：請用新的變數存乘積（例如 "
            "product = np.eye(H)），不要寫 J[...] = ... 或 J[k] @= ...。",
        ),
    ],
    # ------------------------------------------------------------ clip_by_value
    "test_clip_by_value": [
        Check(
            name="dict_with_same_keys_and_shapes",
            code="import numpy as np\nres = clip_by_value(grads, 1.0)\n"
                 f"out = {SHAPES.format(r='res')}",
            inputs={"grads": GRADS},
            expected=GRADS_SHAPES,
            compare="equal",
            message="clip_by_value 應回傳一個 dict，key 和輸入相同（這裡是 Wx、Wh、b），每個陣列的"
                    " shape 不變，例如 {name: ... for name, g in grads.items()}。",
        ),
        case(
            "inside_unchanged",
            "out = clip_by_value(grads, 1.0)",
            {"grads": INSIDE},
            "所有元素都在 [-threshold, threshold] 之內（含邊界 ±1）時，一個值都不應改變；"
            "你可能把整個梯度縮放了（那是 clip_by_norm 的做法），或是把邊界值也改了。",
            expected=INSIDE,
        ),
        case(
            "large_positive_values",
            "out = clip_by_value(grads, 1.0)['a']",
            {"grads": {"a": np.array([2.0, 0.5, 3.0])}},
            "大於 threshold 的元素應變成 threshold（門檻值），其他元素不變。",
            expected=np.array([1.0, 0.5, 1.0]),
        ),
        case(
            "large_negative_values",
            "out = clip_by_value(grads, 1.0)['a']",
            {"grads": {"a": np.array([-2.0, -0.5, -3.0])}},
            "小於 -threshold 的元素應變成 -threshold：梯度爆炸也可能是很大的負數。"
            "你可能只裁剪了正的一邊（例如只用 np.minimum(g, threshold)）；"
            "試試 np.clip(g, -threshold, threshold)。",
            expected=np.array([-1.0, -0.5, -1.0]),
        ),
        case(
            "every_array",
            "out = clip_by_value(grads, 1.0)",
            {"grads": POSITIVE},
            "dict 裡的每一個陣列（Wx、Wh、b，shape 不同）都要裁剪，不是只有第一個或最後一個："
            "用 for name, g in grads.items() 走過每一個。",
        ),
        case(
            "uses_threshold",
            "out = clip_by_value(grads, 0.5)",
            {"grads": POSITIVE},
            "threshold = 0.5 時結果不對：請用參數 threshold，不要把門檻值寫死成 1。",
        ),
        case(
            "all_together",
            "out = clip_by_value(grads, 0.8)",
            {"grads": GRADS},
            "正負兩邊都有太大的值時（threshold = 0.8）結果不對：每個陣列的每個元素都要限制在 "
            "[-threshold, threshold]，np.clip(g, -threshold, threshold)；"
            "上面較簡單的檢查會指出是哪一項。",
        ),
        Check(
            name="new_arrays_when_nothing_is_clipped",
            code=NEW_ARRAYS.format(call="clip_by_value(grads, 1.0)"),
            inputs={"grads": INSIDE},
            expected=True,
            compare="equal",
            message="沒有元素需要裁剪時，也要回傳新的 dict 和新的陣列（複本）："
                    "回傳了呼叫者原來的陣列，之後更新參數或修改回傳值時會改到原來的梯度。"
                    "np.clip 一定回傳新的陣列；若你跳過了不需要裁剪的陣列，請用 g.copy()。",
        ),
        Check(
            name="inputs_not_modified",
            code=DICT_KEPT.format(name="grads", call="clip_by_value(grads, 1.0)"),
            inputs={"grads": GRADS},
            expected=True,
            compare="equal",
            message="clip_by_value 修改了傳進來的梯度 dict 或它的陣列：不要寫 "
                    "g[g > threshold] = ...、np.clip(..., out=g) 或 grads[name] = ...；"
                    "請回傳新的 dict（np.clip(g, -threshold, threshold) 會產生新的陣列）。",
        ),
    ],
    # ------------------------------------------------------------ clip_by_norm
    "test_clip_by_norm": [
        returns_type(
            "clip_by_norm", "clip_by_norm(grads, 1.0)", "tuple",
            "clip_by_norm 應回傳兩個值 (clipped, norm)：最後一行是 `return clipped, norm`。",
            name="returns_pair", inputs={"grads": THREE_FOUR},
        ),
        Check(
            name="dict_with_same_keys_and_shapes",
            code=f"import numpy as np\n{COPY}\nout = []\n"
                 "for m in (1.0, 100.0):  # clipped, not clipped\n"
                 "    res = clip_by_norm(_fresh(grads), m)[0]\n"
                 f"    out.append({SHAPES.format(r='res')})",
            inputs={"grads": GRADS},
            expected=[GRADS_SHAPES, GRADS_SHAPES],
            compare="equal",
            message="clipped 應是一個 dict，key 和輸入相同（這裡是 Wx、Wh、b），每個陣列的 shape "
                    "不變；有裁剪（位置 [0]）和沒裁剪（位置 [1]）時都一樣。",
        ),
        Check(
            name="norm_is_a_float",
            code=f"{COPY}\nout = [isinstance(clip_by_norm(_fresh(grads), m)[1], float)\n"
                 "       for m in (1.0, 100.0)]  # clipped, not clipped",
            inputs={"grads": GRADS},
            expected=[True, True],
            compare="equal",
            message="norm 應是一個 Python float（例如 float(np.sqrt(total))），"
                    "有裁剪（位置 [0]）和沒裁剪（位置 [1]）時都一樣，不是陣列或 list。",
        ),
        case(
            "norm_before_clipping",
            f"{COPY}\nout = [clip_by_norm(_fresh(grads), m)[1] for m in (1.0, 10.0)]",
            {"grads": THREE_FOUR},
            "回傳的 norm 應是裁剪「前」的 global norm sqrt(3² + 4²) = 5，有裁剪（位置 [0]）和"
            "沒裁剪（位置 [1]）時都一樣：得到 1 表示回傳了裁剪後的 norm；得到 7 表示把各陣列的 "
            "norm 相加；得到 3 或 4 表示只算了一個陣列。",
            expected=[5.0, 5.0],
        ),
        case(
            "below_max_norm_unchanged",
            "out = clip_by_norm(grads, 1.0)[0]",
            {"grads": SMALL},
            "global norm 沒有超過 max_norm 時（這裡 0.5 ≤ 1），梯度應原封不動：只有 "
            "norm > max_norm 時才乘上 max_norm / norm；每次都乘會把小的梯度放大。",
            expected=SMALL,
        ),
        Check(
            name="new_arrays_when_not_clipped",
            code=NEW_ARRAYS.format(call="clip_by_norm(grads, 1.0)[0]"),
            inputs={"grads": SMALL},
            expected=True,
            compare="equal",
            message="沒有裁剪時也要回傳新的 dict 和新的陣列（複本），不是呼叫者原來的 grads："
                    "例如 {name: g.copy() for name, g in grads.items()}；否則之後更新參數或修改"
                    "回傳值時會改到原來的梯度。",
        ),
        case(
            "zero_gradients",
            "c, n = clip_by_norm(grads, 1.0)\nout = (c, n, isinstance(n, float))",
            {"grads": ZEROS},
            "梯度全為 0 時 norm 是 0.0，沒有超過 max_norm：應回傳全 0 的梯度和 float 0.0，"
            "不要計算 max_norm / norm（除以 0）。先判斷 norm > max_norm 再計算係數。",
            expected=(ZEROS, 0.0, True),
        ),
        case(
            "uses_max_norm",
            "out = clip_by_norm(grads, 2.0)",
            {"grads": ONE_VECTOR},
            "norm 是 5、max_norm = 2 時，[3, -4] 應縮放成 [1.2, -1.6]（係數 2 / 5）："
            "請用參數 max_norm，不要寫死。",
            expected=({"g": np.array([1.2, -1.6])}, 5.0),
        ),
        case(
            "every_element_counts",
            "out = clip_by_norm(grads, 1.0)",
            {"grads": ONE_MATRIX},
            "global norm 要把矩陣的每一個元素都算進去：sqrt(1 + 4 + 4 + 16 + 0 + 4) = sqrt(29) "
            "≈ 5.385（np.sqrt(np.sum(g**2))；不是矩陣的 spectral norm np.linalg.norm(g, 2)，"
            "也不是最大的元素），再把每個元素乘上 max_norm / norm。",
            rtol=1e-5,
        ),
        case(
            "one_global_norm",
            "out = clip_by_norm(grads, 2.5)[0]",
            {"grads": THREE_FOUR},
            "所有陣列要用同一個 global norm（這裡是 5）和同一個係數 2.5 / 5 = 0.5 一起縮放；"
            "若得到 [2.5, 0] 和 [0, -2.5]，你是每個陣列各自依自己的 norm 裁剪 (per-array)，"
            "那會改變整體梯度的方向。",
            expected={"a": np.array([1.5, 0.0]), "b": np.array([0.0, -2.0])},
        ),
        case(
            "all_together",
            "out = clip_by_norm(grads, 1.0)",
            {"grads": GRADS},
            "三個梯度一起縮放到 global norm = 1 時 (clipped, norm) 不對：norm 是所有陣列所有"
            "元素平方和的平方根，每個陣列都乘上同一個係數 max_norm / norm；"
            "上面較簡單的檢查會指出是哪一項。",
            rtol=1e-5,
        ),
        Check(
            name="inputs_not_modified",
            code=BOTH_PATHS_KEPT,
            inputs={"grads": GRADS},
            expected=[True, True],
            compare="equal",
            message="clip_by_norm 修改了傳進來的梯度 dict 或它的陣列（位置 [0]：有裁剪時，"
                    "[1]：沒裁剪時）：不要寫 g *= scale 或 grads[name] = ...；請用 g * scale "
                    "產生新的陣列，放進新的 dict。",
        ),
    ],
}
