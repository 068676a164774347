"""Public checks of ``rnn_cell_forward``, shared by every assignment that grades it
(19-1, 19-2 and Lab03): one spec, one set of checks, one term isolated at a time.

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


RNN_CELL_FORWARD_CHECKS = [
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
            inputs=_inputs(x=np.array([[1.0, 0.5, -0.5]]), h=np.zeros((1, 4)), b=np.zeros(4)),
            expected=np.array([[0.4621171573, -0.5716699661, 0.2913126125, -0.3363755443]]),
            message="N=1（只有一筆資料）時結果不對：h_next 仍應是 (1, H) 的二維陣列，"
                    "不要用 squeeze 或寫死 batch 大小（若 only_x 也失敗，先修正它）。",
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
]
