"""Public checks of 19-1 (RNN 網路的種類): rnn_cell_forward, rnn_forward, the read-outs and
the deep RNN. Expected values are literals pasted from the reference output; each check
isolates one term (zero every input but one) so that a failure names the mistake.
"""

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.rnn_cell import RNN_CELL_FORWARD_CHECKS

# N = 2, D = 3, H = 4 (all different, so that a transposed product fails loudly)
X = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]])
H_PREV = np.array([[0.1, -0.2, 0.3, 0.0], [-0.4, 0.5, 0.0, 0.2]])
WX = np.array([[0.2, -0.1, 0.0, 0.3], [0.1, 0.4, -0.2, 0.0], [-0.3, 0.1, 0.2, 0.1]])
WH = np.array([[0.5, 0.0, -0.3, 0.1], [0.2, -0.4, 0.0, 0.3],
               [0.0, 0.1, 0.6, -0.2], [-0.1, 0.2, 0.0, 0.4]])
B = np.array([0.1, -0.2, 0.05, 0.3])
ZX, ZH, ZB = np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(4)
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
# deep RNN: 2 layers of H = 4 on XS
WX2 = np.array([[0.3, 0.0, -0.2, 0.1], [-0.1, 0.2, 0.0, 0.4],
                [0.0, -0.3, 0.5, 0.0], [0.2, 0.1, 0.1, -0.2]])
WH2 = np.array([[0.1, 0.2, 0.0, -0.1], [0.0, 0.3, 0.1, 0.0],
                [-0.2, 0.0, 0.2, 0.1], [0.1, -0.1, 0.0, 0.3]])
B2 = np.array([-0.1, 0.0, 0.2, 0.05])
H0_2 = np.array([[0.9, -0.6, 0.5, 0.0], [0.0, 0.8, -0.7, 0.6]])

INPUTS_KEPT = (
    "kept = [a.copy() for a in ({args})]\n"
    "{call}\n"
    "out = all(np.array_equal(a, k) for a, k in zip(({args},), kept))"
)


def _kept(call: str, args: str) -> str:
    """Probe code: call a function, then tell whether its array inputs are unchanged."""
    return "import numpy as np\n" + INPUTS_KEPT.format(call=call, args=args)


def _cell(x, h, b, wx=WX, wh=WH):
    return {"x_t": x, "h_prev": h, "Wx": wx, "Wh": wh, "b": b}


NEEDS_CELL = "（one_to_many 用到你的 rnn_cell_forward：請先讓 test_rnn_cell_forward 通過）"

CHECKS = {
    "test_rnn_cell_forward": RNN_CELL_FORWARD_CHECKS,
    "test_rnn_forward": [
        Check(
            name="returns_pair",
            code="res = rnn_forward(x, h0, Wx, Wh, b)\n"
                 "out = type(res) is tuple and len(res) == 2",
            inputs={"x": XS, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B},
            expected=True,
            message="rnn_forward 應回傳兩個值 (h, cache)。",
        ),
        Check(
            name="shape",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0].shape",
            inputs={"x": XS, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B},
            expected=(2, 3, 4),
            message="h 的 shape 應為 (N, T, H)：每一筆、每一個 time step 各有一個 hidden "
                    "state（不要把 h0 也放進去，也不要只回傳最後一步）。",
        ),
        Check(
            name="one_step_equals_cell",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
            inputs={"x": XS[:, :1], "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B},
            expected=np.array([[[-0.4542164327, -0.3274773948, 0.6640367703, 0.4929879667]],
                               [[0.2729050806, 0.1877462059, -0.2260283523, 0.4136444422]]]),
            message="T = 1 時，h[:, 0] 應等於 rnn_cell_forward(x[:, 0], h0, Wx, Wh, b) 的 "
                    "h_next：檢查每一步的公式（tanh、x @ Wx、h @ Wh、b）。",
        ),
        Check(
            name="h0_used",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
            inputs={"x": np.zeros((2, 3, 3)), "h0": H_PREV, "Wx": WX, "Wh": WH, "b": ZB},
            expected=np.array([[[0.0099996667, 0.1095584702, 0.1488850336, -0.1095584702],
                                [0.037849285, -0.0508028049, 0.0861172806, -0.0397119915],
                                [0.0127345922, 0.0209873695, 0.0402937548, -0.0445346881]],
                               [[-0.1194272985, -0.1586485043, 0.1194272985, 0.1877462059],
                                [-0.1097738195, 0.1124734664, 0.1070725519, -0.0083240662],
                                [-0.0315493359, -0.0359314693, 0.0968709477, -0.0019794763]]]),
            message="只有 h0 非零時結果不對：第一個 time step 的 h_prev 應該是傳進來的 h0"
                    "（不是 0），之後每一步用上一步算出的 h。",
        ),
        Check(
            name="state_carried",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
            inputs={"x": XS_FIRST, "h0": ZH, "Wx": WX, "Wh": WH, "b": ZB},
            expected=np.array([[[-0.537049567, -0.2449186624, 0.537049567, 0.3363755443],
                                [-0.3373915465, 0.2155147036, 0.4489181952, -0.0997078457],
                                [-0.1151095588, -0.0611791303, 0.3544887696, -0.0984317644]],
                               [[0.2913126125, 0.5005202112, -0.3799489623, -0.049958375],
                                [0.2456293567, -0.2432208631, -0.3053082706, 0.2310456168],
                                [0.0510216015, 0.1124885421, -0.2513691466, 0.104691558]]]),
            message="只有第一步有輸入時，之後的 h 應該靠 h_prev @ Wh 延續下去（不會變 0）："
                    "每一步的 h_prev 要更新成上一步的 h，而不是一直用 h0。",
        ),
        Check(
            name="every_step",
            code="out = rnn_forward(x, h0, Wx, Wh, b)[0]",
            inputs={"x": XS, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B},
            expected=np.array([[[-0.4542164327, -0.3274773948, 0.6640367703, 0.4929879667],
                                [0.1076784244, -0.0539553222, 0.4499894039, 0.4387832767],
                                [-0.1004898596, 0.2489918351, 0.280007412, 0.2729945538]],
                               [[0.2729050806, 0.1877462059, -0.2260283523, 0.4136444422],
                                [0.2285294543, -0.1341587354, -0.1659397596, 0.5877867835],
                                [0.2247510164, -0.4970444387, 0.0816948316, 0.6915435272]]]),
            message="h[:, t] 應為讀完 x[:, t] 之後的 hidden state：檢查迴圈的範圍（每個 "
                    "time step 都要算）與索引（沒有錯開一格、第 t 步用的是 x[:, t]）。",
        ),
        Check(
            name="inputs_not_modified",
            code=_kept("rnn_forward(x, h0, Wx, Wh, b)", "x, h0, Wx, Wh, b"),
            inputs={"x": XS, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B},
            expected=True,
            message="rnn_forward 修改了傳進來的陣列（常見：h_prev = h0 之後寫 h_prev[...] = "
                    "...，會改到 h0）：請建立新的陣列。",
        ),
    ],
    "test_one_to_many": [
        Check(
            name="shapes",
            code="y, h = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)\n"
                 "out = [y.shape, h.shape]",
            inputs={"x0": X, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B, "Wy": WY2,
                    "by": BY2, "T": 5},
            expected=[(2, 5, 2), (2, 5, 4)],
            message="應回傳 (y, h)：y 的 shape 為 (N, T, C)、h 為 (N, T, H)，T 是參數給的"
                    "輸出步數。",
        ),
        Check(
            name="first_step_is_a_cell",
            code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[1][:, 0]",
            inputs={"x0": X, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B, "Wy": WY2,
                    "by": BY2, "T": 3},
            expected=np.array([[-0.4542164327, -0.3274773948, 0.6640367703, 0.4929879667],
                               [0.2729050806, 0.1877462059, -0.2260283523, 0.4136444422]]),
            message="h[:, 0] 應為第一個 time step 讀入 x0 之後的狀態，也就是 "
                    "rnn_cell_forward(x0, h0, Wx, Wh, b) 的 h_next。" + NEEDS_CELL,
        ),
        Check(
            name="input_only_at_first_step",
            code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[1]",
            inputs={"x0": X, "h0": ZH, "Wx": WX, "Wh": WH, "b": ZB, "Wy": WY2,
                    "by": BY2, "T": 3},
            expected=np.array([[[-0.537049567, -0.2449186624, 0.537049567, 0.3363755443],
                                [-0.3373915465, 0.2155147036, 0.4489181952, -0.0997078457],
                                [-0.1151095588, -0.0611791303, 0.3544887696, -0.0984317644]],
                               [[0.2913126125, 0.5005202112, -0.3799489623, -0.049958375],
                                [0.2456293567, -0.2432208631, -0.3053082706, 0.2310456168],
                                [0.0510216015, 0.1124885421, -0.2513691466, 0.104691558]]]),
            message="x0 只在第一個 time step 輸入；之後的步驟沒有輸入，只算 "
                    "tanh(h_prev @ Wh + b)。你可能每一步都餵了 x0，或沒有把 h 傳下去。",
        ),
        Check(
            name="h0_and_bias",
            code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[1]",
            inputs={"x0": ZX, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B, "Wy": WY2,
                    "by": BY2, "T": 3},
            expected=np.array([[[0.1095584702, -0.0897577847, 0.1973753202, 0.1877462059],
                                [0.1175076812, -0.1064057804, 0.134733379, 0.3091921604],
                                [0.1061520348, -0.0819417773, 0.0952976544, 0.3597156253]],
                               [[-0.0199973338, -0.3452140341, 0.1683810459, 0.4542164327],
                                [-0.0244582382, 0.0457350767, 0.1557497813, 0.3296597047],
                                [0.0638648836, -0.1359403205, 0.1496548307, 0.390159894]]]),
            message="x0 為 0 時結果不對：第一步要用傳進來的 h0，每一步都要加 bias b。"
                    + NEEDS_CELL,
        ),
        Check(
            name="read_out_every_step",
            code="out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, T)[0]",
            inputs={"x0": X, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B, "Wy": WY2,
                    "by": BY2, "T": 3},
            expected=np.array([[[-0.0431575185, 0.0385641454],
                                [0.1508986163, -0.1151827016],
                                [0.211712849, -0.2212444115]],
                               [[0.5481081257, -0.6488335833],
                                [0.4239354589, -0.5919732184],
                                [0.406520144, -0.5475003061]]]),
            message="y 不對（h 已正確時）：每一個 time step 的輸出是 y[:, t] = h[:, t] @ Wy "
                    "+ by，記得加 by。",
        ),
        Check(
            name="inputs_not_modified",
            code=_kept("one_to_many(x0, h0, Wx, Wh, b, Wy, by, 3)", "x0, h0, Wx, Wh, b, Wy, by"),
            inputs={"x0": X, "h0": H_PREV, "Wx": WX, "Wh": WH, "b": B, "Wy": WY2, "by": BY2},
            expected=True,
            message="one_to_many 修改了傳進來的陣列：請建立新的陣列。",
        ),
    ],
    "test_many_to_one": [
        Check(
            name="shape",
            code="out = many_to_one(h, Wy, by).shape",
            inputs={"h": HS, "Wy": WY3, "by": BY3},
            expected=(2, 3),
            message="回傳的 shape 應為 (N, C)：每一筆序列一個分數向量。若得到 (T, C)，"
                    "你可能寫成 h[-1]（最後一筆資料），應為 h[:, -1]（最後一個 time step）。",
        ),
        Check(
            name="uses_last_step",
            code="out = many_to_one(h, Wy, by)",
            inputs={"h": HS_LAST_ONLY, "Wy": WY3, "by": ZB[:3]},
            expected=np.array([[0.02, 0.18, 0.37],
                               [-0.06, 0.52, 0.03]]),
            message="只有最後一個 time step 的 h 非零時結果不對：many to one 要用讀完整段"
                    "序列的 h[:, -1]，你可能用了 h[:, 0]、平均或加總。",
        ),
        Check(
            name="ignores_earlier_steps",
            code="out = many_to_one(h, Wy, by)",
            inputs={"h": HS_LAST_ZERO, "Wy": WY3, "by": ZB[:3]},
            expected=np.array([[0.0, 0.0, 0.0],
                               [0.0, 0.0, 0.0]]),
            message="最後一步的 h 為 0 時輸出應為 0（by = 0）：讀出層只能用最後一個 time "
                    "step，不要用 h[:, 0] 或把所有步加起來。",
        ),
        Check(
            name="only_by",
            code="out = many_to_one(h, Wy, by)",
            inputs={"h": np.zeros((2, 3, 4)), "Wy": WY3, "by": BY3},
            expected=np.array([[0.25, -0.5, 1.0],
                               [0.25, -0.5, 1.0]]),
            message="h 全為 0 時輸出應等於 by（每一筆都一樣）：bias by 可能漏加了。",
        ),
        Check(
            name="inputs_not_modified",
            code=_kept("many_to_one(h, Wy, by)", "h, Wy, by"),
            inputs={"h": HS, "Wy": WY3, "by": BY3},
            expected=True,
            message="many_to_one 修改了傳進來的陣列：請建立新的陣列。",
        ),
    ],
    "test_many_to_many": [
        Check(
            name="shape",
            code="out = many_to_many(h, Wy, by).shape",
            inputs={"h": HS, "Wy": WY2, "by": BY2},
            expected=(2, 3, 2),
            message="回傳的 shape 應為 (N, T, C)：每一筆、每一個 time step 各一個分數向量。",
        ),
        Check(
            name="only_h",
            code="out = many_to_many(h, Wy, by)",
            inputs={"h": HS, "Wy": WY2, "by": ZB[:2]},
            expected=np.array([[[0.22, -0.16],
                                [-0.18, 0.31],
                                [0.02, 0.18]],
                               [[-0.01, 0.07],
                                [0.36, -0.32],
                                [-0.06, 0.52]]]),
            message="by = 0 時結果不對：每一步都是 y[:, t] = h[:, t] @ Wy（同一組 Wy），"
                    "檢查相乘的順序與每一步是否都讀出了。",
        ),
        Check(
            name="only_by",
            code="out = many_to_many(h, Wy, by)",
            inputs={"h": np.zeros((2, 3, 4)), "Wy": WY2, "by": BY2},
            expected=np.array([[[0.25, -0.5],
                                [0.25, -0.5],
                                [0.25, -0.5]],
                               [[0.25, -0.5],
                                [0.25, -0.5],
                                [0.25, -0.5]]]),
            message="h 全為 0 時每一步的輸出都應等於 by：bias by 可能漏加了。",
        ),
        Check(
            name="inputs_not_modified",
            code=_kept("many_to_many(h, Wy, by)", "h, Wy, by"),
            inputs={"h": HS, "Wy": WY2, "by": BY2},
            expected=True,
            message="many_to_many 修改了傳進來的陣列：請建立新的陣列。",
        ),
    ],
    "test_deep_rnn_forward": [
        Check(
            name="shapes",
            code="top, hs = deep_rnn_forward(x, h0s, layers)\n"
                 "out = [top.shape, len(hs)] + [h.shape for h in hs]",
            inputs={"x": XS, "h0s": [ZH, ZH], "layers": [(WX, WH, B), (WX2, WH2, B2)]},
            expected=[(2, 3, 4), 2, (2, 3, 4), (2, 3, 4)],
            message="應回傳 (h_top, hs)：h_top 的 shape 為 (N, T, H)，hs 是每一層一個 "
                    "(N, T, H) 的 list（兩層就有兩個）。",
        ),
        Check(
            name="one_layer_is_rnn_forward",
            code="out = deep_rnn_forward(x, h0s, layers)[0]",
            inputs={"x": XS, "h0s": [H_PREV], "layers": [(WX, WH, B)]},
            expected=np.array([[[-0.4542164327, -0.3274773948, 0.6640367703, 0.4929879667],
                                [0.1076784244, -0.0539553222, 0.4499894039, 0.4387832767],
                                [-0.1004898596, 0.2489918351, 0.280007412, 0.2729945538]],
                               [[0.2729050806, 0.1877462059, -0.2260283523, 0.4136444422],
                                [0.2285294543, -0.1341587354, -0.1659397596, 0.5877867835],
                                [0.2247510164, -0.4970444387, 0.0816948316, 0.6915435272]]]),
            message="只有一層時，結果應等於 rnn_forward(x, h0s[0], *layers[0]) 的 h"
                    "（deep_rnn_forward 用到你的 rnn_forward：請先讓 test_rnn_forward 通過）。",
        ),
        Check(
            name="second_layer_reads_first",
            code="out = deep_rnn_forward(x, h0s, layers)[0]",
            inputs={"x": XS, "h0s": [ZH, ZH], "layers": [(WX, WH, B), (WX2, WH2, B2)]},
            expected=np.array([[[-0.0819272113, -0.196138908, 0.5617767197, -0.2722620083],
                                [-0.131767987, -0.1257414683, 0.4824575158, -0.0545152663],
                                [-0.2083998791, -0.0619430529, 0.4361420871, 0.1169468708]],
                               [[0.0293224585, 0.1903300846, -0.0196831559, 0.171839366],
                                [0.1612485495, 0.1353330202, 0.0802841094, -0.0837918405],
                                [0.1507654929, 0.0564912712, 0.2429813403, -0.2781617732]]]),
            message="第二層的輸入應為第一層每個 time step 的 hidden state（shape (N, T, H)），"
                    "不是原始的 x，也不是只有最後一步；每一層用自己的 (Wx, Wh, b)。",
        ),
        Check(
            name="own_h0_per_layer",
            code="out = deep_rnn_forward(x, h0s, layers)[0]",
            inputs={"x": np.zeros((2, 3, 3)), "h0s": [ZH, H0_2],
                    "layers": [(WX, WH, ZB), (WX2, WH2, ZB)]},
            expected=np.array([[[-0.0099996667, 0.0, 0.0399786803, -0.0399786803],
                                [-0.0129928396, 0.001997932, 0.0079955657, -0.0069956553],
                                [-0.0035979471, -0.001299622, 0.0017989044, 1.439e-07]],
                               [[0.1973753202, 0.1780808681, -0.0599281035, 0.1095584702],
                                [0.0426531054, 0.0817605592, 0.0058224003, 0.0071370775],
                                [0.0038145197, 0.032333806, 0.0093402644, -0.001541946]]]),
            message="只有第二層的初始狀態非零時結果不對：第 l 層要用自己的 h0s[l] 當初始狀態。",
        ),
        Check(
            name="top_is_last_layer",
            code="top, hs = deep_rnn_forward(x, h0s, layers)\n"
                 "import numpy as np\n"
                 "out = bool(np.array_equal(top, hs[-1]))",
            inputs={"x": XS, "h0s": [ZH, ZH], "layers": [(WX, WH, B), (WX2, WH2, B2)]},
            expected=True,
            message="h_top 應為最上面一層（最後一層）的 hidden state，也就是 hs[-1]。",
        ),
        Check(
            name="inputs_not_modified",
            code=_kept("deep_rnn_forward(x, h0s, layers)",
                       "x, *h0s, *[w for layer in layers for w in layer]"),
            inputs={"x": XS, "h0s": [H_PREV, H0_2], "layers": [(WX, WH, B), (WX2, WH2, B2)]},
            expected=True,
            message="deep_rnn_forward 修改了傳進來的陣列：請建立新的陣列。",
        ),
    ],
}
