"""Public checks of 19-1 (RNN 網路的種類): rnn_cell_forward (shared, ``rnn_cell``),
rnn_forward and the two read-outs (graded), and the ungraded 選讀 exercises one_to_many
and deep_rnn_forward (``PRACTICE``, shown by ``run_practice`` without points).

rnn_forward may call the student's rnn_cell_forward (so may the 選讀 exercises, which also
call rnn_forward). Their checks grade their own rule (the loop, the first-step input, the
stacking) on inputs where the cell's common mistakes do not change the result: b = 0 (a
missing bias), a symmetric Wh (Wh @ h_prev vs h_prev @ Wh) and small values (a missing
tanh: tanh(z) = z - z^3/3 + ...). One ``integration`` check per test uses every term; when
the cell fails its own checks, the feedback says to fix it first (``REQUIRES``).
Expected values are pinned from the reference (``python -m autograder pin``).
"""

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.factories import case, unchanged_inputs
from rnnlab.checks.rnn_cell import RNN_CELL_FORWARD_CHECKS, SMALL, SMALL_TOL

REQUIRES = {"test_rnn_forward": ["test_rnn_cell_forward"]}

# N = 2, D = 3, H = 4 (all different, so that a transposed product fails loudly)
X = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]])
H_PREV = np.array([[0.1, -0.2, 0.3, 0.0], [-0.4, 0.5, 0.0, 0.2]])
WX = np.array([[0.2, -0.1, 0.0, 0.3], [0.1, 0.4, -0.2, 0.0], [-0.3, 0.1, 0.2, 0.1]])
WH = np.array([[0.5, 0.0, -0.3, 0.1], [0.2, -0.4, 0.0, 0.3],
               [0.0, 0.1, 0.6, -0.2], [-0.1, 0.2, 0.0, 0.4]])
WH_SYM = (WH + WH.T) / 2  # h_prev @ Wh == (Wh @ h_prev.T).T: a transposed Wh goes unseen
B = np.array([0.1, -0.2, 0.05, 0.3])
ZX, ZH, ZB, ZWH = np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(4), np.zeros((4, 4))
# sequences: N = 2, T = 3, D = 3
XS = np.array([[[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [-0.5, 0.5, 0.5]],
               [[0.0, 1.5, -0.5], [0.2, 0.2, 0.2], [1.0, -1.0, 0.0]]])
XS_FIRST = np.zeros((2, 3, 3))  # only the first time step is non-zero
XS_FIRST[:, 0] = XS[:, 0]
# read-outs: hidden states N = 2, T = 3, H = 4; C = 3 (many to one), C = 2 (many to many)
HS = np.array([[[0.1, 0.2, -0.3, 0.4], [0.0, -0.5, 0.5, 0.1], [0.9, -0.8, 0.7, -0.6]],
               [[-0.2, 0.1, 0.0, 0.3], [0.4, 0.4, -0.4, 0.0], [-0.7, 0.6, 0.5, 0.8]]])
HS_LAST_ZERO = HS.copy()  # every step but the last is non-zero
HS_LAST_ZERO[:, -1] = 0.0
HS_LAST_ONLY = np.zeros_like(HS)  # only the last step is non-zero
HS_LAST_ONLY[:, -1] = HS[:, -1]
WY3 = np.array([[0.5, -0.2, 0.1], [0.3, 0.0, -0.4], [-0.1, 0.6, 0.2], [0.2, 0.1, 0.3]])
BY3 = np.array([0.25, -0.5, 1.0])
WY2 = np.array([[0.5, -0.2], [0.3, 0.0], [-0.1, 0.6], [0.2, 0.1]])
BY2 = np.array([0.25, -0.5])
# deep RNN: layers of H = 4; the second layer's Wx is (H, H)
WX2 = np.array([[0.3, 0.0, -0.2, 0.1], [-0.1, 0.2, 0.0, 0.4],
                [0.0, -0.3, 0.5, 0.0], [0.2, 0.1, 0.1, -0.2]])
WH2 = np.array([[0.1, 0.2, 0.0, -0.1], [0.0, 0.3, 0.1, 0.0],
                [-0.2, 0.0, 0.2, 0.1], [0.1, -0.1, 0.0, 0.3]])
WH2_SYM = (WH2 + WH2.T) / 2
B2 = np.array([-0.1, 0.0, 0.2, 0.05])
H0_2 = np.array([[0.9, -0.6, 0.5, 0.0], [0.0, 0.8, -0.7, 0.6]])
X4 = np.concatenate([XS, XS[:, :, :1] - 0.5], axis=2)  # D = H = 4: x fits every layer
WX4 = np.concatenate([WX, [[0.2, -0.3, 0.1, 0.4]]], axis=0)


def _seq(x, h0, Wh, b=ZB, Wx=WX) -> dict:
    return {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}


def _one(x0, h0, Wh, b=ZB, T=3) -> dict:
    return {"x0": x0, "h0": h0, "Wx": WX, "Wh": Wh, "b": b, "Wy": WY2, "by": BY2, "T": T}


FORWARD = "out = rnn_forward(x, h0, Wx, Wh, b)[0]"
ONE_H = "out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[1]"
DEEP = "out = deep_rnn_forward(x, h0s, layers)[0]"
FULL_SEQ = _seq(XS, H_PREV, WH, B)
FULL_ONE = _one(X, H_PREV, WH, B)
FULL_DEEP = {"x": XS, "h0s": [H_PREV, H0_2], "layers": [(WX, WH, B), (WX2, WH2, B2)]}

RNN_FORWARD_CHECKS = [
    Check(
        name="returns_pair",
        code="res = rnn_forward(x, h0, Wx, Wh, b)\n"
             "out = isinstance(res, (tuple, list)) and len(res) == 2",
        inputs=FULL_SEQ,
        expected=True,
        message="rnn_forward 應回傳兩個值 (h, cache)：最後一行寫 `return h, cache`。",
    ),
    Check(
        name="shape",
        code="import numpy as np\nout = list(np.shape(rnn_forward(x, h0, Wx, Wh, b)[0]))",
        inputs=FULL_SEQ,
        expected=[2, 3, 4],
        message="h 的 shape 應為 (N, T, H)：每一筆、每一個 time step 各有一個 hidden "
                "state（不要把 h0 也放進去，也不要只回傳最後一步）。",
    ),
    case("every_step", FORWARD, _seq(XS * SMALL, ZH, ZWH),
         "Wh = 0 時每一步只看自己的輸入，h[:, t] = tanh(x[:, t] @ Wx + b)：檢查迴圈是否走過"
         "每一個 time step、第 t 步是否用 x[:, t]、結果是否放在 h[:, t]（沒有錯開一格）。",
         **SMALL_TOL),
    case("h0_used", FORWARD, _seq(XS[:, :1] * SMALL, H_PREV * SMALL, WH_SYM),
         "T = 1 時 h[:, 0] 應為 tanh(x[:, 0] @ Wx + h0 @ Wh + b)：第一個 time step 的 "
         "h_prev 要用傳進來的 h0（不是 0）。", **SMALL_TOL),
    case("state_carried", FORWARD, _seq(XS_FIRST * SMALL, ZH, WH_SYM),
         "只有第一步有輸入時，之後的 h 要靠 h_prev @ Wh 延續下去：每一步的 h_prev 要更新成"
         "上一步算出的 h（不是一直用 h0）。", **SMALL_TOL),
    case("all_terms", FORWARD, FULL_SEQ,
         "所有輸入都非零時結果不對：每一步都是 h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)，"
         "與 rnn_cell_forward 的公式相同（同一組 Wx, Wh, b）。",
         integration=True),
    unchanged_inputs("rnn_forward", ["x", "h0", "Wx", "Wh", "b"], FULL_SEQ,
                     "rnn_forward 修改了傳進來的陣列（順序為 x, h0, Wx, Wh, b；常見：h_prev = h0 "
                     "之後寫 h_prev[...] = ...，會改到 h0）：請建立新的陣列。"),
]

ONE_TO_MANY_CHECKS = [
    Check(
        name="shapes",
        code="import numpy as np\n"
             "y, h = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)\n"
             "out = [list(np.shape(y)), list(np.shape(h))]",
        inputs=_one(X, H_PREV, WH, B, T=5),
        expected=[[2, 5, 2], [2, 5, 4]],
        message="應回傳 (y, h)：y 的 shape 為 (N, T, C)、h 為 (N, T, H)，T 是參數給的"
                "輸出步數。",
    ),
    case("first_step", "out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[1][:, 0]",
         _one(X * SMALL, H_PREV * SMALL, WH_SYM),
         "h[:, 0] 應為讀入 x0 之後的第一個狀態 tanh(x0 @ Wx + h0 @ Wh + b)：第一步用 x0 "
         "和傳進來的 h0。", **SMALL_TOL),
    case("input_only_at_first_step", ONE_H, _one(X * SMALL, ZH, WH_SYM),
         "x0 只在第一個 time step 輸入；之後的步驟沒有輸入，只算 tanh(h_prev @ Wh + b)，"
         "h_prev 是上一步的 h。你可能每一步都餵了 x0，或沒有把 h 傳下去。",
         **SMALL_TOL),
    case("read_out", "y, h = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)\nout = y - h @ Wy",
         FULL_ONE,
         "y 與你回傳的 h 對不起來：每一步 y[:, t] = h[:, t] @ Wy + by（同一組 Wy, by）。"
         "這裡比的是 y - h @ Wy，應等於 by。"),
    case("all_terms", ONE_H, FULL_ONE,
         "所有輸入都非零時 h 不對：第一步 tanh(x0 @ Wx + h0 @ Wh + b)，之後每一步 "
         "tanh(h_prev @ Wh + b)（每一步都要加 b）。", integration=True),
    unchanged_inputs("one_to_many", ["x0", "h0", "Wx", "Wh", "b", "Wy", "by"], FULL_ONE,
                     "one_to_many 修改了傳進來的陣列（順序為 x0, h0, Wx, Wh, b, Wy, by）："
                     "請建立新的陣列。", call="one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)"),
]

MANY_TO_ONE_CHECKS = [
    Check(
        name="shape",
        code="import numpy as np\nout = list(np.shape(many_to_one(h, Wy, by)))",
        inputs={"h": HS, "Wy": WY3, "by": BY3},
        expected=[2, 3],
        message="回傳的 shape 應為 (N, C)：每一筆序列一個分數向量。若得到 (T, C)，"
                "你可能寫成 h[-1]（最後一筆資料），應為 h[:, -1]（最後一個 time step）。",
    ),
    case("uses_last_step", "out = many_to_one(h, Wy, by)",
         {"h": HS_LAST_ONLY, "Wy": WY3, "by": np.zeros(3)},
         "只有最後一個 time step 的 h 非零時結果不對：many to one 要用讀完整段序列的 "
         "h[:, -1]（h_T），你可能用了 h[:, 0]、平均或加總。"),
    case("ignores_earlier_steps", "out = many_to_one(h, Wy, by)",
         {"h": HS_LAST_ZERO, "Wy": WY3, "by": np.zeros(3)},
         "最後一步的 h 為 0 時輸出應為 0（by = 0）：這個讀出層只用最後一個 time step，"
         "不要用 h[:, 0]，也不要把所有步平均或加起來。"),
    case("only_by", "out = many_to_one(h, Wy, by)",
         {"h": np.zeros((2, 3, 4)), "Wy": WY3, "by": BY3},
         "h 全為 0 時輸出應等於 by（每一筆都一樣）：bias by 可能漏加了。"),
    unchanged_inputs("many_to_one", ["h", "Wy", "by"], {"h": HS, "Wy": WY3, "by": BY3},
                     "many_to_one 修改了傳進來的陣列（順序為 h, Wy, by）：請建立新的陣列。"),
]

MANY_TO_MANY_CHECKS = [
    Check(
        name="shape",
        code="import numpy as np\nout = list(np.shape(many_to_many(h, Wy, by)))",
        inputs={"h": HS, "Wy": WY2, "by": BY2},
        expected=[2, 3, 2],
        message="回傳的 shape 應為 (N, T, C)：每一筆、每一個 time step 各一個分數向量。",
    ),
    case("only_h", "out = many_to_many(h, Wy, by)", {"h": HS, "Wy": WY2, "by": np.zeros(2)},
         "by = 0 時結果不對：每一步都是 y[:, t] = h[:, t] @ Wy（同一組 Wy），"
         "檢查相乘的順序與每一步是否都讀出了。"),
    case("only_by", "out = many_to_many(h, Wy, by)",
         {"h": np.zeros((2, 3, 4)), "Wy": WY2, "by": BY2},
         "h 全為 0 時每一步的輸出都應等於 by：bias by 可能漏加了。"),
    unchanged_inputs("many_to_many", ["h", "Wy", "by"], {"h": HS, "Wy": WY2, "by": BY2},
                     "many_to_many 修改了傳進來的陣列（順序為 h, Wy, by）：請建立新的陣列。"),
]

DEEP_CHECKS = [
    Check(
        name="shapes",
        code="import numpy as np\n"
             "top, hs = deep_rnn_forward(x, h0s, layers)\n"
             "out = [list(np.shape(top)), len(hs)] + [list(np.shape(h)) for h in hs]",
        inputs=FULL_DEEP,
        expected=[[2, 3, 4], 2, [2, 3, 4], [2, 3, 4]],
        message="應回傳 (h_top, hs)：h_top 的 shape 為 (N, T, H)，hs 是每一層一個 "
                "(N, T, H) 的 list（兩層就有兩個）；第一層的 Wx 是 (D, H)，上面各層是 (H, H)。",
    ),
    case("second_layer_reads_first", DEEP,
         {"x": X4 * SMALL, "h0s": [ZH, ZH], "layers": [(WX4, ZWH, ZB), (WX2, ZWH, ZB)]},
         "第二層的輸入應為第一層每個 time step 的 hidden state（shape (N, T, H)），"
         "不是原始的 x，也不是只有最後一步；每一層用自己的 (Wx, Wh, b)。", **SMALL_TOL),
    case("own_h0_per_layer", DEEP,
         {"x": np.zeros((2, 3, 4)), "h0s": np.array([ZH, H0_2 * SMALL]),
          "layers": [(WX4, WH_SYM, ZB), (WX2, WH2_SYM, ZB)]},
         "只有第二層的初始狀態非零時結果不對：第 l 層要用自己的 h0s[l] 當初始狀態"
         "（h0s 可以是 list，也可以是 (L, N, H) 的陣列）。", **SMALL_TOL),
    Check(
        name="top_is_last_layer",
        code="import numpy as np\n"
             "top, hs = deep_rnn_forward(x, h0s, layers)\n"
             "out = bool(np.array_equal(top, hs[-1]))",
        inputs=FULL_DEEP,
        expected=True,
        message="h_top 應為最上面一層（最後一層）的 hidden state，也就是 hs[-1]。",
    ),
    case("all_terms", DEEP, FULL_DEEP,
         "所有輸入都非零時 h_top 不對：每一層都是一個 rnn_forward（自己的 h0s[l] 與 "
         "(Wx, Wh, b)），第 l 層讀第 l-1 層的 h。",
         integration=True),
    unchanged_inputs(
        "deep_rnn_forward", ["x", "h01", "h02", "Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"],
        {"x": XS, "h01": H_PREV, "h02": H0_2, "Wx1": WX, "Wh1": WH, "b1": B, "Wx2": WX2,
         "Wh2": WH2, "b2": B2},
        "deep_rnn_forward 修改了傳進來的陣列（x、h0s 或 layers 裡的權重）：請建立新的陣列。",
        call="deep_rnn_forward(x, [h01, h02], [(Wx1, Wh1, b1), (Wx2, Wh2, b2)])"),
]

CHECKS = {
    "test_rnn_cell_forward": RNN_CELL_FORWARD_CHECKS,
    "test_rnn_forward": RNN_FORWARD_CHECKS,
    "test_many_to_one": MANY_TO_ONE_CHECKS,
    "test_many_to_many": MANY_TO_MANY_CHECKS,
}

# the ungraded 選讀 exercises: the same verdict and causes, no points
PRACTICE = {
    "practice_one_to_many": ONE_TO_MANY_CHECKS,
    "practice_deep_rnn_forward": DEEP_CHECKS,
}
