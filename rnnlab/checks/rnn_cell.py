"""Public checks of ``rnn_cell_forward``, shared by every assignment that grades it
(19-1, 19-2 and Lab03): one spec, one set of checks, one idea per check.

The rules they grade (each notebook's docstring states them): ``(h_next, cache)`` is
returned; ``h_next = tanh(x_t @ Wx + h_prev @ Wh + b)`` has shape (N, H), also for N = 1;
the inputs are not modified. The one-term checks use small inputs, where tanh is nearly
the identity (tanh(z) = z - z^3/3 + ...), so each of them isolates its own term and a
missing tanh is reported once, by ``tanh_applied``. Expected values are ``PINNED`` per
assignment (``python -m autograder pin <assignment>`` for each of 19-1, 19-2 and Lab03).
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check
from rnnlab.checks.factories import case, unchanged_inputs

# N=2, D=3, H=4; Wh is not symmetric, so h_prev @ Wh and Wh @ h_prev (or Wh.T) differ
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
H_PREV = np.array([[0.3, -0.6, 0.9, 0.1], [-0.2, 0.4, 0.0, -0.8]])
WX = np.array([[0.2, -0.4, 0.6, 0.1], [0.5, 0.3, -0.2, -0.7], [-0.1, 0.8, 0.4, 0.2]])
WH = np.array([[0.1, 0.7, -0.3, 0.2], [-0.5, 0.2, 0.4, 0.6], [0.3, -0.1, 0.2, -0.4],
               [0.6, 0.05, -0.7, 0.3]])
B = np.array([0.1, -0.2, 0.3, -0.4])
SMALL = 0.005  # inputs scaled down: pre-activations stay below ~0.03, where tanh(z) and z
SMALL_TOL = {"rtol": 1e-3, "atol": 1e-5}  # differ by < z^3/3 < 1e-5: a check on small
# inputs grades its own term, not the tanh; a wrong term still changes values by ~z


def _inputs(x=X, h=H_PREV, b=B, Wx=WX, Wh=WH) -> dict:
    return {"x": x, "h": h, "Wx": Wx, "Wh": Wh, "b": b}


CELL = "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]"
ZX, ZH, ZB = np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(4)


RNN_CELL_FORWARD_CHECKS = [
    Check(
        name="returns_pair",
        code=("res = rnn_cell_forward(x, h, Wx, Wh, b)\n"
              "out = isinstance(res, (tuple, list)) and len(res) == 2"),
        inputs=_inputs(),
        expected=True,
        message="rnn_cell_forward 應回傳兩個值 (h_next, cache)：最後一行寫 "
                "`return h_next, cache`。",
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
        name="tanh_applied",
        code=("import numpy as np\n"
              "out = float(np.max(np.abs(rnn_cell_forward(x, h, Wx, Wh, b)[0])))"),
        inputs=_inputs(x=X * 20, h=H_PREV * 20, b=B * 20),
        expected=1.0,
        compare="at_most",
        message="輸入很大時 h_next 仍應介於 -1 和 1 之間（tanh 的值域）：三項相加之後，"
                "最後要套上 np.tanh（不能漏掉，也不是 ReLU）。",
    ),
    case("only_x", CELL, _inputs(x=X * SMALL, h=ZH, b=ZB),
         "只有 x_t 非零（h_prev 與 b 都是 0）時結果不對：輸入項應為 x_t @ Wx"
         "（矩陣乘法，x_t 在左邊），活化函數 (activation function) 是 np.tanh（不是 sigmoid）。",
         **SMALL_TOL),
    case("only_h_prev", CELL, _inputs(x=ZX, h=H_PREV * SMALL, b=ZB),
         "只有 h_prev 非零（x_t 與 b 都是 0）時結果不對：hidden state 項應為 h_prev @ Wh"
         "（h_prev 在左邊；Wh @ h_prev 或 Wh.T 的方向不對），這一項也可能漏加了。",
         **SMALL_TOL),
    case("only_b", CELL, _inputs(x=ZX, h=ZH, b=B * SMALL),
         "只有 b 非零（x_t 與 h_prev 都是 0）時結果不對：bias 項 b 可能漏加了；"
         "b 的 shape 是 (H,)，直接 + b 就會廣播 (broadcast) 到每一筆資料。",
         **SMALL_TOL),
    case("all_terms", CELL, _inputs(),
         "三項都非零時結果不對：h_next = tanh(x_t @ Wx + h_prev @ Wh + b)，"
         "三項相加後再取 tanh（不是分別取 tanh 再相加）。"),
    case("batch_of_one", CELL, _inputs(x=X[:1] * SMALL, h=ZH[:1], b=ZB),
         "N = 1（只有一筆資料）時結果不對：h_next 仍應是 (1, H) 的二維陣列，"
         "不要用 squeeze 或寫死 batch 大小。",
         **SMALL_TOL),
    unchanged_inputs("rnn_cell_forward", ["x", "h", "Wx", "Wh", "b"], _inputs(),
                     "rnn_cell_forward 修改了輸入陣列（順序為 x_t, h_prev, Wx, Wh, b）："
                     "不要用 `h_prev += ...`、`x_t *= ...` 這類 in-place 運算，請建立新陣列。"),
]
