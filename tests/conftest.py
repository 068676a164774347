"""Shared test set-up: the offline dataset copy, a headless matplotlib, the repo paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "sms_spam"

# These machines have no internet: unless told otherwise, use the byte-exact shared copy.
if not os.environ.get("RNNLAB_DATA_DIR") and (SHARED_DATA / "SMSSpamCollection").exists():
    os.environ["RNNLAB_DATA_DIR"] = str(SHARED_DATA)
os.environ.setdefault("MPLBACKEND", "Agg")
# benchmarks/ scripts import their shared start (`_setup`) as run from that folder
sys.path.append(str(REPO_ROOT / "benchmarks"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def sms_spam_file() -> Path:
    from rnnlab.data import fetch_sms_spam

    return fetch_sms_spam()


_GRADED: dict = {}


def autograded(aid: str, tmp_root: Path):
    """nbgrader on a scratch course, once per assignment per session: the release plus the
    solution, the student version and a student version whose test cells were replaced by
    `pass`, each autograded. Returns (course, release folder, {name: Score})."""
    if aid not in _GRADED:
        from autograder.course import ScratchCourse, grade_variants

        course = ScratchCourse(tmp_root / aid)
        _GRADED[aid] = (course, *grade_variants(course, aid))
    return _GRADED[aid]


@pytest.fixture(scope="session")
def nbgrader_run(tmp_path_factory):
    """``nbgrader_run(aid)`` -> (course, release, scores), shared by all tests."""
    root = tmp_path_factory.mktemp("nbgrader")
    return lambda aid: autograded(aid, root)


@pytest.fixture(scope="session")
def executed_solution(nbgrader_run):
    """``executed_solution(aid)`` -> the solution notebook as nbgrader executed it."""
    def run(aid):
        course, _, _ = nbgrader_run(aid)
        return course.autograded_notebook(aid, "solution")
    return run
