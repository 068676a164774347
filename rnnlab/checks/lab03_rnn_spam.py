"""Public checks of Lab03 (建立 RNN 網路做垃圾郵件分類): the RNN cell one term at a time, and
the masked mean pooling of the many-to-one read-out one rule at a time.

Expected values are literals pasted from the reference output.
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check

# N=2, D=3, H=4; Wh is not symmetric, so h_prev @ Wh and Wh @ h_prev differ
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
H_PREV = np.array([[0.3, -0.6, 0.9, 0.1], [-0.2, 0.4, 0.0, -0.8]])
WX = np.array([[0.2, -0.4, 0.6, 0.1], [0.5, 0.3, -0.2, -0.7], [-0.1, 0.8, 0.4, 0.2]])
WH = np.array([[0.1, 0.7, -0.3, 0.2], [-0.5, 0.2, 0.4, 0.6], [0.3, -0.1, 0.2, -0.4],
               [0.6, 0.05, -0.7, 0.3]])
B = np.array([0.1, -0.2, 0.3, -0.4])


def _inputs(x=X, h=H_PREV, b=B, Wx=WX, Wh=WH) -> dict:
    return {"x": x, "h": h, "Wx": Wx, "Wh": Wh, "b": b}


CELL = "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]"

# N=2, T=4, H=3: row 0 has 3 real steps, row 1 has 1; padding steps hold 100 (or 0)
P = 100.0
HS = np.array([[[0.1, -0.2, 0.3], [0.5, 0.4, -0.6], [-0.3, 0.9, 0.0], [P, P, P]],
               [[0.8, -0.5, 0.2], [P, P, P], [P, P, P], [P, P, P]]])
HS_ZERO_PAD = np.where(HS == P, 0.0, HS)
HS_FULL = np.where(HS == P, 0.5, HS)
MASK = np.array([[True, True, True, False], [True, False, False, False]])
POOL = "out = masked_mean_pool(hs, mask)"

CHECKS = {
    "test_rnn_cell_forward": [
        Check(
            name="returns_pair",
            code=("res = rnn_cell_forward(x, h, Wx, Wh, b)\n"
                  "out = isinstance(res, (tuple, list)) and len(res) == 2"),
            inputs=_inputs(),
            expected=True,
            message="rnn_cell_forward 應回傳兩個值 (h_next, cache)：最後一行寫 "
                    "`return h_next, cache`（cache 可以是任何東西，例如 None）。",
        ),
        Check(
            name="shape",
            code=("import numpy as np\n"
                  "out = list(np.shape(rnn_cell_forward(x, h, Wx, Wh, b)[0]))"),
            inputs={"x": np.ones((3, 2)), "h": np.zeros((3, 5)), "Wx": np.ones((2, 5)) * 0.1,
                    "Wh": np.eye(5) * 0.5, "b": np.zeros(5)},
            expected=[3, 5],
            message="h_next 的 shape 應為 (N, H)：x_t 是 (N, D)、Wx 是 (D, H)，所以用 "
                    "x_t @ Wx（矩陣乘法），不是 Wx @ x_t 或逐元素相乘 *。",
        ),
        Check(
            name="only_x",
            code=CELL,
            inputs=_inputs(h=np.zeros((2, 4)), b=np.zeros(4)),
            expected=np.array([[-0.537049567, 0.8004990218, 0.8617231593, 0.817754078],
                               [0.442230356, -0.728254206, 0.5716699661, -0.1243530018]]),
            message="只有 x_t 非零（h_prev 與 b 都是 0）時結果不對：輸入項應為 x_t @ Wx"
                    "（矩陣乘法，x_t 在左邊），再套上 tanh。",
        ),
        Check(
            name="only_h_prev",
            code=CELL,
            inputs=_inputs(x=np.zeros((2, 3)), b=np.zeros(4)),
            expected=np.array([[0.578363413, 0.0049999583, -0.2165180615, -0.5580522156],
                               [-0.6043677771, -0.0996679946, 0.652706706, -0.0399786803]]),
            message="只有 h_prev 非零（x_t 與 b 都是 0）時結果不對：hidden state 項應為 "
                    "h_prev @ Wh（h_prev 在左邊；Wh @ h_prev 的順序不對），這一項可能漏加了。",
        ),
        Check(
            name="only_b",
            code=CELL,
            inputs=_inputs(x=np.zeros((2, 3)), h=np.zeros((2, 4))),
            expected=np.array([[0.0996679946, -0.1973753202, 0.2913126125, -0.3799489623],
                               [0.0996679946, -0.1973753202, 0.2913126125, -0.3799489623]]),
            message="只有 b 非零（x_t 與 h_prev 都是 0）時結果不對：bias 項 b 可能漏加了；"
                    "b 的 shape 是 (H,)，直接 + b 就會廣播 (broadcast) 到每一筆資料。",
        ),
        Check(
            name="tanh_applied",
            code=CELL,
            inputs=_inputs(x=np.array([[30.0, -30.0, 10.0]]), h=np.zeros((1, 4)),
                           b=np.zeros(4)),
            expected=np.array([[-0.9999999959, -1.0, 1.0, 1.0]]),
            message="輸入很大時 h_next 應飽和到 -1 或 +1：最後要套上 np.tanh"
                    "（不是 sigmoid 或 ReLU，也不能漏掉）。",
        ),
        Check(
            name="all_terms",
            code=CELL,
            inputs=_inputs(),
            expected=np.array([[0.1586485043, 0.7187237485, 0.880951268, 0.1194272985],
                               [-0.1243530018, -0.8411229016, 0.9390559335, -0.5116777982]]),
            message="三項都非零時結果不對：h_next = tanh(x_t @ Wx + h_prev @ Wh + b)，"
                    "三項相加後再取 tanh（不是分別取 tanh 再相加）。",
        ),
        Check(
            name="batch_of_one",
            code=CELL,
            inputs=_inputs(x=np.array([[1.0, 0.5, -0.5]]), h=np.array([[0.5, -0.5, 0.25, 0.0]])),
            expected=np.array([[0.7508932836, -0.5545997223, 0.2913126125, -0.7818063576]]),
            message="N=1（只有一筆資料）時結果不對：h_next 仍應是 (1, H) 的二維陣列，"
                    "不要用 squeeze 或寫死 batch 大小（若上面的檢查也失敗，先修正它們）。",
        ),
        Check(
            name="inputs_not_modified",
            code=("import numpy as np\n"
                  "before = [a.copy() for a in (x, h, Wx, Wh, b)]\n"
                  "rnn_cell_forward(x, h, Wx, Wh, b)\n"
                  "out = [bool(np.array_equal(a, c)) for a, c in zip((x, h, Wx, Wh, b), before)]"),
            inputs=_inputs(),
            expected=[True, True, True, True, True],
            message="rnn_cell_forward 修改了輸入陣列（順序為 x_t, h_prev, Wx, Wh, b）："
                    "不要用 `h_prev += ...`、`x_t *= ...` 這類 in-place 運算，請建立新陣列。",
        ),
    ],    "test_masked_mean_pool": [
        Check(
            name="shape",
            code="import numpy as np\nout = list(np.shape(masked_mean_pool(hs, mask)))",
            inputs={"hs": HS, "mask": MASK},
            expected=[2, 3],
            message="回傳的 shape 應為 (N, H)：對時間軸 (axis=1) 取平均，不要保留長度 1 的維度"
                    "（例如 (N, 1, H)），也不要對 batch 或 hidden 維度取平均。",
        ),
        Check(
            name="all_real_steps",
            code=POOL,
            inputs={"hs": HS_FULL, "mask": np.ones((2, 4), dtype=bool)},
            expected=np.array([[0.2, 0.4, 0.05], [0.575, 0.25, 0.425]]),
            message="mask 全為 True（沒有 padding）時，結果應等於 hs.mean(axis=1)："
                    "平均的是時間軸 axis=1。",
        ),
        Check(
            name="denominator_is_row_length",
            code=POOL,
            inputs={"hs": HS_ZERO_PAD, "mask": MASK},
            expected=np.array([[0.1, 1.1 / 3, -0.1], [0.8, -0.5, 0.2]]),
            message="padding 的 h 都是 0 時仍然不對：分母應是每一列自己真正的 time step 數 "
                    "mask[n].sum()（第 0 列是 3、第 1 列是 1），不是 T，也不是整個 batch 的總數。",
        ),
        Check(
            name="padding_ignored",
            code=POOL,
            inputs={"hs": HS, "mask": MASK},
            expected=np.array([[0.1, 1.1 / 3, -0.1], [0.8, -0.5, 0.2]]),
            message="padding 的位置（mask 為 False，h 填成 100）被算進平均了：分子只能加總 "
                    "mask 為 True 的 h_t（例如先乘上 mask[:, :, None]）。若 "
                    "denominator_is_row_length 也失敗，先修正分母。",
        ),
        Check(
            name="mask_not_at_the_end",
            code=POOL,
            inputs={"hs": np.array([[[P, P, P], [0.2, 0.4, -0.6], [P, P, P], [0.6, -0.2, 0.1]]]),
                    "mask": np.array([[False, True, False, True]])},
            expected=np.array([[0.4, 0.1, -0.25]]),
            message="mask 為 True 的位置不一定在最前面（例如 pre-padding）：請直接用 mask "
                    "選出 time step，不要假設前 mask.sum() 個才是真的 token"
                    "（若上面的檢查也失敗，先修正它們）。",
        ),
        Check(
            name="single_time_step",
            code=POOL,
            inputs={"hs": np.array([[[0.25, -0.75]], [[0.5, 0.125]]]),
                    "mask": np.ones((2, 1), dtype=bool)},
            expected=np.array([[0.25, -0.75], [0.5, 0.125]]),
            message="T=1 時平均就是唯一那一步的 h：結果應為 hs[:, 0]，shape (N, H)。",
        ),
        Check(
            name="inputs_not_modified",
            code=("import numpy as np\n"
                  "before = (hs.copy(), mask.copy())\n"
                  "masked_mean_pool(hs, mask)\n"
                  "out = [bool(np.array_equal(hs, before[0])), "
                  "bool(np.array_equal(mask, before[1]))]"),
            inputs={"hs": HS, "mask": MASK},
            expected=[True, True],
            message="masked_mean_pool 修改了輸入（順序為 hs, mask）：不要用 `hs *= ...` 或 "
                    "`hs[~mask] = 0` 這類 in-place 運算，請建立新陣列。",
        ),
    ],
}
