"""Hidden checks of 19-1 (RNN 網路的種類): the public rules again on seeded random inputs of
other sizes (N, T, D, H, C all different, T = 40, float32), compared with the reference
solution (``FROM_REFERENCE``). The 選讀 exercises (one_to_many, deep_rnn_forward) are not
graded and have no hidden checks.

Like the public ones, the checks of rnn_forward use small values, b = 0 and a symmetric Wh,
so a mistake in the student's rnn_cell_forward (that it may call) does not cost its points
a second time.
"""

from dataclasses import replace

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.ch19_1_rnn_types import CHECKS as PUBLIC
from rnnlab.checks.factories import unchanged_inputs
from rnnlab.checks.rnn_cell import SMALL, SMALL_TOL

_rng = np.random.default_rng(1901)


def _normal(*shape, scale=1.0):
    return _rng.normal(scale=scale, size=shape)


def _sym(H, scale):
    w = _normal(H, H, scale=scale)
    return (w + w.T) / 2


def _small_params(D, H, recurrent=True):
    """Wx, a symmetric (or zero) Wh and b = 0: the cell's common mistakes do not show."""
    Wh = _sym(H, 0.2) if recurrent else np.zeros((H, H))
    return {"Wx": _normal(D, H, scale=0.5), "Wh": Wh, "b": np.zeros(H)}


# N, T, D, H, C all different, so that a transposed or mixed-up axis fails
N, T, D, H, C = 3, 5, 4, 6, 7
CELL = {"x": _normal(N, D), "h": _normal(N, H, scale=0.5), "Wx": _normal(D, H, scale=0.5),
        "Wh": _normal(H, H, scale=0.5), "b": _normal(H)}
CELL_F32 = {k: v.astype(np.float32) for k, v in CELL.items()}
CELL_BIG = {k: v * 25 for k, v in CELL.items()}
CELL_ONE = {**CELL, "x": CELL["x"][:1] * SMALL, "h": np.zeros((1, H)), "b": np.zeros(H)}
STEPS = {"x": _normal(N, T, D, scale=SMALL), "h0": np.zeros((N, H)),
         **_small_params(D, H, recurrent=False)}
LONG = {"x": _normal(2, 40, D, scale=SMALL), "h0": np.zeros((2, H)),
        **_small_params(D, H, recurrent=False)}
FIRST = {"x": _normal(N, 1, D, scale=SMALL), "h0": _normal(N, H, scale=SMALL),
         **_small_params(D, H)}
CARRY = {"x": _normal(N, T, D, scale=SMALL), "h0": np.zeros((N, H)),
         **_small_params(D, H)}
HS = {"h": np.tanh(_normal(N, T, H)), "Wy": _normal(H, C), "by": np.zeros(C)}
BY_ONLY = {"h": np.zeros((N, T, H)), "Wy": _normal(H, C), "by": _normal(C)}

FORWARD = "out = rnn_forward(x, h0, Wx, Wh, b)[0]"
CELL_OUT = "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]"


def _kept(function, args, inputs):
    """The public ``inputs_not_modified`` rule on random inputs (its message is shown)."""
    check = unchanged_inputs(function, args, inputs, name="random_inputs_not_modified")
    return replace(check, message="", retests="inputs_not_modified")


def _hidden(name, code, inputs, retests, expected=FROM_REFERENCE, **options):
    return Check(name=name, code=code, inputs=inputs, expected=expected, retests=retests,
                 **options)


def _public_messages(checks: dict) -> dict:
    """Each hidden check shows the message of the public check it re-tests (the same
    text, so the feedback lists the cause once)."""
    out = {}
    for gid, hidden in checks.items():
        public = {c.name: c.message for c in PUBLIC[gid]}
        out[gid] = [replace(c, message=c.message or public[c.retests]) for c in hidden]
    return out


CHECKS = _public_messages({
    "test_rnn_cell_forward": [
        _hidden("random_saturated",
                "import numpy as np\n"
                "out = float(np.max(np.abs(rnn_cell_forward(x, h, Wx, Wh, b)[0])))",
                CELL_BIG, "tanh_applied", compare="at_most", expected=1.0),
        _hidden("random_values", CELL_OUT, CELL, "all_terms"),
        _hidden("float32_inputs", CELL_OUT, CELL_F32, "all_terms", rtol=1e-4, atol=1e-6),
        _hidden("single_example", CELL_OUT, CELL_ONE, "batch_of_one", **SMALL_TOL),
        _kept("rnn_cell_forward", ["x", "h", "Wx", "Wh", "b"], CELL),
    ],
    "test_rnn_forward": [
        _hidden("random_every_step", FORWARD, STEPS, "every_step", **SMALL_TOL),
        _hidden("long_sequence", FORWARD, LONG, "every_step", **SMALL_TOL),
        _hidden("random_h0", FORWARD, FIRST, "h0_used", **SMALL_TOL),
        _hidden("random_state_carried", FORWARD, CARRY, "state_carried", **SMALL_TOL),
        _kept("rnn_forward", ["x", "h0", "Wx", "Wh", "b"], CARRY),
    ],
    "test_many_to_one": [
        _hidden("random_values", "out = many_to_one(h, Wy, by)", HS, "uses_last_step"),
        _hidden("single_step", "out = many_to_one(h[:, :1], Wy, by)", HS, "uses_last_step"),
        _hidden("random_by", "out = many_to_one(h, Wy, by)", BY_ONLY, "only_by"),
    ],
    "test_many_to_many": [
        _hidden("random_values", "out = many_to_many(h, Wy, by)", HS, "only_h"),
        _hidden("single_example", "out = many_to_many(h[:1], Wy, by)", HS, "only_h"),
        _hidden("random_by", "out = many_to_many(h, Wy, by)", BY_ONLY, "only_by"),
    ],
})
