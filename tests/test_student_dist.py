"""`make student-dist`: the repository students get holds no solution and no hidden test,
and its notebooks' visible tests work without the instructor side."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("dist") / "student"
    subprocess.run(["make", "-s", "student-dist", f"DIST={target}"], cwd=ROOT, check=True,
                   capture_output=True)
    return target


def test_only_student_files_are_shipped(dist):
    top = {p.name for p in dist.iterdir()}
    assert {"notebooks", "rnnlab", "Makefile", "README.md", "requirements.lock"} <= top
    assert not top & {"solutions", "autograder", "tests", "benchmarks", ".ci"}
    assert not list(dist.rglob("SMSSpamCollection"))
    released = {p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()}
    assert {p.name for p in (dist / "notebooks").iterdir()} == released


def test_no_solution_or_hidden_test_text_ships(dist):
    for path in list(dist.rglob("*.py")) + list(dist.rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        for secret in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "run_hidden",
                       "import autograder", "from autograder"):
            assert secret not in text, f"{path.relative_to(dist)} contains {secret!r}"


def test_visible_tests_run_from_the_student_copy(dist):
    """A stub's visible test fails with the 'not written yet' message, importing rnnlab
    from the student copy and nothing of the instructor side."""
    code = f"""
import sys
sys.path.insert(0, {str(dist)!r})
import nbformat, rnnlab
assert rnnlab.__file__.startswith({str(dist)!r}), rnnlab.__file__
from rnnlab.checks import run_public
nb = nbformat.read({str(dist / "notebooks/lab03_rnn_spam/lab03_rnn_spam.ipynb")!r}, 4)
scope = {{}}
for cell in nb.cells:
    if cell.metadata.get("nbgrader", {{}}).get("grade_id") == "rnn_cell_forward":
        exec(cell.source, scope)
try:
    run_public("lab03_rnn_spam", "test_rnn_cell_forward", scope)
except AssertionError as err:
    print(err)
print("autograder" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=dist).stdout
    assert "NotImplementedError" in out
    assert out.strip().endswith("False")
