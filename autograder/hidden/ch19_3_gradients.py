"""Hidden checks of 19-3 (梯度消失以及梯度爆炸): seeded random gradient dicts, hidden
states and Jacobians of other sizes, compared with the reference solution
(``FROM_REFERENCE``)."""

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check

_rng = np.random.default_rng(1903)


def _normal(*shape, scale=1.0):
    return _rng.normal(scale=scale, size=shape)


# D, H, V all different, so that a mixed-up array or axis fails
D, H, V = 4, 6, 5
GRADS = {"Wx": _normal(D, H, scale=3.0), "Wh": _normal(H, H, scale=3.0),
         "b": _normal(H, scale=3.0), "Wy": _normal(H, V), "by": _normal(V)}
GRADS_F32 = {k: v.astype(np.float32) for k, v in GRADS.items()}
ONE_ARRAY = {"W": _normal(3, 7, 2)}  # a 3-d array: reshape nothing, count every element
ZEROS = {"Wh": np.zeros((H, H)), "b": np.zeros(H)}
T = 7
STATES = np.tanh(_normal(T, H, scale=1.5))  # hidden states live in (-1, 1)
WH = _normal(H, H, scale=0.8)
JACOBIANS = (1.0 - STATES**2)[:, :, None] * WH.T  # any (T, H, H) stack would do
LONG_J = _normal(25, 3, 3, scale=0.6)  # norms over 25 steps shrink by many orders

CHECKS = {
    "test_clip_by_value": [
        Check(name="random_dict", code="out = clip_by_value(grads, 2.0)",
              inputs={"grads": GRADS}, expected=FROM_REFERENCE,
              message="隨機的梯度 dict（5 個陣列）下結果與參考答案不同。"),
        Check(name="random_dict_small_threshold", code="out = clip_by_value(grads, 0.1)",
              inputs={"grads": GRADS}, expected=FROM_REFERENCE,
              message="threshold = 0.1 時結果與參考答案不同。"),
        Check(name="float32_gradients", code="out = clip_by_value(grads, 1.5)",
              inputs={"grads": GRADS_F32}, expected=FROM_REFERENCE, rtol=1e-6, atol=1e-7,
              message="float32 的梯度下結果不同。"),
        Check(name="three_dimensional_array", code="out = clip_by_value(grads, 0.5)",
              inputs={"grads": ONE_ARRAY}, expected=FROM_REFERENCE,
              message="3 維的梯度陣列下結果不同：每個元素都要裁剪，shape 不變。"),
    ],
    "test_clip_by_norm": [
        Check(name="random_dict", code="out = clip_by_norm(grads, 5.0)",
              inputs={"grads": GRADS}, expected=FROM_REFERENCE,
              message="隨機的梯度 dict（5 個陣列）下 (clipped, norm) 與參考答案不同。"),
        Check(name="random_dict_not_clipped", code="out = clip_by_norm(grads, 1000.0)",
              inputs={"grads": GRADS}, expected=FROM_REFERENCE,
              message="max_norm 大於 global norm 時梯度應原封不動，norm 照樣回傳。"),
        Check(name="three_dimensional_array", code="out = clip_by_norm(grads, 1.0)",
              inputs={"grads": ONE_ARRAY}, expected=FROM_REFERENCE,
              message="3 維的梯度陣列下結果不同：global norm 要算進每一個元素。"),
        Check(name="all_zero", code="out = clip_by_norm(grads, 1.0)",
              inputs={"grads": ZEROS}, expected=FROM_REFERENCE,
              message="梯度全為 0 時應回傳全 0 的梯度與 norm 0（不要除以 0）。"),
    ],
    "test_tanh_step_jacobians": [
        Check(name="random_states", code="out = tanh_step_jacobians(h, Wh)",
              inputs={"h": STATES, "Wh": WH}, expected=FROM_REFERENCE,
              message="隨機的 hidden states（T = 7、H = 6）下 Jacobian 與參考答案不同。"),
        Check(name="one_step", code="out = tanh_step_jacobians(h[:1], Wh)",
              inputs={"h": STATES, "Wh": WH}, expected=FROM_REFERENCE,
              message="T = 1 時結果不同：不要把 time step 的數量寫死。"),
        Check(name="one_unit", code="out = tanh_step_jacobians(h[:, :1], Wh[:1, :1])",
              inputs={"h": STATES, "Wh": WH}, expected=FROM_REFERENCE,
              message="H = 1（只有一個 unit）時結果不同：shape 應為 (T, 1, 1)。"),
    ],
    "test_jacobian_product_norms": [
        Check(name="random_jacobians", code="out = jacobian_product_norms(J)",
              inputs={"J": JACOBIANS}, expected=FROM_REFERENCE,
              message="隨機的 Jacobian（T = 7、H = 6）下 norm 與參考答案不同。"),
        Check(name="long_sequence", code="out = jacobian_product_norms(J)",
              inputs={"J": LONG_J}, expected=FROM_REFERENCE, rtol=1e-6, atol=1e-300,
              message="25 個 time step 時結果不同（這裡的 norm 會小好幾個數量級："
                      "每一個距離都要算對）。"),
        Check(name="one_step", code="out = jacobian_product_norms(J[:1])",
              inputs={"J": JACOBIANS}, expected=FROM_REFERENCE,
              message="T = 1 時應只回傳一個 norm：J[0] 的 spectral norm。"),
    ],
}
