"""Checks shared by the notebooks' test cells and the instructor's autograder.

A :class:`Check` is data: a few statements (``code``) that call the student's functions
with fixed ``inputs`` and store a plain result in ``out``, the ``expected`` result, a zh-TW
``message`` that names the likely mistake, and a ``weight``. Because a check is data, the
same check runs in the notebook (in the student's kernel) and in the autograder (in a
sandboxed child process that sends back only plain data), so visible tests, hidden tests
and the harness share one source of truth.

One test cell is graded by :func:`grade_test` (points = the weighted share of its checks
that pass) and explained by :func:`feedback` (the verdict first, then at most three likely
causes); both graders use these two functions, so a test cell earns the same points and
shows the same text in the notebook, in nbgrader's gradebook and in the harness's reports.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import math
import signal
import threading
import traceback
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

FROM_REFERENCE = "<computed from the reference solution>"
PINNED = "<pinned from the reference solution by `python -m autograder pin`>"
DEFAULT_TIME_LIMIT = 20.0  # seconds per check inside a notebook
MAX_MESSAGES = 3  # likely causes shown per test cell
VERDICT_MIME = "application/vnd.rnnlab.verdict+json"  # the verdict as data, for graders
PROBE_FILE = "<check {name}>"  # the file name of a probe's code in tracebacks


@dataclass(frozen=True)
class Check:
    """One probe of student code and what it must return.

    name: stable id within its test cell, e.g. ``"bias_only"``.
    code: statements run with the student's names and ``inputs`` in scope; must set ``out``.
    inputs: plain data (numpy arrays, numbers, strings, lists, dicts) bound as variables;
        each run gets a fresh deep copy.
    expected: plain data; ``PINNED`` (public checks: the value pinned from the reference
        in ``rnnlab/checks/pinned/<assignment>.json``); or ``FROM_REFERENCE`` (hidden
        checks: the autograder runs the same ``code`` on the reference solution).
    message: what is probably wrong when ``out`` differs, in zh-TW with the English term.
        A hidden check may leave it empty: it then shows the message of the public check
        it re-tests.
    compare: ``"allclose"`` (arrays/numbers within rtol/atol), ``"equal"`` (exact, dtype
        included) or ``"at_most"`` (a number no larger than ``expected``).
    weight: this check's share of its test cell's points (relative to the other checks).
    retests: hidden checks only: the name of the public check, in the same test cell,
        whose rule this check tests again on other inputs (a hidden check adds inputs,
        never rules).
    integration: the check also exercises the graded functions this test requires
        (``REQUIRES`` of the check module); at most one per test cell.
    gated: a check of form rather than value (a type, a shape, inputs left unchanged, an
        empty input): it counts only when at least one ungated check of its test cell
        passes, so a function that does nothing (``return None``, zeros) earns nothing.
    """

    name: str
    code: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    expected: Any = FROM_REFERENCE
    message: str = ""
    compare: str = "allclose"
    rtol: float = 1e-6
    atol: float = 1e-8
    weight: float = 1.0
    retests: str = ""
    integration: bool = False
    gated: bool = False


# ---------------------------------------------------------------- results
FAILURES = ("wrong", "error", "unfinished", "timeout", "invalid", "missing", "skipped")


@dataclass
class CheckResult:
    """The outcome of one check.

    name: the check's name. passed: whether ``out`` matched. weight: the check's weight.
    kind: ``"public"`` or ``"hidden"``.
    message: the check's likely-cause message (empty when it passed).
    detail: got/expected, or what the student's code raised (empty when it passed).
    failure: ``""`` when passed, else one of :data:`FAILURES`: ``wrong`` (a value that
        differs), ``error`` (the student's code raised), ``unfinished``
        (``NotImplementedError``), ``timeout``, ``invalid`` (not plain data), ``missing``
        (a name is not defined, or the check did not run), ``skipped`` (not counted because
        another check is the cause: an earlier check of the same test hung or killed its
        process, or :func:`grade_test` voided it).
    """

    name: str
    passed: bool
    weight: float = 1.0
    kind: str = "public"
    message: str = ""
    detail: str = ""
    failure: str = ""
    gated: bool = False
    retests: str = ""  # hidden checks: the public check whose rule they re-test

    @property
    def text(self) -> str:
        """Message and detail in one string (for logs and tests)."""
        return f"{self.message}\n    細節：{self.detail}".strip() if self.detail else self.message


@dataclass
class TestResult:
    """One test cell: its checks' results and what it earns.

    grade_id: the test cell's nbgrader grade_id. max_points: its nbgrader points.
    checks: the results of its checks, public first, in the order they ran.
    blocked_by: grade_ids of required tests (``REQUIRES``) whose public checks failed:
        the root cause to fix first.
    """

    grade_id: str
    max_points: float
    checks: list[CheckResult]
    blocked_by: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        """The weighted share of passed checks, times ``max_points``, to 0.01 point."""
        total = sum(c.weight for c in self.checks)
        if total <= 0:
            return 0.0
        earned = sum(c.weight for c in self.checks if c.passed)
        return round(self.max_points * earned / total, 2)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)


def grade_test(grade_id: str, max_points: float, checks: Sequence[CheckResult],
               blocked_by: Sequence[str] = ()) -> TestResult:
    """The one place a test cell's score is decided (notebook and harness alike).

    Gated checks (form, not value) count only when an ungated check passed: otherwise they
    are failed as ``skipped`` (their cause is the value checks', so no message of theirs).
    A public check counts only when the hidden checks that re-test its rule pass too: a
    rule holds on other inputs or not at all (code that hard-codes the public inputs'
    answers earns nothing for them).
    """
    checks = list(checks)
    broken = {c.retests for c in checks if c.kind == "hidden" and c.retests and not c.passed}
    if broken:
        checks = [replace(c, passed=False, failure="skipped",
                          detail="這條規則在其他輸入（隱藏測試）上沒有成立")
                  if c.kind == "public" and c.passed and c.name in broken else c
                  for c in checks]
    if checks and not any(c.passed for c in checks if not c.gated):
        checks = [replace(c, passed=False, failure="skipped",
                          detail="這個函式還沒有算出任何正確的值")
                  if c.gated and c.passed else c for c in checks]
    return TestResult(grade_id, float(max_points), checks, list(blocked_by))


# ---------------------------------------------------------------- plain data
_PLAIN_SCALARS = (bool, int, float, str, type(None))
# array dtypes a result may have (the autograder's wire format carries exactly these)
PLAIN_DTYPES = frozenset({
    "bool", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "float32", "float64",
})


class ProbeError(Exception):
    """Student code raised, timed out or returned something that is not plain data.

    ``failure`` is one of :data:`FAILURES` (never ``"wrong"``); ``str()`` is the detail.
    """

    def __init__(self, detail: str, failure: str = "invalid"):
        super().__init__(detail)
        self.failure = failure if failure in FAILURES else "invalid"


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


def to_json(value: Any) -> Any:
    """Plain data as readable JSON data: arrays become ``{"$array": dtype, "shape": [...],
    "data": nested lists}``, tuples ``{"$tuple": [...]}``, dicts ``{"$dict": [[k, v], ...]}``
    (keeps key order). Floats round-trip exactly (JSON writes Python's shortest repr)."""
    if isinstance(value, np.ndarray):
        return {"$array": value.dtype.name, "shape": list(value.shape), "data": value.tolist()}
    if isinstance(value, np.generic):
        return value.item()
    if type(value) is tuple:
        return {"$tuple": [to_json(v) for v in value]}
    if type(value) is list:
        return [to_json(v) for v in value]
    if type(value) is dict:
        return {"$dict": [[k, to_json(v)] for k, v in value.items()]}
    return value


def from_json(data: Any) -> Any:
    """The inverse of :func:`to_json`."""
    if type(data) is list:
        return [from_json(v) for v in data]
    if type(data) is dict:
        if "$array" in data:
            return np.array(data["data"], dtype=data["$array"]).reshape(data["shape"])
        if "$tuple" in data:
            return tuple(from_json(v) for v in data["$tuple"])
        if "$dict" in data:
            return {k: from_json(v) for k, v in data["$dict"]}
        raise ValueError(f"untagged dict in pinned data: {sorted(data)[:5]}")
    return data


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


def _is_machinery(filename: str) -> bool:
    """Frames of the checking machinery (this package, probe code, numpy internals)."""
    return ("rnnlab" in filename or filename.startswith("<check ")
            or "site-packages" in filename or "/lib/python3" in filename)


def student_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the student's own code in ``exc``'s traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not _is_machinery(f.filename)]
    return frames[-1] if frames else None


def where(frame: traceback.FrameSummary | None) -> str:
    """``（在 tokenize 第 3 行：text = text.lower()）`` for a student's frame, else ""."""
    if frame is None:
        return ""
    line = (frame.line or "").strip()
    name = "" if frame.name in ("<module>", "") else f"在 {frame.name} "
    code = f"：{line}" if line else ""
    return f"（{name}第 {frame.lineno} 行{code}）"


def describe_exception(exc: BaseException) -> str:
    """One line: the exception and the student's line that raised it."""
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    text = text if len(text) <= 300 else text[:297] + "..."
    return f"{text}{where(student_frame(exc))}"


def unfinished_text(exc: BaseException) -> str:
    frame = student_frame(exc)
    who = f"函式 {frame.name} " if frame is not None and frame.name != "<module>" else "函式"
    return f"{who}還沒完成：請把 `raise NotImplementedError()` 換成你的程式碼"


def execute_probe(check: Check, namespace: Mapping[str, Any], time_limit=DEFAULT_TIME_LIMIT):
    """Run ``check.code`` with the names in ``namespace`` plus a copy of its inputs.

    Returns the plain-data ``out``. Student output on stdout/stderr and numpy warnings are
    swallowed (nbgrader zeroes a test cell that writes to stderr). Raises ProbeError with a
    student-readable detail and its kind (``failure``) when the code raises, runs too
    long or returns non-plain data.
    """
    scope = dict(namespace)
    scope.update(copy.deepcopy(dict(check.inputs)))
    sink = io.StringIO()
    try:
        code = compile(check.code, PROBE_FILE.format(name=check.name), "exec")
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
            _time_limit(time_limit),
        ):
            warnings.simplefilter("ignore")
            exec(code, scope)  # noqa: S102 - the probe is course code, not student code
    except CheckTimeout:
        raise ProbeError(f"執行超過 {time_limit:g} 秒仍未結束，可能有無窮迴圈 (infinite loop)",
                         "timeout") from None
    except NotImplementedError as exc:
        raise ProbeError(unfinished_text(exc), "unfinished") from None
    except NameError as exc:
        if student_frame(exc) is None:  # the probe itself cannot find a function
            raise ProbeError(f"找不到 {exc.name!r}：請先執行定義它的 cell（或名稱拼錯了）",
                             "missing") from None
        raise ProbeError(describe_exception(exc), "error") from None
    except ProbeError:
        raise
    except RecursionError as exc:
        raise ProbeError(f"遞迴太深 (RecursionError){where(student_frame(exc))}",
                         "error") from None
    except Exception as exc:  # noqa: BLE001 - any student error becomes a message
        if student_frame(exc) is None:
            # raised by the probe on what the function returned (e.g. None[0]): a wrong value
            raise ProbeError(f"回傳值無法使用：{type(exc).__name__}: {exc}", "invalid") from None
        raise ProbeError(describe_exception(exc), "error") from None
    if "out" not in scope:
        raise ProbeError("internal: the probe did not set `out`", "invalid")
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
        ok = out == expected if how == "equal" else _close(out, expected, rtol, atol)
        return None if ok else f"得到 {out!r}{at}，應為 {expected!r}"
    raise TypeError(f"cannot compare with expected value of type {type(expected).__name__}")


def _close(out: float, expected: float, rtol: float, atol: float) -> bool:
    """np.isclose for two Python numbers (NaN equals NaN, as in array comparisons), without
    numpy's per-call cost: lists of thousands of token ids are compared number by number."""
    if out == expected:
        return True
    if isinstance(out, int) and isinstance(expected, int):
        return abs(out - expected) <= atol + rtol * abs(expected)
    out, expected = float(out), float(expected)
    if math.isnan(out) or math.isnan(expected):
        return math.isnan(out) and math.isnan(expected)
    if math.isinf(out) or math.isinf(expected):
        return False
    return abs(out - expected) <= atol + rtol * abs(expected)


def judge(check: Check, outcome: tuple[bool, Any], expected: Any, kind: str = "public",
          message: str | None = None) -> CheckResult:
    """Turn a probe's outcome into a CheckResult.

    ``outcome`` is ``(True, plain output)`` or ``(False, ProbeError)``; ``message``
    overrides the check's message (a hidden check shows its public check's message).
    """
    message = check.message if message is None else message
    ok, value = outcome
    links = {"gated": check.gated, "retests": check.retests}
    if not ok:
        failure = value.failure if isinstance(value, ProbeError) else "invalid"
        return CheckResult(check.name, False, check.weight, kind, message, str(value), failure,
                           **links)
    try:
        diff = compare(value, expected, check.compare, check.rtol, check.atol)
    except Exception as exc:  # noqa: BLE001 - e.g. an int too large for numpy
        diff = f"無法比較回傳值 ({type(exc).__name__}: {exc})"
    if diff is None:
        return CheckResult(check.name, True, check.weight, kind, **links)
    return CheckResult(check.name, False, check.weight, kind, message, diff, "wrong", **links)


def probe(check: Check, namespace: Mapping[str, Any],
          time_limit: float | None = DEFAULT_TIME_LIMIT) -> tuple[bool, Any]:
    """``(True, out)`` or ``(False, ProbeError)``: never raises for student errors."""
    try:
        return True, execute_probe(check, namespace, time_limit)
    except ProbeError as exc:
        return False, exc


def run_checks(checks: Sequence[Check], namespace: Mapping[str, Any],
               expected: Sequence[Any] | None = None,
               time_limit: float | None = DEFAULT_TIME_LIMIT, kind: str = "public",
               messages: Sequence[str | None] | None = None) -> list[CheckResult]:
    """Run every check in-process and return one CheckResult each (never raises for
    student errors). ``expected`` overrides ``check.expected`` (the autograder passes
    reference outputs for hidden checks); ``messages`` overrides the checks' messages."""
    results = []
    for i, check in enumerate(checks):
        want = expected[i] if expected is not None else check.expected
        if isinstance(want, str) and want in (FROM_REFERENCE, PINNED):
            raise ValueError(f"check {check.name!r} needs its expected value resolved first")
        message = messages[i] if messages is not None else None
        results.append(judge(check, probe(check, namespace, time_limit), want, kind, message))
    return results


# ---------------------------------------------------------------- feedback
def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def test_name(grade_id: str) -> str:
    """What a student calls a test cell: its grade_id without ``test_``."""
    return grade_id.removeprefix("test_")


def _required(key: str) -> str:
    """``tokenize（test_tokenize）``, or for an earlier notebook's test
    ``rnn_backward（回到 ch19_2_bptt 修正，test_rnn_backward）``."""
    other, _, gid = key.rpartition(":")
    where = f"回到 {other} 修正，" if other else ""
    return f"{test_name(gid)}（{where}{gid}）"


def verdict_line(result: TestResult, title: str | None = None) -> str:
    """``✓ test_tokenize：2/2 分（9 項檢查全部通過）`` or ``✗ …：1.78/2 分（8/9 項檢查通過）``."""
    title = title or result.grade_id
    n = len(result.checks)
    ok = sum(c.passed for c in result.checks)
    if not result.max_points:  # an ungraded exercise: checks only
        return (f"✓ {title}：{n} 項檢查全部通過" if result.passed
                else f"✗ {title}：{ok}/{n} 項檢查通過")
    if result.passed:
        return f"✓ {title}：{result.max_points:g}/{result.max_points:g} 分（{n} 項檢查全部通過）"
    return (f"✗ {title}：{result.points:g}/{result.max_points:g} 分"
            f"（{ok}/{n} 項檢查通過）")


def feedback(result: TestResult, title: str | None = None) -> list[str]:
    """What a student reads about one test cell, as lines: the verdict first, then at most
    :data:`MAX_MESSAGES` likely causes, root cause first.

    - all passed: the verdict alone;
    - an unfinished function, or one whose cell was not run: one line saying so;
    - a required function fails its own checks: "先修好 …", nothing else;
    - the student's code raised or ran too long: that, once, with the student's line;
    - otherwise the failed checks' messages in check order (simplest first), each once,
      with its got/expected detail.
    """
    lines = [verdict_line(result, title)]
    failed = [c for c in result.checks if not c.passed]
    if not failed:
        return lines
    if all(c.failure in ("unfinished", "missing") for c in failed):
        # not written yet, or its cell not run: one line says so (the first such reason)
        first = next((c for c in failed if c.failure == "missing"), failed[0])
        return lines + [f"  {first.detail}"]
    if result.blocked_by:
        return lines + [f"  先修好 {'、'.join(map(_required, result.blocked_by))}：這個測試"
                        "會用到它，它的公開測試還沒全部通過，這裡的錯誤可能都來自它。"]
    groups: list[list] = []  # [message, detail, number of failed checks it explains]
    index: dict[str, int] = {}
    for check in failed:
        if check.failure == "skipped":  # a consequence of the check that hung: said there
            continue
        if check.failure in ("error", "timeout", "unfinished"):
            head = "程式執行時發生錯誤：" if check.failure == "error" else ""
            # one crash on one student line is one cause, whatever the values in its text
            line = check.detail[check.detail.rfind("（在"):] if "（在" in check.detail else ""
            key = f"{check.detail.split(':')[0]} {line}" if line else check.detail
            message, detail = f"{head}{check.detail}", ""
        else:
            key = check.message or check.detail
            hidden = "［隱藏測試：不同的輸入］" if check.kind == "hidden" else ""
            message, detail = f"{hidden}{check.message}".strip() or "結果不對", check.detail
        if key in index:
            groups[index[key]][2] += 1
            continue
        index[key] = len(groups)
        groups.append([message, detail, 1])
    # a crash (or an endless loop) explains the failures after it best: it comes first
    crashes = {c.detail for c in failed if c.failure in ("error", "timeout", "unfinished")}
    groups.sort(key=lambda g: not (g[1] == "" and any(g[0].endswith(d) for d in crashes)))
    for message, detail, _ in groups[:MAX_MESSAGES]:
        lines.append(f"  - {_clip(message, 240)}")
        if detail:
            lines.append(f"    細節：{_clip(detail)}")
    more = sum(g[2] for g in groups[MAX_MESSAGES:])
    if more:
        lines.append(f"  （另有 {more} 項檢查未通過，原因可能不同：先修正上面的問題）")
    return lines


def feedback_text(result: TestResult, title: str | None = None) -> str:
    return "\n".join(feedback(result, title))


# ---------------------------------------------------------------- in the notebook
class Verdict:
    """The value of a test cell: shows the feedback, and is worth its points.

    In JupyterLab and in nbgrader's HTML feedback the student sees the verdict and the
    likely causes (``text/html``); nbgrader reads the points earned from ``text/plain``
    (its partial credit); graders read the whole verdict from :data:`VERDICT_MIME`.
    """

    def __init__(self, grade_id: str, points: float, max_points: float, passed: bool,
                 lines: Sequence[str], checks: Sequence[dict] = ()):
        self.grade_id = grade_id
        self.points = points
        self.max_points = max_points
        self.passed = passed
        self.lines = list(lines)
        self.checks = list(checks)

    @classmethod
    def from_result(cls, result: TestResult, title: str | None = None) -> Verdict:
        checks = [{"name": c.name, "kind": c.kind, "weight": c.weight, "passed": c.passed,
                   "failure": c.failure} for c in result.checks]
        return cls(result.grade_id, result.points, result.max_points, result.passed,
                   feedback(result, title), checks)

    def __repr__(self) -> str:  # nbgrader parses this number as the points earned
        return f"{self.points:g}"

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def data(self) -> dict:
        return {"grade_id": self.grade_id, "points": self.points,
                "max_points": self.max_points, "passed": self.passed,
                "lines": list(self.lines), "checks": list(self.checks)}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": repr(self), "text/html": render_html(self.lines, self.passed),
                VERDICT_MIME: self.data()}


def render_html(lines: Sequence[str], passed: bool) -> str:
    """The feedback lines as a small HTML block (first line bold, green or red)."""
    colour = "#1b7a2e" if passed else "#b3261e"
    head, *rest = [html.escape(line) for line in lines]
    body = "".join(f"<div style='white-space:pre-wrap'>{line}</div>" for line in rest)
    return (f"<div class='rnnlab-verdict' style='font-family:var(--jp-code-font-family,"
            f"monospace);font-size:var(--jp-code-font-size,13px);line-height:1.5'>"
            f"<div style='color:{colour};font-weight:bold'>{head}</div>{body}</div>")


def output_bundle(verdict: Verdict) -> dict:
    """An nbformat ``execute_result`` output of ``verdict`` (what the kernel would show)."""
    return {"output_type": "execute_result", "execution_count": None, "metadata": {},
            "data": verdict._repr_mimebundle_()}
