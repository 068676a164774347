"""Grade the corpus of every assignment in ``solutions/`` and check each expected outcome.

One batch per assignment (``--jobs 2``, short limits), then one test per case, plus checks
that the hostile cases left nothing behind: no leaked text in the report, host files
intact, no process still running.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

from autograder import harness, reference
from autograder.sandbox import Limits
from autograder.submissions import Submission
from autograder.tests import corpus, usable_isolation

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout=60, memory_mb=1024, check_time=4.0)  # room for a loaded CI
ASSIGNMENTS = corpus.available()


def _case_names(assignment: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        env = corpus.Env(Path(tmp), port=1, marker="1.5")
        return [c.name for c in corpus.generic_cases(assignment, env)]


PARAMS = [(a, name) for a in ASSIGNMENTS for name in _case_names(a)]


class Graded:
    def __init__(self, assignment: str, root: Path, isolation):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.env = corpus.Env(root / "env", port=self.listener.getsockname()[1],
                              marker=f"{4000 + uuid.uuid4().int % 5000}.25")
        folder = root / "submitted"
        folder.mkdir()
        self.secrets = [str(reference.source_notebook(assignment)), hidden_module(assignment),
                        str(Path(reference.__file__))]
        others = [str(folder / "solution.ipynb")]
        self.cases = {c.name: c for c in corpus.generic_cases(assignment, self.env,
                                                              others=others)}
        self.isolation = isolation
        self.skipped = {name: c.expect.needs for name, c in self.cases.items()
                        if (c.expect.needs == "bwrap" and isolation.kind != "bwrap")
                        or (c.expect.needs == "pids" and isolation.pids_limit == "none")}
        subs = []
        for name, case in self.cases.items():
            if name not in self.skipped:
                path = folder / f"{name}.ipynb"
                path.write_bytes(case.data)
                subs.append(Submission(name, path))
        self.report = harness.grade_batch(assignment, subs, LIMITS, jobs=2,
                                          isolation=isolation)
        self.results = {r.student: r.to_json() for r in self.report.results}
        harness.write_json(self.report, self.env.report)
        self.listener.close()


_GRADED: dict[str, Graded] = {}


def hidden_module(assignment: str) -> str:
    import importlib

    return importlib.import_module(f"autograder.hidden.{assignment}").__file__


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    isolation = usable_isolation(protect=(Path(reference.SOLUTIONS),))

    def get(assignment: str) -> Graded:
        if assignment not in _GRADED:
            _GRADED[assignment] = Graded(assignment, tmp_path_factory.mktemp(assignment),
                                         isolation)
        return _GRADED[assignment]

    return get


def _failed(result: dict) -> set[str]:
    return {t["name"] for t in result["tests"] if not t["passed"]}


@pytest.mark.parametrize("assignment,case", PARAMS, ids=[f"{a}-{c}" for a, c in PARAMS])
def test_case_outcome(graded, assignment, case):
    g = graded(assignment)
    if case in g.skipped:
        pytest.skip(f"needs {g.skipped[case]} isolation, not available here")
    expect, res = g.cases[case].expect, g.results[case]
    where = f"{case}: {res['status']} {res['score']}/{res['max_score']}\n{res['message']}"
    assert res["status"] == expect.status, where
    assert res["message"].strip(), where
    score, top = res["score"], res["max_score"]
    if expect.score == "full":
        assert score == top > 0, where
    elif expect.score == "zero":
        assert score == 0, where
    elif expect.score == "partial":
        assert 0 < score < top, where
    elif expect.score == "not_full":
        assert score < top, where
    elif isinstance(expect.score, str) and expect.score.startswith("same:"):
        other = g.results[expect.score[5:]]
        assert (score, _failed(res)) == (other["score"], _failed(other)), where
    elif isinstance(expect.score, str) and expect.score.startswith("at_most:"):
        assert score <= g.results[expect.score[8:]]["score"], where
    elif expect.score is not None:
        assert score == expect.score, where
    assert set(expect.failed) <= _failed(res), where
    assert not set(expect.passed) & _failed(res), where
    for text in expect.message:
        assert text in res["message"], where
    tests = {t["name"]: t for t in res["tests"]}
    for name, text in expect.test_message:
        assert text in tests[name]["message"], tests[name]["message"]
    assert sum(t["points"] for t in res["tests"]) == score
    assert sum(t["max_points"] for t in res["tests"]) == top


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hostile_cases_leave_no_trace(graded, assignment):
    g = graded(assignment)
    report = g.env.report.read_text(encoding="utf-8")
    assert json.loads(report)["assignment"] == assignment  # ours, not overwritten
    for leak in ("LEAKED", "NETWORK REACHABLE", "pwned", "PLANTED", "OPENED BY HANDLE"):
        assert leak not in report
    # read_secrets earned full marks, so none of its reads succeeded (a read raises
    # "LEAKED ..."); and the first long line of each file it tried is not in the report
    for path in g.secrets:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        first = next(line.strip() for line in lines if len(line.strip()) > 30)
        assert first not in report, path
    if g.isolation.kind == "bwrap":
        import site

        import rnnlab

        planted = [Path(p) / f"zz_pwned_{g.env.marker}.pth" for p in site.getsitepackages()]
        planted.append(Path(rnnlab.__file__).parent / f"pwned_{g.env.marker}.py")
        assert not [p for p in planted if p.exists()], "a file was planted on the host"
        assert g.env.canary.read_text() == "canary"
        for folder in (g.env.root, g.env.root.parent, Path(tempfile.gettempdir()), Path("/")):
            assert not list(folder.glob(f"escape-{g.env.marker}*")), folder
    left = _processes_with(g.env.marker)
    assert not left, f"processes left running: {left}"


def _processes_with(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in argv and str(os.getpid()) != entry.name:
                found.append(f"{entry.name}: {argv}")
    return found
