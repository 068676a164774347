"""Hidden checks of 19-3 (梯度消失以及梯度爆炸): each re-tests a public rule on other inputs
(seeded random gradient dicts, 3-d and float32 arrays, an int max_norm, other T and H, 25
steps of Jacobians), compared with the reference solution (``FROM_REFERENCE``)."""

from __future__ import annotations

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.ch19_3_gradients import CHECKS as PUBLIC

_rng = np.random.default_rng(1903)
HIDDEN_WEIGHT = 0.5  # the public checks state the rules; these only add inputs


def _normal(*shape, scale=1.0):
    return _rng.normal(scale=scale, size=shape)


def retest(grade_id: str, public: str, name: str, code: str, inputs: dict,
           **options) -> Check:
    """A hidden check of ``grade_id`` that re-tests the public check ``public`` on other
    inputs and shows its message: any mistake fails random inputs, so a message about
    these inputs would mislead; the same message also keeps the feedback to one line."""
    message = next(c.message for c in PUBLIC[grade_id] if c.name == public)
    return Check(name=name, code=code, inputs=inputs, expected=FROM_REFERENCE,
                 message=message, retests=public, weight=HIDDEN_WEIGHT, **options)


# D, H, V all different, so that a mixed-up array or axis fails
D, H, V = 4, 6, 5
GRADS = {"Wx": _normal(D, H, scale=3.0), "Wh": _normal(H, H, scale=3.0),
         "b": _normal(H, scale=3.0), "Wy": _normal(H, V), "by": _normal(V)}
GRADS_F32 = {k: v.astype(np.float32) for k, v in GRADS.items()}
ONE_ARRAY = {"W": _normal(3, 7, 2)}  # a 3-d array: reshape nothing, count every element
ZEROS = {"Wh": np.zeros((H, H)), "b": np.zeros(H), "Wy": np.zeros((H, V))}
T = 7
STATES = np.tanh(_normal(T, H, scale=1.5))  # hidden states live in (-1, 1)
WH = _normal(H, H, scale=0.8)
JACOBIANS = (1.0 - STATES**2)[:, :, None] * WH.T  # any (T, H, H) stack would do
LONG_J = _normal(25, 3, 3, scale=0.6)  # norms over 25 steps shrink by many orders

NEW_ARRAYS = (
    "import numpy as np\n"
    "res = {call}\n"
    "out = res is not grads and not any(\n"
    "    np.shares_memory(res[k], grads[k]) for k in grads if k in res)"
)

CHECKS = {
    "test_tanh_step_jacobians": [
        retest("test_tanh_step_jacobians", "all_together", "random_states",
               "import numpy as np\nout = np.asarray(tanh_step_jacobians(h, Wh))",
               {"h": STATES, "Wh": WH}),
        retest("test_tanh_step_jacobians", "all_together", "one_step",
               "import numpy as np\nout = np.asarray(tanh_step_jacobians(h[:1], Wh))",
               {"h": STATES, "Wh": WH}),
        retest("test_tanh_step_jacobians", "all_together", "one_unit",
               "import numpy as np\nout = np.asarray(tanh_step_jacobians(h[:, :1], Wh[:1, :1]))",
               {"h": STATES, "Wh": WH}),
    ],
    "test_jacobian_product_norms": [
        retest("test_jacobian_product_norms", "all_together", "random_jacobians",
               "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
               {"J": JACOBIANS}),
        retest("test_jacobian_product_norms", "all_together", "long_sequence",
               "import numpy as np\nout = np.asarray(jacobian_product_norms(J), dtype=float)",
               {"J": LONG_J}, atol=1e-300),
        retest("test_jacobian_product_norms", "all_together", "one_step",
               "import numpy as np\nout = np.asarray(jacobian_product_norms(J[:1]), dtype=float)",
               {"J": JACOBIANS}),
    ],
    "test_clip_by_value": [
        retest("test_clip_by_value", "all_together", "random_dict",
               "out = clip_by_value(grads, 2.0)", {"grads": GRADS}),
        retest("test_clip_by_value", "all_together", "random_dict_small_threshold",
               "out = clip_by_value(grads, 0.1)", {"grads": GRADS}),
        retest("test_clip_by_value", "all_together", "float32_gradients",
               "out = clip_by_value(grads, 1.5)", {"grads": GRADS_F32}, atol=1e-7),
        retest("test_clip_by_value", "all_together", "three_dimensional_array",
               "out = clip_by_value(grads, 0.5)", {"grads": ONE_ARRAY}),
        retest("test_clip_by_value", "new_arrays_when_nothing_is_clipped",
               "random_dict_nothing_clipped",
               NEW_ARRAYS.format(call="clip_by_value(grads, 100.0)"), {"grads": GRADS},
               compare="equal"),
    ],
    "test_clip_by_norm": [
        retest("test_clip_by_norm", "all_together", "random_dict",
               "out = clip_by_norm(grads, 5.0)", {"grads": GRADS}, rtol=1e-5),
        retest("test_clip_by_norm", "uses_max_norm", "int_max_norm",
               "out = clip_by_norm(grads, 3)", {"grads": ONE_ARRAY}, rtol=1e-5),
        retest("test_clip_by_norm", "all_together", "float32_gradients",
               "out = clip_by_norm(grads, 1.0)", {"grads": GRADS_F32}, rtol=1e-5),
        retest("test_clip_by_norm", "below_max_norm_unchanged", "random_dict_not_clipped",
               "out = clip_by_norm(grads, 1000.0)[0]", {"grads": GRADS}),
        retest("test_clip_by_norm", "new_arrays_when_not_clipped", "random_dict_copies",
               NEW_ARRAYS.format(call="clip_by_norm(grads, 1000.0)[0]"), {"grads": GRADS},
               compare="equal"),
        retest("test_clip_by_norm", "every_element_counts", "three_dimensional_array",
               "out = clip_by_norm(grads, 1.0)", {"grads": ONE_ARRAY}, rtol=1e-5),
        retest("test_clip_by_norm", "zero_gradients", "all_zero",
               "c, n = clip_by_norm(grads, 1.0)\nout = (c, n, isinstance(n, float))",
               {"grads": ZEROS}),
    ],
}
