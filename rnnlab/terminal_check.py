"""``python -m rnnlab check`` (``make check``): the public checks of every notebook, from the
terminal, as a short table: function, passed checks, points.

Each notebook's answer cells (the cells a student writes in) run alone, in order, in a
fresh namespace, as the graders run them; then each test cell's public checks run on
those functions (:func:`rnnlab.checks.run_public`, the test cell's own call). Nothing is
saved and JupyterLab is not needed. Hidden tests run only when the instructor grades:
passing here is not yet full marks.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO_ROOT / "notebooks"
ANSWER_TIME_LIMIT = 60.0  # seconds for one answer cell to define its functions


@dataclass
class Row:
    """One test cell: the function it grades and what its public checks gave."""

    assignment: str
    grade_id: str
    max_points: float
    passed: int = 0
    total: int = 0
    points: float = 0.0
    lines: list[str] = field(default_factory=list)

    @property
    def function(self) -> str:
        return self.grade_id.removeprefix("test_")


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _public_call(source: str) -> tuple[str, str, float] | None:
    """``(assignment, grade_id, points)`` of a test cell's ``run_public(...)`` call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "run_public"
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) for a in node.args[:2])):
            points = next((k.value.value for k in node.keywords
                           if k.arg == "points" and isinstance(k.value, ast.Constant)), 1.0)
            return node.args[0].value, node.args[1].value, float(points)
    return None


def _run_answers(cells, namespace: dict) -> list[str]:
    """Execute the answer cells in ``namespace``; the errors, one line each."""
    from rnnlab.checking import _time_limit, describe_exception

    errors = []
    for cell in cells:
        meta = _nbgrader(cell)
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        sink = io.StringIO()
        try:
            code = compile(source, f"<cell {meta.get('grade_id', '?')}>", "exec")
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                    _time_limit(ANSWER_TIME_LIMIT):
                exec(code, namespace)  # noqa: S102 - the student's own code, on request
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
            if isinstance(exc, KeyboardInterrupt):
                raise
            errors.append(f"answer cell {meta.get('grade_id', '?')} 執行時發生錯誤："
                          f"{describe_exception(exc)}")
    return errors


def check_notebook(path: Path) -> tuple[list[Row], list[str]]:
    """The rows of one notebook and the errors of its answer cells."""
    import json

    from rnnlab.checks import run_public

    nb = json.loads(path.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    errors = _run_answers(nb["cells"], namespace)
    rows = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or not _nbgrader(cell).get("grade"):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        call = _public_call(source)
        if call is None:
            continue
        assignment, grade_id, points = call
        try:
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                verdict = run_public(assignment, grade_id, namespace, points=points)
        except Exception as exc:  # noqa: BLE001 - the course's own fault: say so, go on
            errors.append(f"{grade_id} 的檢查本身出錯 (course error: tell your instructor)："
                          f"{type(exc).__name__}: {exc}")
            rows.append(Row(assignment, grade_id, points))
            continue
        rows.append(Row(assignment, grade_id, points, sum(c["passed"] for c in verdict.checks),
                        len(verdict.checks), verdict.points, verdict.lines))
    return rows, errors


def notebook_paths(ids: list[str]) -> list[Path]:
    """The released notebooks, in course order (or the ones named)."""
    found = {p.name: p / f"{p.name}.ipynb" for p in sorted(NOTEBOOKS.iterdir())
             if (p / f"{p.name}.ipynb").exists()}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise SystemExit(f"找不到 notebook：{', '.join(unknown)}（可用的有 {', '.join(found)}）")
    return [found[i] for i in (ids or found)]


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _num(x: float) -> str:
    return f"{x:g}"


def table(rows: list[Row]) -> list[str]:
    """The table's lines: function, passed checks, points (earned / available)."""
    head = ("函式 (function)", "通過的檢查 (passed checks)", "分數 (points)")
    body = [(f"  {r.function}", f"{r.passed}/{r.total}", f"{_num(r.points)}/{_num(r.max_points)}")
            for r in rows]
    w1 = max(_width(x) for x in [head[0]] + [b[0] for b in body])
    w2 = max(_width(x) for x in [head[1]] + [b[1] for b in body])
    lines, current = [f"{_pad(head[0], w1)}  {_pad(head[1], w2)}  {head[2]}"], None
    for row, cells in zip(rows, body):
        if row.assignment != current:
            current = row.assignment
            lines.append(current)
        mark = "✓" if row.total and row.passed == row.total else "✗"
        lines.append(f"{_pad(cells[0], w1)}  {_pad(cells[1], w2)}  {cells[2]}  {mark}")
    return lines


def main(ids: list[str] | None = None, details: bool = False) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path.insert(0, str(REPO_ROOT))
    all_rows, all_errors = [], []
    for path in notebook_paths(list(ids or [])):
        rows, errors = check_notebook(path)
        all_rows += rows
        all_errors += [f"{path.parent.name} / {e}" for e in errors]
    for line in table(all_rows):
        print(line)
    earned = sum(r.points for r in all_rows)
    available = sum(r.max_points for r in all_rows)
    done = sum(1 for r in all_rows if r.total and r.passed == r.total)
    print(f"\n公開測試：{done}/{len(all_rows)} 個函式全部通過，{_num(round(earned, 2))}/"
          f"{_num(available)} 分 (public checks only: hidden tests run when you are graded)")
    for error in all_errors:
        print(f"⚠ {error}")
    if details:
        for row in all_rows:
            if row.total and row.passed < row.total:
                print()
                print("\n".join(row.lines))
    elif done < len(all_rows):
        print("每個測試的說明：python -m rnnlab check --details（或在 JupyterLab 執行測試 cell）")
    return 0
