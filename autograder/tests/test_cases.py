"""The hand-written corpus of every assignment (``autograder/tests/cases/<id>.py``), graded by
the sandboxed harness: correct-but-different code earns full marks, each typical mistake
gets exactly its partial points, the root cause is read first, and the feedback stays short.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import harness, reference
from autograder.course import assignments
from autograder.sandbox import Limits
from autograder.submissions import Submission
from autograder.tests import cases, usable_isolation
from autograder.tests.corpus import dump, read, with_sources

MAX_LINES = 12  # one ordinary mistake gives at most 12 lines of feedback per test cell

CASES = [(aid, cases.load(aid)) for aid in assignments()]
CASES = [(aid, module) for aid, module in CASES if module is not None]


@pytest.fixture(scope="module")
def isolation():
    return usable_isolation()


def _grade(aid: str, sources: dict[str, str], tmp: Path, name: str, iso):
    nb = with_sources(read(reference.source_notebook(aid)), sources)
    path = tmp / f"{name}.ipynb"
    path.write_bytes(dump(nb))
    spec = harness.load_spec(aid)
    return harness.grade_submission(spec, Submission(name, path), Limits(timeout=120), iso)


def _alternatives():
    for aid, module in CASES:
        for cell, sources in getattr(module, "ALTERNATIVES", {}).items():
            for i, source in enumerate(sources):
                yield pytest.param(aid, cell, source, id=f"{aid}-{cell}-{i}")


def _mistakes():
    for aid, module in CASES:
        for mistake in getattr(module, "MISTAKES", []):
            yield pytest.param(aid, mistake, id=f"{aid}-{mistake.name}")


@pytest.mark.slow
@pytest.mark.parametrize(("aid", "cell", "source"), list(_alternatives()))
def test_correct_but_different_code_earns_full_marks(aid, cell, source, tmp_path, isolation):
    report = _grade(aid, {cell: source}, tmp_path, "alternative", isolation)
    lost = {t.name: t.message for t in report.tests if not t.passed}
    assert report.score == report.max_score, json.dumps(lost, ensure_ascii=False, indent=1)


@pytest.mark.slow
@pytest.mark.parametrize(("aid", "mistake"), list(_mistakes()))
def test_a_typical_mistake_costs_its_own_points(aid, mistake, tmp_path, isolation):
    sources = {mistake.cell: mistake.source, **mistake.extra_cells}
    report = _grade(aid, sources, tmp_path, mistake.name, isolation)
    got = {t.name: t.points for t in report.tests if t.points < t.max_points}
    assert got == pytest.approx(mistake.points), (
        f"{mistake.name}: points lost {got}, expected {mistake.points}\n"
        + "\n".join(t.message for t in report.tests if not t.passed))
    first = next(t for t in report.tests if t.name == next(iter(mistake.points)))
    assert len(first.feedback) >= 2 and mistake.first_message in first.feedback[1], (
        f"{mistake.name}: the first cause should mention {mistake.first_message!r}:\n"
        + first.message)
    for test in report.tests:
        assert len(test.feedback) <= MAX_LINES, test.message
        assert sum(line.startswith("  - ") for line in test.feedback) <= 3, test.message
        assert "rnnlab/" not in test.message and "site-packages" not in test.message
