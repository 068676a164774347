"""Public checks of Lab03 (建立 RNN 網路做垃圾郵件分類): the RNN cell one term at a time, and
the masked mean pooling of the many-to-one read-out one rule at a time.

Expected values are literals pasted from the reference output.
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.rnn_cell import RNN_CELL_FORWARD_CHECKS

# N=2, T=4, H=3: row 0 has 3 real steps, row 1 has 1; padding steps hold 100 (or 0)
P = 100.0
HS = np.array([[[0.1, -0.2, 0.3], [0.5, 0.4, -0.6], [-0.3, 0.9, 0.0], [P, P, P]],
               [[0.8, -0.5, 0.2], [P, P, P], [P, P, P], [P, P, P]]])
HS_ZERO_PAD = np.where(HS == P, 0.0, HS)
HS_FULL = np.where(HS == P, 0.5, HS)
MASK = np.array([[True, True, True, False], [True, False, False, False]])
POOL = "out = masked_mean_pool(hs, mask)"

CHECKS = {
    "test_rnn_cell_forward": RNN_CELL_FORWARD_CHECKS,
    "test_masked_mean_pool": [
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
