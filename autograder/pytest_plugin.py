"""The pytest face of the harness: ``python -m pytest --submission PATH [--assignment ID]``.

Installed with the instructor package (entry point ``pytest11``), so it works from any
folder of the instructor's venv. With ``--submission`` pytest collects nothing but that
submission's test cells: one item per test cell, named after its grade_id, graded once by
the same sandboxed checks as every other grader. An item passes only with full points; a
failure shows the student's zh-TW feedback; points earned and possible are recorded as
properties (``points``, ``max_points``) in the JUnit XML (``--junitxml``). Without
``--submission`` the plugin does nothing.

GitHub Classroom (one command per test cell, with its points)::

    python -m pytest --submission notebooks/lab02/lab02.ipynb --cell test_tokenize
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("rnnlab-grader", "grade one notebook submission (chapter 19)")
    group.addoption("--submission", metavar="PATH",
                    help="grade this notebook: one test item per test cell")
    group.addoption("--assignment", metavar="ID",
                    help="its assignment (default: the notebook's file name)")
    group.addoption("--cell", metavar="GRADE_ID", action="append", default=[],
                    help="only this test cell (exact grade_id; repeatable)")
    group.addoption("--unsandboxed", action="store_true",
                    help="grade even without a working sandbox (student code runs with "
                         "your rights)")


def pytest_configure(config):
    if config.getoption("submission", None):
        config.pluginmanager.register(SubmissionGrader(config), "rnnlab-submission-grader")


class CellFailed(Exception):
    """A test cell earned less than its points."""


class CellItem(pytest.Item):
    """One test cell of the submission, graded already: running it reports the result."""

    def __init__(self, *, report, submission: Path, **kwargs):
        super().__init__(**kwargs)
        self.report = report
        self.submission = submission

    def runtest(self):
        test = self.report
        self.user_properties.append(("points", test.points))
        self.user_properties.append(("max_points", test.max_points))
        if not test.passed:
            raise CellFailed(test.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CellFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.submission, None, f"{self.submission.name}::{self.name}"


class SubmissionGrader:
    """Replaces pytest's collection with the test cells of one graded submission."""

    def __init__(self, config):
        self.config = config

    def _grade(self):
        from autograder import harness
        from autograder.sandbox import Limits
        from autograder.submissions import Submission

        path = Path(self.config.getoption("submission")).resolve()
        assignment = self.config.getoption("assignment") or path.stem
        known = harness.known_assignments()
        if assignment not in known:
            raise pytest.UsageError(
                f"--assignment: {assignment!r} is not an assignment of this course "
                f"({', '.join(known)}); name it with --assignment ID")
        if not path.is_file():
            raise pytest.UsageError(f"--submission: {path} does not exist")
        spec = harness.load_spec(assignment)
        batch = harness.grade_batch(
            spec, [Submission(path.stem, path)], Limits(timeout=120),
            allow_unsandboxed=self.config.getoption("unsandboxed"))
        return path, batch

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session):
        from autograder.sandbox import SandboxError

        try:
            path, batch = self._grade()
        except SandboxError as exc:
            raise pytest.UsageError(str(exc)) from None
        [report] = batch.results
        self.config.stash[BATCH] = batch
        wanted = self.config.getoption("cell")
        unknown = sorted(set(wanted) - {t.name for t in report.tests})
        if unknown:
            raise pytest.UsageError(f"--cell: no test cell {', '.join(unknown)} in "
                                    f"{batch.assignment}")
        items = [CellItem.from_parent(session, name=test.name, report=test, submission=path,
                                      nodeid=f"{path.name}::{test.name}")
                 for test in report.tests if not wanted or test.name in wanted]
        hook = self.config.hook
        hook.pytest_collectreport(report=pytest.CollectReport(
            session.nodeid, "passed", None, list(items)))  # "collected N items"
        hook.pytest_collection_modifyitems(session=session, config=self.config, items=items)
        session.items = items
        session.testscollected = len(items)
        hook.pytest_collection_finish(session=session)  # the terminal reports the count
        return True

    def pytest_report_header(self, config):
        return [f"grading submission {config.getoption('submission')} "
                "(one item per test cell)"]

    def pytest_terminal_summary(self, terminalreporter):
        batch = self.config.stash.get(BATCH, None)
        if batch is None:
            return
        [report] = batch.results
        terminalreporter.write_line(
            f"{report.student}: {report.score:g}/{report.max_score:g} points "
            f"({report.status}; isolation: {batch.isolation.summary()})")
        for note in report.notes[1:]:
            terminalreporter.write_line(f"  {note}")


BATCH = pytest.StashKey()
