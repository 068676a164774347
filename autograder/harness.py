"""The grading harness: one score per submission, computed from the same checks as nbgrader.

An assignment's tests are its source notebook's test cells (``solutions/<id>/<id>.ipynb``):
one harness test per cell, worth the cell's nbgrader ``points``, passing iff every public
(``rnnlab.checks``) and hidden (``autograder.hidden``) check it runs passes. Expected values
are computed once per assignment, here, from literals or the reference solution. For each
submission only its answer cells (the source's ``grade_id``s) run, in a sandboxed child
(:mod:`autograder.sandbox`) that returns plain data; this process validates and judges it.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from autograder import reference
from autograder import worker as wire
from autograder.sandbox import (
    Child,
    ChildDied,
    ChildProtocolError,
    ChildTimeout,
    Isolation,
    Limits,
    SandboxError,
    detect_isolation,
)
from autograder.submissions import Submission, SubmissionError, read_answer_cells
from rnnlab.checking import Check, Result, failure_text, judge

GRACE = 3.0  # seconds the parent waits beyond the child's own per-check alarm
MAX_MESSAGE = 1000
CSV_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score",
               "status", "message"]


class SpecError(Exception):
    """The assignment's source notebook or checks cannot be graded by the harness."""


# ---------------------------------------------------------------- the assignment
@dataclass(frozen=True)
class CheckSpec:
    kind: str  # "公開" (public) or "隱藏" (hidden)
    check: Check
    expected: Any
    inputs: Any  # the check's inputs in wire format, encoded once


@dataclass
class TestSpec:
    grade_id: str
    points: float
    checks: list[CheckSpec]


@dataclass
class AssignmentSpec:
    name: str
    source: Path
    answer_ids: list[str]
    tests: list[TestSpec]
    probes: list[tuple[int, CheckSpec]] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return float(sum(t.points for t in self.tests))


def known_assignments() -> list[str]:
    """Assignments with a source notebook ``solutions/<id>/<id>.ipynb``."""
    root = Path(reference.SOLUTIONS)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _check_calls(source: str, cell_id: str) -> list[tuple[str, str, str]]:
    """``(function, assignment, grade_id)`` of each run_public/run_hidden call in a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise SpecError(f"test cell {cell_id}: {exc}") from None
    calls = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("run_public", "run_hidden")):
            args = node.args[:2]
            if len(args) != 2 or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                         for a in args):
                raise SpecError(f"test cell {cell_id}: {node.func.id} needs literal ids")
            calls.append((node.func.id, args[0].value, args[1].value))
    return calls


def load_assignment(name: str) -> AssignmentSpec:
    """Read the source notebook of ``name`` and compute every check's expected value."""
    from autograder.hidden import expected_outputs, hidden_checks
    from rnnlab.checks import public_checks

    path = reference.source_notebook(name)
    nb = nbformat.read(path, as_version=4)
    answer_ids = [c.metadata.nbgrader["grade_id"] for c in reference.answer_cells(nb)]
    tests = []
    for cell in reference.test_cells(nb):
        meta = cell.metadata.nbgrader
        gid, points = meta["grade_id"], float(meta.get("points", 0))
        calls = _check_calls(cell.source, gid)
        if not calls:
            raise SpecError(f"test cell {gid} of {name} runs no run_public/run_hidden checks; "
                            "the harness cannot grade it (see CONTRIBUTING.md)")
        specs = []
        for func, assignment, grade_id in calls:
            kind, checks = (("公開", public_checks(assignment, grade_id)) if func == "run_public"
                            else ("隱藏", hidden_checks(assignment, grade_id)))
            for check, want in zip(checks, expected_outputs(assignment, checks)):
                try:
                    inputs = wire.encode(dict(check.inputs))
                except wire.WireError as exc:
                    raise SpecError(f"{grade_id}/{check.name}: inputs are not plain data "
                                    f"({exc})") from None
                specs.append(CheckSpec(kind, check, want, inputs))
        if not specs:
            raise SpecError(f"test cell {gid} of {name} has no checks")
        tests.append(TestSpec(gid, points, specs))
    spec = AssignmentSpec(name, path, answer_ids, tests)
    spec.probes = [(t, c) for t, test in enumerate(tests) for c in test.checks]
    return spec


# ---------------------------------------------------------------- running one submission
@dataclass
class Execution:
    cell_errors: dict[str, str] = field(default_factory=dict)
    outputs: list[tuple[bool, Any] | None] = field(default_factory=list)
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)
    output: str = ""


def _short(text: Any, limit: int = MAX_MESSAGE) -> str:
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _probe_outcome(reply: dict) -> tuple[bool, Any]:
    """Validate a probe reply: plain data or an error message, nothing else."""
    if reply.get("ok") is True and "out" in reply:
        try:
            return True, wire.decode(reply["out"])
        except (wire.WireError, ValueError, RecursionError) as exc:
            return False, f"回傳的資料格式無效 ({_short(str(exc), 200)})"
    return False, _short(reply.get("error") or "未知的錯誤")


def python_source(source: str) -> str:
    """Cell source as plain Python: IPython magics (``%time``, ``!ls``) become calls that the
    worker's stand-in ``get_ipython()`` ignores."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - leave it as is; the worker reports the SyntaxError
        return source


def execute(spec: AssignmentSpec, cells: list[tuple[str, str]], limits: Limits,
            isolation: Isolation) -> Execution:
    """Run the answer ``cells`` and every probe of ``spec`` in sandboxed workers.

    A cell or probe that hangs, exits or breaks the protocol costs only itself: the worker
    is replaced (answer cells run again, the culprit skipped) and grading goes on, until
    the submission's wall-clock ``limits.timeout`` runs out.
    """
    run = Execution(outputs=[None] * len(spec.probes))
    deadline = time.monotonic() + limits.timeout
    dead_cells: set[str] = set()
    broken_tests: set[int] = set()
    captured: list[str] = []
    i = restarts = 0
    while True:
        if time.monotonic() >= deadline:
            run.timed_out = True
            break
        stage: tuple[str, Any] | None = None
        problem = ""
        try:
            with Child(isolation, limits) as child:
                try:
                    for gid, source in cells:
                        if gid in dead_cells:
                            continue
                        stage = ("cell", gid)
                        reply = child.call({"op": "exec", "name": gid, "source": source,
                                            "time_limit": limits.check_time},
                                           _budget(deadline, limits))
                        if reply.get("ok") is not True and gid not in run.cell_errors:
                            run.cell_errors[gid] = _short(reply.get("error") or "未知的錯誤")
                    while i < len(spec.probes):
                        test, check = spec.probes[i]
                        if test in broken_tests:
                            run.outputs[i] = (False, "略過：同一個測試先前的檢查超時或中斷了執行")
                            i += 1
                            continue
                        stage = ("probe", i)
                        reply = child.call({"op": "probe", "code": check.check.code,
                                            "inputs": check.inputs,
                                            "time_limit": limits.check_time},
                                           _budget(deadline, limits))
                        run.outputs[i] = _probe_outcome(reply)
                        if reply.get("slow") is True and not run.outputs[i][0]:
                            broken_tests.add(test)
                        i += 1
                    break
                finally:
                    captured.append(child.output())
        except ChildTimeout:
            if time.monotonic() >= deadline - 0.05:
                run.timed_out = True
                break
            problem = "執行超過時間限制仍未結束，可能有無窮迴圈 (infinite loop)；已強制終止"
        except ChildDied as exc:
            problem = (f"程式讓執行它的 process 結束了（{exc}）：是否呼叫了 os._exit() "
                       "或用完了記憶體？")
        except ChildProtocolError as exc:
            problem = f"回傳的資料無效（{exc}）"
        if stage is None:
            run.notes.append(f"無法啟動評分用的 process：{problem}")
            break
        if stage[0] == "cell":
            dead_cells.add(stage[1])
            run.cell_errors[stage[1]] = problem
        else:
            run.outputs[stage[1]] = (False, problem)
            broken_tests.add(spec.probes[stage[1]][0])  # its other checks are skipped
            i = stage[1] + 1
        restarts += 1
        # each restart retires one cell or one test, so this bound is never reached honestly
        if restarts > len(cells) + len(spec.tests) + 2:
            run.notes.append(f"重新啟動了 {restarts} 次，其餘檢查不再執行")
            break
    run.output = _short("".join(captured), 4000)
    return run


def _budget(deadline: float, limits: Limits) -> float:
    return max(0.0, min(limits.check_time + GRACE, deadline - time.monotonic()))


# ---------------------------------------------------------------- judging
def _judge(check: CheckSpec, outcome: tuple[bool, Any] | None, timed_out: bool) -> Result:
    name = f"{check.kind} {check.check.name}"
    if outcome is None:
        why = "未執行：超過這份作業的時間限制" if timed_out else "未執行"
        return Result(name, False, f"{check.check.message}\n    細節：{why}".strip())
    ok, value = outcome
    if not ok:
        return Result(name, False, f"{check.check.message}\n    細節：{value}".strip())
    result = judge(check.check, value, check.expected)  # never raises on a student's value
    return Result(name, result.passed, result.message)


def _test_message(grade_id: str, results: list[Result]) -> str:
    return _short(failure_text(results, grade_id), 4 * MAX_MESSAGE)


def _result(sub: Submission, status: str, score: float, max_score: float, message: str,
            tests: list[dict]) -> dict:
    return {"student": sub.student, "path": str(sub.path), "status": status,
            "score": float(score), "max_score": float(max_score), "message": message,
            "tests": tests}


def grade_submission(spec: AssignmentSpec, sub: Submission, limits: Limits,
                     isolation: Isolation) -> dict:
    """Grade one submission; never raises for anything the submission contains."""
    try:
        sources, notes = read_answer_cells(sub.path, spec.answer_ids)
    except SubmissionError as exc:
        tests = [{"name": t.grade_id, "points": 0.0, "max_points": t.points, "passed": False,
                  "message": "未評分：檔案無法讀取"} for t in spec.tests]
        return _result(sub, "error", 0, spec.max_score, str(exc), tests)
    cells = [(gid, python_source(sources[gid])) for gid in spec.answer_ids if gid in sources]
    missing = [gid for gid in spec.answer_ids if gid not in sources]
    try:
        run = execute(spec, cells, limits, isolation)
    except (SandboxError, OSError) as exc:
        tests = [{"name": t.grade_id, "points": 0.0, "max_points": t.points, "passed": False,
                  "message": "未評分"} for t in spec.tests]
        return _result(sub, "error", 0, spec.max_score, f"評分環境錯誤：{exc}", tests)
    tests, score, k = [], 0.0, 0
    for test in spec.tests:
        results = []
        for check in test.checks:
            results.append(_judge(check, run.outputs[k], run.timed_out))
            k += 1
        passed = all(r.passed for r in results)
        score += test.points if passed else 0.0
        tests.append({"name": test.grade_id, "points": test.points if passed else 0.0,
                      "max_points": test.points, "passed": passed,
                      "message": _test_message(test.grade_id, results)})
    n_pass = sum(t["passed"] for t in tests)
    lines = [f"{n_pass}/{len(tests)} 個測試通過，得分 {score:g}/{spec.max_score:g}"]
    if run.timed_out:
        lines.append(f"超過每份作業的時間限制 {limits.timeout:g} 秒，未執行的檢查以 0 分計")
    lines += [f"找不到答案 cell {gid!r}（它被刪除了，或 grade_id 被改名了？）："
              "用到它的測試以 0 分計" for gid in missing]
    lines += [f"答案 cell {gid!r} 執行錯誤：{err}" for gid, err in run.cell_errors.items()]
    lines += notes + run.notes
    return _result(sub, "timeout" if run.timed_out else "graded", score, spec.max_score,
                   "\n".join(lines), tests)


# ---------------------------------------------------------------- batches and reports
@dataclass
class BatchReport:
    assignment: str
    isolation: Isolation
    limits: Limits
    results: list[dict]
    submissions: list[Submission]
    seconds: float

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "isolation": self.isolation.kind,
                "sandbox": self.isolation.describe(),
                "warnings": list(self.isolation.warnings),
                "limits": {"timeout": self.limits.timeout, "memory_mb": self.limits.memory_mb,
                           "check_time": self.limits.check_time, "nproc": self.limits.nproc},
                "seconds": round(self.seconds, 3), "submissions": self.results}

    def csv_rows(self) -> list[dict]:
        rows = []
        for sub, res in zip(self.submissions, self.results):
            rows.append({"assignment": self.assignment, "duedate": "", "timestamp": sub.timestamp,
                         "student_id": res["student"], "last_name": "", "first_name": "",
                         "email": "", "raw_score": res["score"], "late_submission_penalty": 0.0,
                         "score": res["score"], "max_score": res["max_score"],
                         "status": res["status"],
                         "message": _short(" / ".join(res["message"].splitlines()))})
        return rows


def protected_paths(spec: AssignmentSpec, subs: Iterable[Submission]) -> tuple[Path, ...]:
    """What no sandbox may see: the solutions, the harness and hidden checks, submissions."""
    package = Path(__file__).resolve().parent
    return (Path(reference.SOLUTIONS), spec.source, package, *(s.path for s in subs))


def grade_batch(assignment: str | AssignmentSpec, subs: list[Submission], limits: Limits,
                jobs: int = 1, isolation: Isolation | None = None,
                progress: Callable[[int], None] | None = None) -> BatchReport:
    """Grade ``subs`` with ``jobs`` workers in parallel; results in the order of ``subs``."""
    start = time.monotonic()
    spec = assignment if isinstance(assignment, AssignmentSpec) else load_assignment(assignment)
    isolation = isolation or detect_isolation(protect=protected_paths(spec, subs))

    def one(sub: Submission) -> dict:
        try:
            return grade_submission(spec, sub, limits, isolation)
        finally:
            if progress:
                progress(1)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, subs))
    return BatchReport(spec.name, isolation, limits, results, subs, time.monotonic() - start)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``: readers see the old
    file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(report: BatchReport, path: str | Path) -> None:
    write_atomic(path, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")


def write_csv(report: BatchReport, path: str | Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report.csv_rows())
    write_atomic(path, buffer.getvalue())
