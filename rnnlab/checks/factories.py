"""Factories for the shapes of check that every assignment repeats.

    case("only_b", "out = rnn_cell_forward(x, h, Wx, Wh, b)[0]", inputs, "…b 可能漏加了…")
    unchanged_inputs("rnn_cell_forward", ["x_t", "h_prev", "Wx", "Wh", "b"], inputs)
    returns_type("tokenize", "tokenize('a b')", "list", "tokenize 應回傳 list")

Each returns a :class:`~rnnlab.checking.Check` whose probe calls the student's function
(so an unfinished function fails it) and hands it copies of its inputs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from rnnlab.checking import PINNED, Check

# checks of form rather than value: a function that does nothing (returns None, zeros, its
# input) can pass them, so they count only next to a passing value check (Check.gated)
FORM_CHECKS = re.compile(
    r"^(returns_(pair|three|five|ndarray|type|dataframe)|shapes?|\w*_shape\w*|keys"
    r"|dtype_\w+|\w*_types?|plain_python_int|\w*not_modified|new_arrays\w*"
    r"|dict_with_same_keys\w*|norm_is_a_float|empty_(input|dataframe)"
    r"|empty_sequence_is_all_padding|no_tokens\w*|int_columns|tanh_applied|cache_reusable"
    r"|unchanged_and_reusable|zero_gradients|below_max_norm_unchanged|array_of_shape\w*)$")


def gated(check: Check) -> Check:
    """``check``, gated when it is a form check (its name matches :data:`FORM_CHECKS`).
    :func:`rnnlab.checks.public_checks` applies it to every check it hands out."""
    return replace(check, gated=True) if FORM_CHECKS.match(check.name) else check


def case(name: str, code: str, inputs: Mapping[str, Any], message: str, *,
         expected: Any = PINNED, **options) -> Check:
    """A check whose expected value is pinned from the reference (``expected`` by default);
    ``options`` are Check's (compare, rtol, weight, integration…)."""
    return Check(name=name, code=code, inputs=dict(inputs), expected=expected,
                 message=message, **options)


def unchanged_inputs(function: str, args: Sequence[str], inputs: Mapping[str, Any],
                     message: str | None = None, *, call: str | None = None,
                     name: str = "inputs_not_modified", weight: float = 1.0) -> Check:
    """The student's ``function`` leaves its array/list/dict arguments as they were.

    ``args``: the names of ``inputs`` passed, in order (the probe's own copies are compared
    with what the function received); ``call``: the call when it is not
    ``function(*args)``. The result lists, per argument, whether it is unchanged.
    """
    call = call or f"{function}({', '.join(args)})"
    names = ", ".join(args)
    code = ("import copy as _copy\n"
            "from rnnlab.checks.factories import same as _same\n"
            f"_before = [_copy.deepcopy(a) for a in ({names},)]\n"
            f"{call}\n"
            f"out = [_same(a, b) for a, b in zip(({names},), _before)]")
    message = message or (
        f"{function} 修改了傳進來的參數（順序為 {names}）：不要用 `+=`、`*=`、`.append`、"
        "`.sort()` 這類原地 (in-place) 運算改輸入，請建立新的陣列或 list。")
    return Check(name=name, code=code, inputs=dict(inputs), expected=[True] * len(args),
                 message=message, compare="equal", weight=weight, gated=True)


def same(a: Any, b: Any) -> bool:
    """Equal values, arrays compared elementwise (with their dtype and shape), containers
    recursively: what "left unchanged" means for a function's arguments."""
    import numpy as np

    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f")))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - e.g. a pandas object: compare its values
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
        except Exception:  # noqa: BLE001
            return False


def returns_type(function: str, call: str, type_name: str, message: str, *,
                 name: str = "returns_type", inputs: Mapping[str, Any] | None = None,
                 weight: float = 1.0) -> Check:
    """``call`` returns a ``type_name`` (``"list"``, ``"dict"``, ``"ndarray"``, ``"tuple"``,
    ``"float"``…); the first check of a function, so a wrong return type is named first."""
    code = ("import numpy as _np\n"
            f"_r = {call}\n"
            f"out = type(_r).__name__ if not isinstance(_r, _np.ndarray) else 'ndarray'")
    return Check(name=name, code=code, inputs=dict(inputs or {}), expected=type_name,
                 message=message, compare="equal", weight=weight, gated=True)
