"""The grading harness: one score per submission, computed from the same checks as nbgrader.

An assignment's tests are its source notebook's test cells (``solutions/<id>/<id>.ipynb``):
one harness test per cell, worth the cell's nbgrader ``points`` times the weighted share of
its public (``rnnlab.checks``) and hidden (``autograder.hidden``) checks that pass
(:func:`rnnlab.checking.grade_test`, as in the notebook). Expected values are computed once
per assignment, here, from pinned values or the reference solution. For each submission
only its answer cells (the source's ``grade_id``s) run, in a sandboxed child
(:mod:`autograder.sandbox`) that returns plain data; this process validates and judges it.
"""

from __future__ import annotations

import ast
import csv
import functools
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

from autograder import worker as wire
from autograder.results import SubmissionReport, TestReport
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
from autograder.submissions import (
    Submission,
    SubmissionError,
    answer_cells_of,
    read_answer_cells,
)
from rnnlab.checking import (
    Check,
    CheckResult,
    ProbeError,
    from_json,
    grade_test,
    judge,
    to_json,
)

GRACE = 3.0  # seconds the parent waits beyond the child's own per-check alarm
MAX_MESSAGE = 1000
CSV_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score",
               "status", "isolation", "message"]


class SpecError(Exception):
    """The assignment's source notebook or checks cannot be graded by the harness."""


# ---------------------------------------------------------------- the assignment
@dataclass(frozen=True)
class CheckSpec:
    kind: str  # "public", "hidden", or "gate" (a required test's public check)
    check: Check
    expected: Any
    inputs: Any  # the check's inputs in wire format, encoded once
    message: str  # what the student reads when it fails


@dataclass
class TestSpec:
    grade_id: str
    points: float
    checks: list[CheckSpec]
    requires: list[str] = field(default_factory=list)  # "<assignment>:<grade_id>"


@dataclass
class AssignmentSpec:
    name: str
    source: Path
    answer_ids: list[str]
    tests: list[TestSpec]
    gates: dict[str, list[CheckSpec]] = field(default_factory=dict)
    probes: list[tuple[str, CheckSpec]] = field(default_factory=list)  # (owner key, check)

    @property
    def max_score(self) -> float:
        return float(sum(t.points for t in self.tests))


def known_assignments() -> list[str]:
    """Assignments with a source notebook ``solutions/<id>/<id>.ipynb``."""
    from autograder import reference

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


def _specs(kind: str, assignment: str, grade_id: str) -> list[CheckSpec]:
    from autograder.hidden import expected_outputs, hidden_checks, hidden_messages
    from rnnlab.checks import public_checks

    if kind == "hidden":
        checks = hidden_checks(assignment, grade_id)
        messages = hidden_messages(assignment, grade_id, checks)
    else:
        checks = public_checks(assignment, grade_id)
        messages = [c.message for c in checks]
    specs = []
    for check, want, message in zip(checks, expected_outputs(assignment, checks), messages):
        try:
            inputs = wire.encode(dict(check.inputs))
        except wire.WireError as exc:
            raise SpecError(f"{grade_id}/{check.name}: inputs are not plain data "
                            f"({exc})") from None
        specs.append(CheckSpec(kind, check, want, inputs, message))
    return specs


def spec_to_json(spec: AssignmentSpec) -> dict:
    """Everything grading needs, as JSON data: answer cells, test cells and their points,
    every check's probe, inputs, expected value, message and weight. No solution code: the
    hidden checks' expected values are already computed (a Gradescope bundle ships this)."""
    def check(c: CheckSpec) -> dict:
        k = c.check
        return {"kind": c.kind, "name": k.name, "code": k.code, "inputs": c.inputs,
                "expected": to_json(c.expected), "message": c.message, "compare": k.compare,
                "rtol": k.rtol, "atol": k.atol, "weight": k.weight, "gated": k.gated,
                "retests": k.retests}

    return {"format": 1, "name": spec.name, "answer_ids": spec.answer_ids,
            "tests": [{"grade_id": t.grade_id, "points": t.points, "requires": t.requires,
                       "checks": [check(c) for c in t.checks]} for t in spec.tests],
            "gates": {key: [check(c) for c in checks] for key, checks in spec.gates.items()}}


def spec_from_json(data: dict, source: Path | None = None) -> AssignmentSpec:
    """The inverse of :func:`spec_to_json`."""
    if data.get("format") != 1:
        raise SpecError(f"unknown grading spec format {data.get('format')!r}")

    def check(d: dict) -> CheckSpec:
        probe = Check(d["name"], d["code"], expected=None, message=d["message"],
                      compare=d["compare"], rtol=d["rtol"], atol=d["atol"], weight=d["weight"],
                      gated=bool(d.get("gated")), retests=str(d.get("retests", "")))
        return CheckSpec(d["kind"], probe, from_json(d["expected"]), d["inputs"], d["message"])

    tests = [TestSpec(t["grade_id"], float(t["points"]), [check(c) for c in t["checks"]],
                      list(t["requires"])) for t in data["tests"]]
    spec = AssignmentSpec(data["name"], source or Path(f"{data['name']}.ipynb"),
                          list(data["answer_ids"]), tests,
                          {k: [check(c) for c in v] for k, v in data["gates"].items()})
    spec.probes = [(f"{spec.name}:{t.grade_id}", c) for t in tests for c in t.checks]
    spec.probes += [(key, c) for key, checks in spec.gates.items() for c in checks]
    return spec


def _fingerprint(name: str) -> str | None:
    """A hash of everything a spec is computed from (sources, checks, pins, machinery)."""
    import hashlib

    import numpy

    import rnnlab
    from autograder import reference

    rnn = Path(rnnlab.__file__).resolve().parent
    package = Path(__file__).resolve().parent
    files = [reference.source_notebook(name)]
    files += sorted(rnn.rglob("*.py")) + sorted(rnn.rglob("*.json"))
    files += sorted(package.rglob("*.py"))
    digest = hashlib.sha256(f"{numpy.__version__} {name}".encode())
    try:
        for path in files:
            digest.update(str(path.name).encode() + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:24]


@functools.cache
def load_spec(name: str) -> AssignmentSpec:
    """:func:`load_assignment`, once per process, and cached on disk (``build/spec-cache``)
    under a fingerprint of its sources: a grader process (pytest, Gradescope, nbgrader)
    does not recompute every hidden check's expected value from the reference."""
    from autograder import reference

    fingerprint = _fingerprint(name)
    cache = reference.REPO_ROOT / "build" / "spec-cache" / f"{name}-{fingerprint}.json"
    if fingerprint and cache.is_file():
        try:
            return spec_from_json(json.loads(cache.read_text(encoding="utf-8")),
                                  reference.source_notebook(name))
        except (OSError, ValueError, KeyError, SpecError):
            pass  # unreadable (another user's cache) or stale: compute it
    spec = load_assignment(name)
    if fingerprint:
        try:
            write_atomic(cache, json.dumps(spec_to_json(spec), ensure_ascii=False))
            cache.chmod(0o644)
        except OSError:
            pass
    return spec


def load_assignment(name: str) -> AssignmentSpec:
    """Read the source notebook of ``name`` and compute every check's expected value."""
    import nbformat  # slow to import (jsonschema's format checkers): only when computing

    from autograder import reference
    from rnnlab.checks import requirements

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
            specs += _specs("public" if func == "run_public" else "hidden",
                            assignment, grade_id)
        if not specs:
            raise SpecError(f"test cell {gid} of {name} has no checks")
        requires = [f"{a}:{g}" for a, g in requirements(name, gid)]
        tests.append(TestSpec(gid, points, specs, requires))
    spec = AssignmentSpec(name, path, answer_ids, tests)
    own = {f"{name}:{t.grade_id}" for t in tests}
    for test in tests:
        for key in test.requires:
            if key not in own and key not in spec.gates:
                assignment, _, grade_id = key.partition(":")
                spec.gates[key] = [CheckSpec("gate", c.check, c.expected, c.inputs, c.message)
                                   for c in _specs("public", assignment, grade_id)]
    spec.probes = [(f"{name}:{t.grade_id}", c) for t in tests for c in t.checks]
    spec.probes += [(key, c) for key, checks in spec.gates.items() for c in checks]
    return spec


# ---------------------------------------------------------------- running one submission
@dataclass
class Execution:
    cell_errors: dict[str, str] = field(default_factory=dict)
    outputs: list[tuple[bool, Any] | None] = field(default_factory=list)  # (ok, value|error)
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)
    output: str = ""


def _short(text: Any, limit: int = MAX_MESSAGE) -> str:
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _probe_outcome(reply: dict) -> tuple[bool, Any]:
    """Validate a probe reply: ``(True, plain data)`` or ``(False, ProbeError)``."""
    if reply.get("ok") is True and "out" in reply:
        try:
            return True, wire.decode(reply["out"])
        except (wire.WireError, ValueError, RecursionError) as exc:
            return False, ProbeError(f"回傳的資料格式無效 ({_short(str(exc), 200)})")
    failure = reply.get("failure")
    return False, ProbeError(_short(reply.get("error") or "未知的錯誤"),
                             failure if isinstance(failure, str) else "invalid")


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
    broken_tests: set[str] = set()
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
                            run.outputs[i] = (False, ProbeError(
                                "略過：同一個測試先前的檢查超時或中斷了執行", "skipped"))
                            i += 1
                            continue
                        stage = ("probe", i)
                        reply = child.call({"op": "probe", "code": check.check.code,
                                            "name": check.check.name,
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
            failure = "timeout"
        except ChildDied as exc:
            problem = (f"程式讓執行它的 process 結束了（{exc}）：是否呼叫了 os._exit() "
                       "或用完了記憶體？")
            failure = "error"
        except ChildProtocolError as exc:
            problem = f"回傳的資料無效（{exc}）"
            failure = "invalid"
        if stage is None:
            run.notes.append(f"無法啟動評分用的 process：{problem}")
            break
        if stage[0] == "cell":
            dead_cells.add(stage[1])
            run.cell_errors[stage[1]] = problem
        else:
            run.outputs[stage[1]] = (False, ProbeError(problem, failure))
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
def _judge(check: CheckSpec, outcome: tuple[bool, Any] | None, timed_out: bool) -> CheckResult:
    if outcome is None:
        why = "未執行：超過這份作業的時間限制" if timed_out else "未執行"
        outcome = (False, ProbeError(why, "timeout" if timed_out else "missing"))
    kind = "public" if check.kind == "gate" else check.kind
    return judge(check.check, outcome, check.expected, kind, check.message)


def _ungraded(spec: AssignmentSpec, sub: Submission, status: str, note: str,
              why: str) -> SubmissionReport:
    tests = [TestReport.ungraded(t.grade_id, t.points, why) for t in spec.tests]
    return SubmissionReport(sub.student, str(sub.path), status, 0.0, spec.max_score, [note],
                            tests, sub.timestamp)


def grade_submission(spec: AssignmentSpec, sub: Submission, limits: Limits,
                     isolation: Isolation, data: bytes | None = None) -> SubmissionReport:
    """Grade one submission (the file ``sub.path``, or ``data`` when given); never raises
    for anything the submission contains."""
    try:
        if data is None:
            sources, notes = read_answer_cells(sub.path, spec.answer_ids)
        else:
            sources, notes = answer_cells_of(data, spec.answer_ids)
    except SubmissionError as exc:
        return _ungraded(spec, sub, "error", str(exc), "檔案無法讀取")
    cells = [(gid, python_source(sources[gid])) for gid in spec.answer_ids if gid in sources]
    missing = [gid for gid in spec.answer_ids if gid not in sources]
    try:
        run = execute(spec, cells, limits, isolation)
    except (SandboxError, OSError) as exc:
        return _ungraded(spec, sub, "error", f"評分環境錯誤：{exc}", "未評分")
    results: dict[str, list[CheckResult]] = {}
    for (owner, check), outcome in zip(spec.probes, run.outputs):
        results.setdefault(owner, []).append(_judge(check, outcome, run.timed_out))

    def public_ok(key: str) -> bool:
        return all(r.passed for r in results.get(key, [])[:_n_public(spec, key)])

    tests = []
    for test in spec.tests:
        own = results[f"{spec.name}:{test.grade_id}"]
        blocked = [] if all(r.passed for r in own) else [
            key.partition(":")[2] if key.startswith(f"{spec.name}:") else key
            for key in test.requires if not public_ok(key)]
        tests.append(TestReport.from_result(grade_test(test.grade_id, test.points, own,
                                                       blocked)))
    score = round(sum(t.points for t in tests), 2)
    n_pass = sum(t.passed for t in tests)
    lines = [f"{n_pass}/{len(tests)} 個測試全部通過，得分 {score:g}/{spec.max_score:g}"]
    if run.timed_out:
        lines.append(f"超過每份作業的時間限制 {limits.timeout:g} 秒，未執行的檢查以未通過計")
    lines += [f"找不到答案 cell {gid!r}（它被刪除了，或 grade_id 被改名了？）："
              "用到它的檢查以未通過計" for gid in missing]
    lines += [f"答案 cell {gid!r} 執行錯誤：{err}" for gid, err in run.cell_errors.items()]
    lines += notes + run.notes
    return SubmissionReport(sub.student, str(sub.path),
                            "timeout" if run.timed_out else "graded", score, spec.max_score,
                            lines, tests, sub.timestamp)


def _n_public(spec: AssignmentSpec, key: str) -> int:
    """How many of the checks owned by ``key`` are public (they come first)."""
    if key in spec.gates:
        return len(spec.gates[key])
    gid = key.partition(":")[2]
    test = next(t for t in spec.tests if t.grade_id == gid)
    return sum(c.kind == "public" for c in test.checks)


# ---------------------------------------------------------------- batches and reports
@dataclass
class BatchReport:
    assignment: str
    isolation: Isolation
    limits: Limits
    results: list[SubmissionReport]
    submissions: list[Submission]
    seconds: float

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "isolation": self.isolation.kind,
                "sandbox": self.isolation.describe(),
                "warnings": list(self.isolation.warnings),
                "limits": {"timeout": self.limits.timeout, "memory_mb": self.limits.memory_mb,
                           "check_time": self.limits.check_time, "nproc": self.limits.nproc},
                "seconds": round(self.seconds, 3),
                "submissions": [r.to_json() for r in self.results]}

    def csv_rows(self) -> list[dict]:
        rows = []
        for res in self.results:
            rows.append({"assignment": self.assignment, "duedate": "",
                         "timestamp": res.timestamp, "student_id": res.student,
                         "last_name": "", "first_name": "", "email": "",
                         "raw_score": res.score, "late_submission_penalty": 0.0,
                         "score": res.score, "max_score": res.max_score,
                         "status": res.status, "isolation": self.isolation.kind,
                         "message": _short(" / ".join(res.notes))})
        return rows


def protected_paths(spec: AssignmentSpec, subs: Iterable[Submission]) -> tuple[Path, ...]:
    """What no sandbox may see: the solutions, the harness and hidden checks, and the
    folders of the submissions (each student's, and nbgrader's ``submitted/`` above them)."""
    package = Path(__file__).resolve().parent
    folders = set()
    for sub in subs:
        folder = Path(sub.path).resolve().parent
        folders.add(folder)
        folders.update(p for p in folder.parents if p.name == "submitted")
    return (package.parent / "solutions", spec.source, package, *sorted(folders))


def grade_batch(assignment: str | AssignmentSpec, subs: list[Submission], limits: Limits,
                jobs: int = 1, isolation: Isolation | None = None,
                progress: Callable[[int], None] | None = None,
                allow_unsandboxed: bool = False, protect: Iterable[Path] = ()) -> BatchReport:
    """Grade ``subs`` with ``jobs`` workers in parallel; results in the order of ``subs``.

    Refuses (SandboxError) when the sandbox is unusable, unless ``allow_unsandboxed``;
    ``protect``: more paths the sandbox must hide (e.g. where the reports go).
    """
    start = time.monotonic()
    spec = assignment if isinstance(assignment, AssignmentSpec) else load_assignment(assignment)
    isolation = isolation or detect_isolation(
        protect=(*protected_paths(spec, subs), *map(Path, protect)),
        allow_unsandboxed=allow_unsandboxed)

    def one(sub: Submission) -> SubmissionReport:
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
