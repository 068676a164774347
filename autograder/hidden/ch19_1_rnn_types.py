"""Hidden checks of 19-1 (RNN 網路的種類): the public rules again on seeded random inputs of
other sizes (N, T, D, H, C all different, T = 40, float32, an (L, N, H) array of initial
states), compared with the reference solution (``FROM_REFERENCE``).

Like the public ones, the checks of rnn_forward, one_to_many and deep_rnn_forward use small
values, b = 0 and a symmetric Wh, so a mistake in the student's rnn_cell_forward (that
these functions may call) does not cost their points a second time.
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
ONE = {"x0": _normal(N, D, scale=SMALL), "h0": _normal(N, H, scale=SMALL),
       **_small_params(D, H), "Wy": _normal(H, C), "by": _normal(C)}
ONE_FULL = {"x0": _normal(N, D), "h0": _normal(N, H, scale=0.5), "Wx": _normal(D, H),
            "Wh": _normal(H, H, scale=0.5), "b": _normal(H), "Wy": _normal(H, C),
            "by": _normal(C)}
HS = {"h": np.tanh(_normal(N, T, H)), "Wy": _normal(H, C), "by": np.zeros(C)}
BY_ONLY = {"h": np.zeros((N, T, H)), "Wy": _normal(H, C), "by": _normal(C)}
L = 3
DEEP_SHAPES = {"x": _normal(N, T, 3), "h0s": _normal(L, N, 4, scale=0.5),
               "layers": [(_normal(d, 4), _normal(4, 4), _normal(4)) for d in (3, 4, 4)]}
DEEP_STACK = {"x": _normal(N, T, H, scale=SMALL), "h0s": np.zeros((L, N, H)),
              "layers": [tuple(_small_params(H, H, recurrent=False).values())
                         for _ in range(L)]}
DEEP_H0 = {"x": np.zeros((N, T, H)),  # only the top layer starts from a non-zero state
           "h0s": np.concatenate([np.zeros((L - 1, N, H)), _normal(1, N, H, scale=SMALL)]),
           "layers": [tuple(_small_params(H, H).values()) for _ in range(L)]}

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
    "test_one_to_many": [
        _hidden("random_first_step", "out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 1)[1]",
                ONE, "first_step", **SMALL_TOL),
        _hidden("random_states", "out = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 6)[1]",
                {**ONE, "h0": np.zeros_like(ONE["h0"])}, "input_only_at_first_step",
                **SMALL_TOL),
        _hidden("random_read_out",
                "y, h = one_to_many(x0, h0, Wx, Wh, b, Wy, by, 6)\nout = y - h @ Wy",
                ONE_FULL, "read_out"),
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
    "test_deep_rnn_forward": [
        _hidden("three_layers_shapes",
                "import numpy as np\n"
                "top, hs = deep_rnn_forward(x, h0s, layers)\n"
                "out = [list(np.shape(top)), len(hs)] + [list(np.shape(h)) for h in hs]",
                DEEP_SHAPES, "shapes"),
        _hidden("three_layers_stacking", "out = list(deep_rnn_forward(x, h0s, layers)[1])",
                DEEP_STACK, "second_layer_reads_first", **SMALL_TOL),
        _hidden("three_layers_h0", "out = deep_rnn_forward(x, h0s, layers)[0]", DEEP_H0,
                "own_h0_per_layer", **SMALL_TOL),
    ],
})
