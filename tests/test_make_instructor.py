"""The instructor's documented commands, run for real on a copy of the course:
`make autograde`, `make feedback` and `make grade` on collected submissions."""

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
    assert float(rows["bob"]["score"]) == 0
    assert (ROOT / "notebooks" / AID / f"{AID}.ipynb").read_bytes() == before


def test_feedback_writes_html_per_student(course):
    _make(course, "feedback", f"ASSIGNMENT={AID}")
    for student in ("alice", "bob"):
        html = (course / "feedback" / student / AID / f"{AID}.html").read_text()
        assert "test_tokenize" in html


def test_grade_writes_reports_like_nbgrader(course):
    _make(course, "grade", f"ASSIGNMENT={AID}", "SUBMISSIONS=submitted")
    report = json.loads((course / "reports" / f"{AID}.json").read_text())
    scores = {s["student"]: s["score"] for s in report["submissions"]}
    assert scores == {"alice": 10.0, "bob": 0.0}


def test_a_missing_assignment_is_explained(course):
    proc = subprocess.run(["make", "autograde"], cwd=course, capture_output=True, text=True)
    assert proc.returncode != 0 and "usage: make autograde ASSIGNMENT=<id>" in proc.stdout
