"""Build nbgrader source notebooks in the course's conventions (instructor-side).

A notebook in ``solutions/`` is the source of truth and is edited by hand (JupyterLab or
a text editor); these helpers make new cells with the right nbgrader metadata and the
standard test-cell body, so every assignment reads and grades the same way:

    from autograder.authoring import md, code, answer, test, notebook, write
    nb = notebook([md("# 標題"), answer("rnn_cell_forward", src), test(...)])
    write(nb, "solutions/ch19_1_rnn_types/ch19_1_rnn_types.ipynb")
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNELSPEC = {"display_name": "Python 3 (ch19)", "language": "python", "name": "python3"}


def md(text: str, grade_id: str | None = None):
    """A markdown cell (locked and given a grade_id when ``grade_id`` is set)."""
    cell = new_markdown_cell(text.strip("\n"))
    if grade_id:
        cell.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=False, locked=True)
    return cell


def code(source: str):
    """An ordinary code cell (demo, figure, training); not graded."""
    return new_code_cell(source.strip("\n"))


def answer(grade_id: str, source: str):
    """An autograded answer cell. ``source`` is self-contained (its own imports, only
    definitions) and wraps each function body in ### BEGIN/END SOLUTION."""
    assert "### BEGIN SOLUTION" in source, f"{grade_id}: no ### BEGIN SOLUTION marker"
    cell = new_code_cell(source.strip("\n"))
    cell.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=True, locked=False)
    return cell


def test(assignment: str, grade_id: str, points: float, doc: str, hidden: bool = True):
    """A test cell that runs the public checks, then (hidden in the release) the hidden
    checks of ``grade_id``. ``doc`` says in zh-TW what the cell checks."""
    body = [
        f'"""{doc.strip()}"""',
        "from rnnlab.checks import run_public",
        "",
        f'run_public("{assignment}", "{grade_id}", globals(), points={points:g})',
    ]
    if hidden:
        body += [
            "### BEGIN HIDDEN TESTS",
            "from autograder.hidden import run_hidden",
            "",
            f'run_hidden("{assignment}", "{grade_id}", globals(), points={points:g})',
            "### END HIDDEN TESTS",
        ]
    cell = new_code_cell("\n".join(body))
    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, solution=False, locked=True,
                                      points=points)
    return cell


def notebook(cells: list):
    """A notebook with the course kernelspec and no outputs."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    from rnnlab.kernel import LANGUAGE_INFO

    # what the course kernel reports: a notebook that carries it opens unmodified
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    return nb


def write(nb, path: str | Path) -> None:
    """Validate and write a notebook with outputs and execution counts cleared."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta
