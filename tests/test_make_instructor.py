"""The instructor's documented commands, run for real on a copy of the course:
`make autograde`, `make feedback` and `make grade` on collected submissions, and nbgrader's
own commands (as formgrader's button runs them) without the Makefile."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AID = "lab02_tokenize"
LINKED = ["Makefile", ".venv", "rnnlab", "autograder", "solutions", "notebooks", "jupyter",
          "requirements.txt", "requirements.lock", "pyproject.toml"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder whose code is the repository's (symlinks) and whose grading
    artefacts are its own; the nbgrader config is copied so that its root is this folder."""
    root = tmp_path_factory.mktemp("course")
    for name in LINKED:
        (root / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for student, source in (("alice", ROOT / "solutions"), ("bob", ROOT / "notebooks")):
        folder = root / "submitted" / student / AID
        folder.mkdir(parents=True)
        shutil.copy(source / AID / f"{AID}.ipynb", folder)
    # mallory's first answer cell rewrites the checks in her kernel (full marks in-kernel)
    import nbformat

    from autograder.course import KERNEL_HIJACK
    from autograder.reference import answer_cells

    nb = nbformat.read(ROOT / "notebooks" / AID / f"{AID}.ipynb", as_version=4)
    first = answer_cells(nb)[0]
    first.source = KERNEL_HIJACK + "\n" + first.source
    (root / "submitted" / "mallory" / AID).mkdir(parents=True)
    nbformat.write(nb, root / "submitted" / "mallory" / AID / f"{AID}.ipynb")
    return root


def _make(course: Path, *args: str) -> str:
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=course,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def test_autograde_exports_grades_and_leaves_the_release_alone(course):
    before = (ROOT / "notebooks" / AID / f"{AID}.ipynb").read_bytes()
    _make(course, "autograde", f"ASSIGNMENT={AID}")
    with open(course / "grades" / f"{AID}.csv", newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) == 10
    assert float(rows["bob"]["score"]) == float(rows["mallory"]["score"]) == 0
    assert (ROOT / "notebooks" / AID / f"{AID}.ipynb").read_bytes() == before
    # the instructor is told whose kernel disagreed with the sandbox
    with open(course / "reports" / "integrity.csv", newline="") as fh:
        flagged = {(r["student"], r["test"]) for r in csv.DictReader(fh)}
    assert {s for s, _ in flagged} == {"mallory"} and len(flagged) == 4
    listed = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "autograder",
                             "integrity"], cwd=course, capture_output=True, text=True)
    assert "mallory" in listed.stdout and "4 test cell(s)" in listed.stdout


def test_feedback_writes_html_per_student(course):
    _make(course, "feedback", f"ASSIGNMENT={AID}")
    for student in ("alice", "bob"):
        html = (course / "feedback" / student / AID / f"{AID}.html").read_text()
        assert "test_tokenize" in html


def test_grade_writes_reports_like_nbgrader(course):
    _make(course, "grade", f"ASSIGNMENT={AID}", "SUBMISSIONS=submitted")
    report = json.loads((course / "reports" / f"{AID}.json").read_text())
    scores = {s["student"]: s["score"] for s in report["submissions"]}
    assert scores == {"alice": 10.0, "bob": 0.0, "mallory": 0.0}


def test_nbgrader_own_commands_grade_without_the_makefile(course, tmp_path):
    """What nbgrader's documentation and formgrader's button do, from the course root, in a
    plain environment (no PYTHONPATH): the same scores as the harness, in the gradebook,
    the export and the feedback."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    nbgrader = str(ROOT / ".venv" / "bin" / "nbgrader")
    db = tmp_path / "own.db"
    common = [f"--CourseDirectory.db_url=sqlite:///{db}",
              f"--CourseDirectory.autograded_directory={tmp_path / 'autograded'}",
              f"--CourseDirectory.feedback_directory={tmp_path / 'feedback'}"]
    for argv in (["generate_assignment", AID, "--force",
                  f"--CourseDirectory.release_directory={tmp_path / 'release'}"],
                 ["autograde", AID, "--force"], ["generate_feedback", AID, "--force"],
                 ["export", f"--assignment={AID}", f"--to={tmp_path / 'grades.csv'}"]):
        done = subprocess.run([nbgrader, *argv, *common], cwd=course, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-3000:]
    with open(tmp_path / "grades.csv", newline="") as fh:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
    harness_report = json.loads((course / "reports" / f"{AID}.json").read_text())
    assert exported == {s["student"]: s["score"] for s in harness_report["submissions"]}
    html = (tmp_path / "feedback" / "bob" / AID / f"{AID}.html").read_text()
    bob = next(s for s in harness_report["submissions"] if s["student"] == "bob")
    import html as html_lib

    for test in bob["tests"]:
        assert html_lib.escape(test["feedback"][0]) in html, test["feedback"][0]


def test_a_missing_assignment_is_explained(course):
    proc = subprocess.run(["make", "autograde"], cwd=course, capture_output=True, text=True)
    assert proc.returncode != 0 and "usage: make autograde ASSIGNMENT=<id>" in proc.stdout
