"""Adding an assignment as a new instructor would, following CONTRIBUTING.md: on a copy of
the course, `python -m autograder new` scaffolds a one-function assignment, `readme`
updates README's tables, and then the convention tests, the corpus tests and nbgrader's
check all pass for it, with no other file to edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NEW = "ch19_9_demo"

pytestmark = pytest.mark.slow


def _run(course: Path, *argv: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(course))
    done = subprocess.run([sys.executable, *argv], cwd=course, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, " ".join(argv) + "\n" + done.stdout[-3000:] + done.stderr[-3000:]

    return done


def test_a_scaffolded_one_function_assignment_passes_every_gate(tmp_path):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    course = tmp_path / "course"
    for name in filter(None, files):
        if (REPO / name).is_file():
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, course / name)
    done = _run(course, "-m", "autograder", "new", NEW, "--title", "19-9：示範",
                "--function", "double_it")
    assert "pinned and released" in done.stdout
    for path in (f"solutions/{NEW}/{NEW}.ipynb", f"notebooks/{NEW}/{NEW}.ipynb",
                 f"rnnlab/checks/{NEW}.py", f"autograder/hidden/{NEW}.py",
                 f"rnnlab/checks/pinned/{NEW}.json"):
        assert (course / path).is_file(), path
    _run(course, "-m", "autograder", "readme")
    assert f"| `{NEW}` | `double_it` 1 | 1 |" in (course / "README.md").read_text()
    _run(course, "-m", "ruff", "check", f"rnnlab/checks/{NEW}.py", f"autograder/hidden/{NEW}.py")
    _run(course, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_assignments.py",
         "-k", f"{NEW} or readme or course or student_package")
    done = _run(course, "-m", "autograder", "check", NEW)
    assert done.stdout.startswith(f"OK   {NEW}: solution 1/1"), done.stdout
    again = subprocess.run([sys.executable, "-m", "autograder", "new", NEW, "--title", "again"],
                           cwd=course, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(course)))
    assert again.returncode == 2 and "exists already" in again.stderr
