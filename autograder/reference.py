"""Reference implementations, taken from the nbgrader source notebooks in ``solutions/``.

The graded answer cells of a source notebook are self-contained (they import what they
use and only define functions and constants), so executing them in order gives the
reference namespace: the solutions stay the one source of truth.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"


def source_notebook(assignment: str) -> Path:
    """Path of the instructor source notebook of ``assignment``."""
    path = SOLUTIONS / assignment / f"{assignment}.ipynb"
    if not path.exists():
        raise FileNotFoundError(f"unknown assignment {assignment!r}: {path} does not exist")
    return path


def answer_cells(nb) -> list:
    """The autograded answer cells (nbgrader ``solution: true``, ``grade: false``)."""
    cells = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            cells.append(cell)
    return cells


def test_cells(nb) -> list:
    """The graded test cells (nbgrader ``grade: true``, ``solution: false``)."""
    cells = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cells.append(cell)
    return cells


def strip_markers(source: str) -> str:
    """Source with nbgrader's solution markers removed (the solution text kept)."""
    keep = [line for line in source.splitlines()
            if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
    return "\n".join(keep)


def answers_namespace(path: Path, name: str = "answers") -> dict:
    """Execute the answer cells of the notebook at ``path`` alone, in order; return the names
    they define. Use only on trusted notebooks (the sources and their generated releases)."""
    nb = nbformat.read(str(path), as_version=4)
    scope: dict = {"__name__": name}
    for cell in answer_cells(nb):
        grade_id = cell.metadata.nbgrader["grade_id"]
        exec(compile(strip_markers(cell.source), f"<{name}:{grade_id}>", "exec"), scope)
    return scope


@cache
def _namespace(path: Path, assignment: str) -> dict:
    return answers_namespace(path, f"reference_{assignment}")


def reference_namespace(assignment: str) -> dict:
    """A fresh copy of the names defined by the solution's answer cells."""
    return dict(_namespace(source_notebook(assignment), assignment))
