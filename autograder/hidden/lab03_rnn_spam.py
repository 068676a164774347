"""Hidden checks of Lab03: the read-out and its backward on other inputs (seeded random
states, random post- and pre-padded masks, rows with one real step, float32 at the size of
the training batches), each re-testing a public rule; expected values come from the
reference solution (``FROM_REFERENCE``). readout_backward's are without padding, like its
public checks: a mistake of readout_forward costs it only its integration check."""

from __future__ import annotations

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.lab03_rnn_spam import BACKWARD, FORWARD, GRADCHECK
from rnnlab.checks.lab03_rnn_spam import CHECKS as PUBLIC

HIDDEN_WEIGHT = 0.5  # the public checks state the rules; these only add inputs


def retest(grade_id: str, public: str, name: str, code: str, inputs: dict,
           **options) -> Check:
    """A hidden check of ``grade_id`` that re-tests the public check ``public`` on other
    inputs and shows its message (a mistake fails random inputs for the reason the public
    check names; one message also keeps the feedback short)."""
    message = next(c.message for c in PUBLIC[grade_id] if c.name == public)
    return Check(name=name, code=code, inputs=inputs, expected=options.pop(
        "expected", FROM_REFERENCE), message=message, retests=public, weight=HIDDEN_WEIGHT,
        **options)


def inputs(seed: int, N: int, T: int, H: int, padding: str = "post", dtype=np.float64,
           pad_value: float = 0.5) -> dict:
    """Random hidden states in (-1, 1) (as tanh gives), a mask with 1..T real steps per row
    (``padding``: "post", "pre", "anywhere" or "none"), read-out weights, a bias, dlogits."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, T + 1, N)
    steps = np.arange(T)
    if padding == "none":
        mask = np.ones((N, T), dtype=bool)
    elif padding == "post":
        mask = steps[None, :] < lengths[:, None]
    elif padding == "pre":
        mask = steps[None, :] >= T - lengths[:, None]
    else:  # anywhere: a random subset with at least one real step per row
        mask = rng.random((N, T)) < 0.5
        mask[np.arange(N), rng.integers(0, T, N)] = True
    h = np.tanh(1.5 * rng.standard_normal((N, T, H)))
    h = np.where(mask[:, :, None], h, pad_value)
    return {"h": h.astype(dtype), "mask": mask,
            "w": rng.standard_normal(2 * H).astype(dtype), "c": float(rng.standard_normal()),
            "dz": (rng.standard_normal(N) / N).astype(dtype)}


F32 = {"rtol": 1e-4, "atol": 1e-6}
ALL_OUT = "out = [res[0], res[1]]"  # dh, dw (dc has its own checks)
ONE_STEP = {**inputs(331, 6, 5, 4), "mask": np.arange(5)[None, :] < np.ones((6, 1))}
NEGATIVE = inputs(332, 5, 6, 4, pad_value=0.0)
NEGATIVE["h"] = -0.05 - np.abs(NEGATIVE["h"])  # every state below zero, padding included
NEGATIVE["h"] = np.where(NEGATIVE["mask"][:, :, None], NEGATIVE["h"], -3.0)

CHECKS = {
    "test_readout_forward": [
        retest("test_readout_forward", "all_terms", "random_post_padded", FORWARD,
               inputs(321, 5, 7, 4, pad_value=50.0)),
        retest("test_readout_forward", "all_terms", "training_size_float32", FORWARD,
               inputs(322, 32, 53, 64, dtype=np.float32), **F32),
        retest("test_readout_forward", "all_terms", "one_time_step", FORWARD,
               inputs(323, 4, 1, 3)),
        retest("test_readout_forward", "mask_anywhere", "random_pre_padded", FORWARD,
               inputs(324, 6, 8, 5, padding="pre", pad_value=50.0)),
        retest("test_readout_forward", "mask_anywhere", "random_mask_anywhere", FORWARD,
               inputs(325, 6, 8, 5, padding="anywhere", pad_value=-50.0)),
        retest("test_readout_forward", "mean_divides_by_row_length", "one_real_step_per_row",
               FORWARD, ONE_STEP),
        retest("test_readout_forward", "max_of_negative_states", "random_negative_states",
               FORWARD, NEGATIVE),
    ],
    "test_readout_backward": [
        retest("test_readout_backward", "all_terms", "random_no_padding", BACKWARD + ALL_OUT,
               inputs(341, 5, 7, 4, padding="none")),
        retest("test_readout_backward", "all_terms", "training_size_float32",
               BACKWARD + ALL_OUT, inputs(342, 32, 53, 64, padding="none", dtype=np.float32),
               **F32),
        retest("test_readout_backward", "all_terms", "one_time_step", BACKWARD + ALL_OUT,
               inputs(343, 4, 1, 3, padding="none")),
        retest("test_readout_backward", "dc_sums_dlogits", "random_dc",
               BACKWARD + "out = float(res[2])", inputs(344, 9, 3, 2, padding="none")),
        retest("test_readout_backward", "gradient_check_dh", "random_gradient_check",
               GRADCHECK.format(args="v.copy(), mask.copy(), w.copy(), c", wrt="h", index=0),
               inputs(345, 3, 5, 4, padding="none"), expected=1e-7, compare="at_most"),
    ],
}
