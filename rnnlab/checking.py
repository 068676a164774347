"""Checks shared by the notebooks' test cells and the instructor's autograder.

A :class:`Check` is data: a few statements (``code``) that call the student's functions
with fixed ``inputs`` and store a plain result in ``out``, the ``expected`` result, and a
zh-TW ``message`` that names the likely mistake. Because a check is data, the same check
runs in the notebook (in the student's kernel) and in the autograder (in a sandboxed child
process that sends back only plain data), so visible tests, hidden tests and the harness
share one source of truth.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import threading
import traceback
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FROM_REFERENCE = "<computed from the reference solution>"
DEFAULT_TIME_LIMIT = 20.0  # seconds per check inside a notebook


@dataclass(frozen=True)
class Check:
    """One probe of student code and what it must return.

    name: stable id within its test cell, e.g. ``"bias_only"``.
    code: statements run with the student's names and ``inputs`` in scope; must set ``out``.
    inputs: plain data (numpy arrays, numbers, strings, lists, dicts) bound as variables;
        each run gets a fresh deep copy.
    expected: plain data, or ``FROM_REFERENCE`` when the autograder computes it by running
        the same ``code`` on the reference solution (hidden checks).
    message: what is probably wrong when ``out`` differs, in zh-TW with the English term.
    compare: ``"allclose"`` (arrays/numbers within rtol/atol), ``"equal"`` (exact, dtype
        included) or ``"at_most"`` (a number no larger than ``expected``).
    """

    name: str
    code: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    expected: Any = FROM_REFERENCE
    message: str = ""
    compare: str = "allclose"
    rtol: float = 1e-6
    atol: float = 1e-8


@dataclass
class Result:
    """The outcome of one check: ``message`` is empty when it passed."""

    name: str
    passed: bool
    message: str = ""


class ProbeError(Exception):
    """Student code raised, timed out or returned something that is not plain data."""


# ---------------------------------------------------------------- plain data
_PLAIN_SCALARS = (bool, int, float, str, type(None))
# array dtypes a result may have (the autograder's wire format carries exactly these)
PLAIN_DTYPES = frozenset({
    "bool", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "float32", "float64",
})


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Copy ``value`` into plain data (ndarray, list, tuple, dict[str, ...], scalars).

    Anything else (a custom object that could fake ``==``, a generator…) raises
    ProbeError, so a result can be trusted and serialised.
    """
    if _depth > 20:
        raise ProbeError("回傳值巢狀太深 / returned value is nested too deeply")
    if isinstance(value, np.generic):
        value = value.item()
    if type(value) in _PLAIN_SCALARS:
        return value
    if isinstance(value, np.ndarray):
        if type(value) is not np.ndarray or value.dtype.name not in PLAIN_DTYPES:
            raise ProbeError(f"回傳了 dtype 為 {value.dtype} 的陣列；"
                             "請使用 int32/int64、float32/float64 或 bool")
        return np.array(value, copy=True)
    if type(value) in (list, tuple):
        items = [to_plain(v, _depth + 1) for v in value]
        return items if type(value) is list else tuple(items)
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise ProbeError("回傳的 dict 的 key 必須是字串 / dict keys must be str")
        return {k: to_plain(v, _depth + 1) for k, v in value.items()}
    raise ProbeError(
        f"回傳了 {type(value).__name__} 型別的物件；請回傳 numpy 陣列、list、dict、數字或字串"
    )


# ---------------------------------------------------------------- running
class CheckTimeout(BaseException):
    """A check ran out of time. A BaseException, so a student's ``except Exception``
    cannot swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise CheckTimeout after ``seconds`` (main thread of a Unix process only)."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _raise(signum, frame):
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _short_traceback(exc: BaseException) -> str:
    """The last frames of a student's exception, without the checking machinery."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "rnnlab" not in f.filename]
    where = ""
    if frames:
        last = frames[-1]
        where = f"（第 {last.lineno} 行：{(last.line or '').strip()}）"
    return f"{type(exc).__name__}: {exc} {where}".strip()


def execute_probe(check: Check, namespace: Mapping[str, Any], time_limit=DEFAULT_TIME_LIMIT):
    """Run ``check.code`` with the names in ``namespace`` plus a copy of its inputs.

    Returns the plain-data ``out``. Student output on stdout/stderr and numpy warnings are
    swallowed (nbgrader zeroes a test cell that writes to stderr). Raises ProbeError with a
    student-readable message when the code raises, runs too long or returns non-plain data.
    """
    scope = dict(namespace)
    scope.update(copy.deepcopy(dict(check.inputs)))
    sink = io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
            _time_limit(time_limit),
        ):
            warnings.simplefilter("ignore")
            exec(check.code, scope)  # noqa: S102 - the probe is course code, not student code
    except CheckTimeout:
        raise ProbeError(
            f"執行超過 {time_limit:g} 秒仍未結束，可能有無窮迴圈 (infinite loop)"
        ) from None
    except NameError as exc:
        raise ProbeError(f"找不到名稱 {exc.name!r}：請先執行定義它的 cell ({exc})") from None
    except NotImplementedError:
        raise ProbeError(
            "函式還沒完成：請把 `raise NotImplementedError()` 換成你的程式碼") from None
    except ProbeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any student error becomes a message
        raise ProbeError(f"執行時發生錯誤 {_short_traceback(exc)}") from None
    if "out" not in scope:
        raise ProbeError("internal: the probe did not set `out`")
    return to_plain(scope["out"])


# ---------------------------------------------------------------- comparing
def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"ndarray shape={value.shape} dtype={value.dtype}"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _num(value: Any) -> str:
    """A number as a student reads it: 0.529896, not np.float64(0.5298956075275294)."""
    value = value.item() if isinstance(value, np.generic) else value
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def _integer_kind(dtype: np.dtype) -> bool:
    return dtype.kind in "iu"


def compare(out: Any, expected: Any, how: str = "allclose", rtol=1e-6, atol=1e-8,
            where: str = "") -> str | None:
    """Return ``None`` when ``out`` matches ``expected``, else a short description of the
    first difference (shape, dtype, type, length, key or value)."""
    at = f" (位置 {where})" if where else ""
    if how == "at_most":
        if not isinstance(out, (int, float)) or isinstance(out, bool) or not np.isfinite(out):
            return f"得到 {_describe(out)}{at}，應為有限的數字"
        return None if out <= expected else f"得到 {out:.3g}{at}，應 <= {expected:.3g}"
    if isinstance(expected, np.ndarray):
        if not isinstance(out, np.ndarray):
            return f"回傳型別是 {type(out).__name__}{at}，應為 numpy 陣列 (ndarray)"
        if out.shape != expected.shape:
            return f"shape 是 {out.shape}{at}，應為 {expected.shape}"
        if _integer_kind(expected.dtype) and not _integer_kind(out.dtype):
            return f"dtype 是 {out.dtype}{at}，應為整數 ({expected.dtype})"
        if how == "equal" and out.dtype != expected.dtype:
            return f"dtype 是 {out.dtype}{at}，應為 {expected.dtype}"
        if expected.dtype.kind == "f" or out.dtype.kind == "f":
            if how == "equal":
                same = np.array_equal(out, expected, equal_nan=True)
            else:
                same = np.allclose(out, expected, rtol=rtol, atol=atol, equal_nan=True)
            bad = ~np.isclose(out, expected, rtol=rtol, atol=atol, equal_nan=True)
        else:
            same = np.array_equal(out, expected)
            bad = out != expected
        if same:
            return None
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else ()
        return (f"數值不同{at}：第一個不同的位置 {list(idx)}，得到 {_num(out[idx])}，"
                f"應為 {_num(expected[idx])}（共 {int(bad.sum())}/{bad.size} 個不同）")
    if isinstance(expected, (list, tuple)):
        if not isinstance(out, (list, tuple)):
            return f"回傳型別是 {type(out).__name__}{at}，應為 {type(expected).__name__}"
        if how == "equal" and type(out) is not type(expected):
            return f"回傳型別是 {type(out).__name__}{at}，應為 {type(expected).__name__}"
        if len(out) != len(expected):
            return (f"長度是 {len(out)}{at}，應為 {len(expected)}；"
                    f"得到 {_describe(out)}，應為 {_describe(expected)}")
        for i, (o, e) in enumerate(zip(out, expected)):
            diff = compare(o, e, how, rtol, atol, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(out, dict):
            return f"回傳型別是 {type(out).__name__}{at}，應為 dict"
        missing = [k for k in expected if k not in out]
        extra = [k for k in out if k not in expected]
        if missing or extra:
            return (f"dict 的 key 不同{at}：缺少 {missing[:5]}，多出 {extra[:5]}")
        if how == "equal" and list(out) != list(expected):
            return f"dict 的順序不同{at}：得到 {list(out)[:8]}，應為 {list(expected)[:8]}"
        for k in expected:
            diff = compare(out[k], expected[k], how, rtol, atol, f"{where}[{k!r}]")
            if diff:
                return diff
        return None
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return None if out == expected and type(out) is type(expected) else (
            f"得到 {_describe(out)}{at}，應為 {_describe(expected)}")
    if isinstance(expected, (int, float)):
        if isinstance(out, bool) or not isinstance(out, (int, float)):
            return f"回傳型別是 {type(out).__name__}{at}，應為數字"
        if how == "equal" and isinstance(expected, int) and not isinstance(out, int):
            return f"得到 {out!r}{at}，應為整數 {expected!r}"
        ok = out == expected if how == "equal" else bool(
            np.isclose(out, expected, rtol=rtol, atol=atol))
        return None if ok else f"得到 {out!r}{at}，應為 {expected!r}"
    raise TypeError(f"cannot compare with expected value of type {type(expected).__name__}")


def judge(check: Check, out: Any, expected: Any) -> Result:
    """Compare a probe's plain output with the expected value; explain any difference."""
    try:
        diff = compare(out, expected, check.compare, check.rtol, check.atol)
    except Exception as exc:  # noqa: BLE001 - e.g. an int too large for numpy
        diff = f"無法比較回傳值 ({type(exc).__name__}: {exc})"
    if diff is None:
        return Result(check.name, True)
    return Result(check.name, False, f"{check.message}\n    細節：{diff}".strip())


def run_checks(checks: Sequence[Check], namespace: Mapping[str, Any],
               expected: Sequence[Any] | None = None,
               time_limit: float | None = DEFAULT_TIME_LIMIT) -> list[Result]:
    """Run every check in-process and return one Result each (never raises for student
    errors). ``expected`` overrides ``check.expected`` (the autograder passes reference
    outputs for hidden checks)."""
    results = []
    for i, check in enumerate(checks):
        want = expected[i] if expected is not None else check.expected
        if isinstance(want, str) and want == FROM_REFERENCE:
            raise ValueError(f"check {check.name!r} needs its expected value from the reference")
        try:
            out = execute_probe(check, namespace, time_limit)
        except ProbeError as exc:
            results.append(Result(check.name, False, f"{check.message}\n    細節：{exc}".strip()))
            continue
        results.append(judge(check, out, want))
    return results


def failure_text(results: Sequence[Result], title: str) -> str:
    """What a student reads when checks failed ("" when all passed): a count, then each
    failed check's message, or one line when an unfinished function failed them all."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return ""
    lines = [f"✗ {title}：{len(failed)}/{len(results)} 項檢查未通過"]
    details = {r.message.rpartition("細節：")[2] for r in failed}
    if len(failed) > 1 and len(details) == 1 and "NotImplementedError" in details.pop():
        # an unfinished function fails every check the same way: say it once
        lines.append(f"  {failed[0].message.rpartition('細節：')[2]}")
    else:
        lines += [f"  - [{r.name}] {r.message}" for r in failed]
    return "\n".join(lines)


def report(results: Sequence[Result], title: str) -> None:
    """Print a one-line success, or raise AssertionError listing every failed check."""
    text = failure_text(results, title)
    if text:
        raise AssertionError(text)
    print(f"✓ {title}：{len(results)} 項檢查全部通過")
