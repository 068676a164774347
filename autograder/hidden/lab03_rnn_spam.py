"""Hidden checks of Lab03: the RNN cell and the masked mean pooling on random inputs and
inside the provided model.

Inputs come from fixed seeds, so a submission always gets the same score; expected values
come from the reference solution (``FROM_REFERENCE``).
"""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check


def _cell_inputs(seed: int, N: int, D: int, H: int, scale: float = 1.0,
                 dtype=np.float64) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "x": (scale * rng.standard_normal((N, D))).astype(dtype),
        "h": np.tanh(rng.standard_normal((N, H))).astype(dtype),
        "Wx": (scale * rng.standard_normal((D, H)) / np.sqrt(D)).astype(dtype),
        "Wh": (scale * rng.standard_normal((H, H)) / np.sqrt(H)).astype(dtype),
        "b": (0.5 * rng.standard_normal(H)).astype(dtype),
    }


CELL = "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]"
POOL = "out = masked_mean_pool(hs, mask)"

def _pool_inputs(seed: int, N: int, T: int, H: int, dtype=np.float64) -> dict:
    rng = np.random.default_rng(seed)
    mask = rng.random((N, T)) < 0.6
    mask[np.arange(N), rng.integers(0, T, N)] = True  # every row has a real step
    return {"hs": np.tanh(rng.standard_normal((N, T, H))).astype(dtype), "mask": mask}


_model_ids = np.array([[5, 3, 9, 2, 0, 0], [7, 7, 1, 4, 6, 8], [2, 0, 0, 0, 0, 0]])
_model = ("import numpy as np\n"
          "from rnnlab.training import init_params, model_forward\n"
          "params = init_params(10, 4, 6, seed=7, dtype=np.float64)\n")

CHECKS = {
    "test_rnn_cell_forward": [
        Check(name="random_small", code=CELL, inputs=_cell_inputs(301, 4, 3, 5),
              message="隨機的小輸入 (N=4, D=3, H=5) 結果不對：請對照公式 "
                      "tanh(x_t @ Wx + h_prev @ Wh + b)。"),
        Check(name="random_wide", code=CELL, inputs=_cell_inputs(302, 16, 40, 8),
              message="D 比 H 大時 (D=40, H=8) 結果不對：檢查 x_t @ Wx 的維度。"),
        Check(name="random_tall", code=CELL, inputs=_cell_inputs(303, 7, 2, 33),
              message="H 比 D 大時 (D=2, H=33) 結果不對：檢查 h_prev @ Wh 與 bias 的廣播。"),
        Check(name="random_saturated", code=CELL, inputs=_cell_inputs(304, 5, 6, 7, scale=8.0),
              message="輸入很大時結果不對：tanh 應讓每個值落在 [-1, 1]。"),
        Check(name="float32_inputs", code=CELL,
              inputs=_cell_inputs(305, 32, 32, 64, dtype=np.float32), rtol=1e-4, atol=1e-5,
              message="float32 的輸入 (N=32, D=32, H=64，也就是訓練用的大小) 結果不對。"),
        Check(name="inside_model",
              code=(_model + "def pool(hs, mask):\n"
                    "    m = mask[:, :, None]\n"
                    "    return (hs * m).sum(axis=1) / m.sum(axis=1)\n"
                    "out = model_forward(params, ids, rnn_cell_forward, pool)[0]"),
              inputs={"ids": _model_ids},
              message="把你的 cell 放進 Lab03 的模型 (embedding -> RNN -> pooling) 後，"
                      "logits 不對：rnn_cell_forward 要能在每個 time step 對整個 batch 運作。"),
    ],    "test_masked_mean_pool": [
        Check(name="random_small", code=POOL, inputs=_pool_inputs(311, 3, 5, 4),
              message="隨機的小輸入 (N=3, T=5, H=4) 結果不對：對照公式 "
                      "sum_t mask[n,t] * hs[n,t] / sum_t mask[n,t]。"),
        Check(name="random_long", code=POOL, inputs=_pool_inputs(312, 32, 53, 64),
              message="訓練用的大小 (N=32, T=53, H=64) 結果不對。"),
        Check(name="float32_inputs", code=POOL,
              inputs=_pool_inputs(313, 8, 9, 10, dtype=np.float32), rtol=1e-5, atol=1e-6,
              message="float32 的輸入結果不對。"),
        Check(name="one_real_step_per_row", code=POOL,
              inputs={"hs": np.arange(24.0).reshape(2, 4, 3),
                      "mask": np.array([[False, False, True, False],
                                        [False, False, False, True]])},
              message="每一列只有一個真正的 time step 時，平均就是那一步的 h。"),
        Check(name="inside_model",
              code=(_model + "def cell(x, h, Wx, Wh, b):\n"
                    "    return np.tanh(x @ Wx + h @ Wh + b), None\n"
                    "out = model_forward(params, ids, cell, masked_mean_pool)[0]"),
              inputs={"ids": _model_ids},
              message="把你的 pooling 放進 Lab03 的模型後 logits 不對：hs 是 (N, T, H)、"
                      "mask 是 (N, T) 的 bool 陣列。"),
    ],
}
