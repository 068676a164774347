"""nbgrader, through its Python API, on a scratch copy of the course.

The committed student versions are exactly what generate_assignment writes; each
solution executes top to bottom (its kernel inside the grading sandbox) and earns full
marks; each student version earns 0 without crashing the grader, also when its test cells
were replaced by `pass`, and also when its first answer cell rewrites the checks in its
kernel: the scores come from the sandbox, and the kernel's disagreement is flagged.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import RELEASE, SOLUTIONS, assignments, release_differences
from autograder.reference import test_cells as graded_test_cells
from rnnlab.checking import VERDICT_MIME

pytestmark = pytest.mark.slow
PRESENT = assignments()


@pytest.fixture(scope="module", params=PRESENT)
def graded(request, nbgrader_run):
    course, release, scores = nbgrader_run(request.param)
    return request.param, course, release, scores


def test_release_is_in_sync(graded):
    aid, _, release, _ = graded
    diffs = release_differences(release, RELEASE / aid)
    assert not diffs, "notebooks/ is stale; run `make release`:\n" + "\n".join(diffs)


def test_solution_earns_full_marks(graded):
    aid, _, _, scores = graded
    sol = scores["solution"]
    source = nbformat.read(SOLUTIONS / aid / f"{aid}.ipynb", as_version=4)
    points = sum(c.metadata.nbgrader["points"] for c in graded_test_cells(source))
    assert sol.max_score == points > 0
    assert sol.score == sol.max_score, f"failed test cells: {sol.failed_tests}"


def test_solution_runs_top_to_bottom_without_errors(graded):
    aid, course, _, _ = graded
    nb = course.autograded_notebook(aid, "solution")
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells)
              if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_test_cells_write_nothing_to_stderr_for_the_solution(graded):
    aid, course, _, _ = graded
    nb = course.autograded_notebook(aid, "solution")
    for cell in graded_test_cells(nb):
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.source[:80]


def test_student_version_earns_zero(graded):
    _, _, _, scores = graded
    assert scores["stub"].score == 0 and scores["stub"].max_score > 0


def test_editing_test_cells_earns_nothing(graded):
    _, _, _, scores = graded
    assert scores["tampered"].score == 0


def test_a_kernel_that_rewrites_its_checks_earns_what_its_code_earns(graded):
    """Attack 2 of the trust issue: an answer cell replaces run_public/run_hidden in its
    kernel with functions that report full marks. nbgrader records the sandbox's scores (0:
    nothing is implemented) and flags every test cell whose kernel result disagreed."""
    aid, course, _, scores = graded
    hijacked = scores["hijacked"]
    assert hijacked.score == 0
    tests = [c.metadata.nbgrader["grade_id"] for c in graded_test_cells(
        course.autograded_notebook(aid, "hijacked"))]
    assert sorted(hijacked.disagreements) == sorted(tests)
    assert scores["solution"].disagreements == scores["stub"].disagreements == []


def test_autograded_test_cells_hold_the_sandbox_verdict(graded):
    aid, course, _, _ = graded
    nb = course.autograded_notebook(aid, "solution")
    assert nb.metadata["autograder"]["isolation"]["kind"] == "bwrap"
    for cell in graded_test_cells(nb):
        [out] = cell.outputs
        verdict = out["data"][VERDICT_MIME]
        assert verdict["passed"] and verdict["points"] == cell.metadata.nbgrader["points"]
        assert verdict["lines"][0].startswith("✓ ")
        assert "### BEGIN HIDDEN TESTS" in cell.source, "the full source is restored"
