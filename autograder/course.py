"""nbgrader, driven through its Python API on a scratch copy of the course.

Used by the tests (release in sync, solutions earn full marks, stubs earn zero) and by
instructors who want the same checks without touching the real gradebook.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"
RELEASE = REPO_ROOT / "notebooks"

# nbgrader runs `alembic` and kernels from PATH: make this interpreter's bin folder first
_BIN = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _BIN:
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")


def assignments() -> list[str]:
    """Assignment ids in course order (ch19_* before lab*), from the folders in solutions/."""
    return sorted(p.name for p in SOLUTIONS.iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def course_config(root: Path) -> Config:
    """The repository's nbgrader config, re-rooted at ``root``."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO_ROOT)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    return config


@dataclass
class Score:
    student: str
    score: float
    max_score: float
    failed_tests: list[str]
    points: dict[str, float] = field(default_factory=dict)  # per test cell, from the gradebook
    disagreements: list[str] = field(default_factory=list)  # kernel vs sandbox (tampering)


# An answer cell that rewrites the checks in its own kernel so that every test cell shows
# full marks (the attack nbgrader alone falls for); prepended to the stub's first cell.
KERNEL_HIJACK = """\
import rnnlab.checks as _c
import rnnlab.checking as _k

def _full(assignment, grade_id, namespace, points=1):
    return _k.Verdict(grade_id, points, points, True, ["✓ all good"])

_c.run_public = _full
try:
    import autograder.hidden as _h
    _h.run_hidden = _full
except ImportError:
    pass
"""


STOCK_AUTOGRADE = [  # nbgrader's own pipeline: the test cells' in-kernel results count
    "nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata"]


class ScratchCourse:
    """A throw-away course folder: ``solutions/`` copied in, nbgrader run on it.

    ``kernel_grades=True`` uses nbgrader's stock autograde pipeline instead of the course's
    trust path (only for trusted notebooks: it runs them unsandboxed), to compare what the
    test cells compute in a kernel with what the sandbox decides.
    """

    def __init__(self, root: Path, kernel_grades: bool = False):
        from nbgrader.apps import NbGraderAPI

        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(SOLUTIONS, self.root / "solutions", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config = course_config(self.root)
        if kernel_grades:
            config.Autograde.autograde_preprocessors = list(STOCK_AUTOGRADE)
        self.api = NbGraderAPI(config=config)

    def _ok(self, result: dict, what: str) -> None:
        if not result.get("success"):
            log, error = result.get("log", ""), result.get("error", "")
            raise RuntimeError(f"nbgrader {what} failed:\n{log}\n{error}")

    def generate(self, assignment: str) -> Path:
        """Run generate_assignment; return the release folder of ``assignment``."""
        self._ok(self.api.generate_assignment(assignment, force=True, create=True),
                 f"generate_assignment {assignment}")
        return self.root / "notebooks" / assignment

    def submit(self, assignment: str, student: str, notebook: Path | dict) -> Path:
        """Place a notebook (a file or a notebook dict) as ``student``'s submission."""
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{assignment}.ipynb"
        if isinstance(notebook, dict):
            target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
        else:
            shutil.copy(notebook, target)
        return target

    def autograde(self, assignment: str, student: str) -> Score:
        """Autograde one submission and read its score from the gradebook."""
        from nbgrader.api import Gradebook

        self._ok(self.api.autograde(assignment, student, force=True, create=True),
                 f"autograde {assignment} {student}")
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            sub = gb.find_submission(assignment, student)
            failed = [g.name for nb in sub.notebooks for g in nb.grades
                      if g.max_score and (g.auto_score or 0) < g.max_score]
            points = {g.name: float(g.auto_score or 0) for nb in sub.notebooks
                      for g in nb.grades if g.max_score}
            score, max_score = float(sub.score), float(sub.max_score)
        meta = self.autograded_notebook(assignment, student).metadata.get("autograder", {})
        flagged = [d["test"] for d in meta.get("disagreements", [])]
        return Score(student, score, max_score, failed, points, flagged)

    def autograded_notebook(self, assignment: str, student: str):
        path = self.root / "autograded" / student / assignment / f"{assignment}.ipynb"
        return nbformat.read(path, as_version=4)


def normalised(path: Path) -> dict:
    """A notebook's JSON with volatile fields dropped, for comparing releases."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        cell.pop("id", None)
    return nb


def release_differences(generated: Path, committed: Path) -> list[str]:
    """Files that differ between a freshly generated release and the committed one."""
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*")
                if p.is_file() and ".ipynb_checkpoints" not in p.parts}

    fresh, stored = files(generated), files(committed) if committed.exists() else set()
    diffs = [f"missing in notebooks/: {f}" for f in sorted(fresh - stored)]
    diffs += [f"not generated from solutions/: {f}" for f in sorted(stored - fresh)]
    for name in sorted(fresh & stored):
        a, b = generated / name, committed / name
        same = (normalised(a) == normalised(b)) if name.endswith(".ipynb") else (
            a.read_bytes() == b.read_bytes())
        if not same:
            diffs.append(f"stale: notebooks/{committed.name}/{name}")
    return diffs


VARIANTS = ("solution", "stub", "tampered", "hijacked")


def grade_variants(course: ScratchCourse, assignment: str) -> tuple[Path, dict[str, Score]]:
    """Generate ``assignment`` in ``course`` and autograde four submissions: the solution,
    the student version, the student version with every test cell replaced by ``pass``
    (nbgrader must restore them), and the student version whose first answer cell rewrites
    the checks in its kernel (:data:`KERNEL_HIJACK`; it must earn what its code earns, 0,
    and be flagged). Returns the release folder and the scores."""
    from autograder.reference import answer_cells, test_cells

    release = course.generate(assignment)
    student = release / f"{assignment}.ipynb"
    tampered = nbformat.read(student, as_version=4)
    for cell in test_cells(tampered):
        cell.source = "pass"
    hijacked = nbformat.read(student, as_version=4)
    first = answer_cells(hijacked)[0]
    first.source = KERNEL_HIJACK + "\n" + first.source
    course.submit(assignment, "solution", SOLUTIONS / assignment / f"{assignment}.ipynb")
    course.submit(assignment, "stub", student)
    course.submit(assignment, "tampered", tampered)
    course.submit(assignment, "hijacked", hijacked)
    return release, {s: course.autograde(assignment, s) for s in VARIANTS}


def check_assignment(assignment: str, root: Path) -> dict:
    """The nbgrader properties of ``assignment`` on a scratch course: release differences
    and the scores of :func:`grade_variants`; for ``python -m autograder.course ID``."""
    course = ScratchCourse(root)
    release, scores = grade_variants(course, assignment)
    return {"release_differences": release_differences(release, RELEASE / assignment),
            **scores}


def release(assignment: str) -> None:
    """Regenerate ``notebooks/<assignment>/`` with nbgrader in a scratch course (so the
    instructor's gradebook is untouched) and replace the committed release with it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = ScratchCourse(Path(tmp)).generate(assignment)
        target = RELEASE / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target)
