"""How long a notebook takes a prepared student: one deterministic estimate for every notebook.

``python -m autograder workload`` prints, per notebook, the minutes of its graded core
(必做) and of its deep dives (選讀), from what the notebook contains:

- reading: the non-blank characters of its markdown (formulas included) at
  :data:`READ_CHARS_PER_MIN` characters a minute, a careful pace for zh-TW technical prose;
- running: :data:`RUN_MIN_PER_CELL` minute per code cell a student runs and reads, plus
  :data:`FIGURE_MIN` per figure it draws;
- writing: per graded answer cell, :data:`FUNCTION_BASE_MIN` minutes (read the docstring,
  run the test, read the feedback) plus :data:`MIN_PER_SOLUTION_LINE` per line of the
  reference solution (comments and blank lines not counted); a cell the student only pastes
  from an earlier notebook (a function graded in an earlier assignment, or a ``paste_``
  cell) costs :data:`PASTE_MIN`.

A section is 選讀 when its heading carries 選讀 (until the next heading of the same or a
higher level); everything else is 必做. The notebooks state these minutes at their top
(a test compares them), and the chapter's graded core must stay within four hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

READ_CHARS_PER_MIN = 400
RUN_MIN_PER_CELL = 0.5
FIGURE_MIN = 1.0
FUNCTION_BASE_MIN = 3.0
MIN_PER_SOLUTION_LINE = 1.0
PASTE_MIN = 2.0
CORE_BUDGET_MIN = 240
FIGURE_CALL = re.compile(r"\b(plt\.|draw_\w*\(|plot_\w*\(|\w*_diagram\(|\.imshow\(|\.hist\("
                         r"|bptt_flow\(|truncation_\w+\(|\w*_overview\()")  # rnnlab's figures


@dataclass
class Workload:
    notebook: str
    core: float  # minutes
    extra: float  # minutes of 選讀
    core_chars: int
    core_cells: int
    core_figures: int
    functions: int
    solution_lines: int
    pasted: int


def _solution_lines(source: str) -> int:
    inside, count = False, 0
    for line in source.splitlines():
        text = line.strip()
        if text == "### BEGIN SOLUTION":
            inside = True
        elif text == "### END SOLUTION":
            inside = False
        elif inside and text and not text.startswith("#"):
            count += 1
    return count


def _headings(markdown: str):
    """(level, text) of the markdown headings, outside fenced code blocks."""
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = re.match(r"^(#+)\s", line)
        if match and not fenced:
            yield len(match.group(1)), line


def parts(nb):
    """``(cell, optional)`` in notebook order: a heading that carries 選讀 opens a 選讀 part
    that lasts until the next heading of its level or a higher one."""
    optional_level = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for level, line in _headings(cell.source):
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                if optional_level is None and "選讀" in line:
                    optional_level = level
        yield cell, optional_level is not None


def _defined(source: str) -> set[str]:
    return set(re.findall(r"^def (\w+)\(", source, flags=re.M))


def estimate(path: Path, earlier: set[str] = frozenset()) -> Workload:
    """The workload of the notebook at ``path``; ``earlier``: functions graded in the
    notebooks before it (pasting one costs :data:`PASTE_MIN`)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    minutes = {"core": 0.0, "extra": 0.0}
    stats = dict(core_chars=0, core_cells=0, core_figures=0, functions=0, solution_lines=0,
                 pasted=0)
    for cell, optional in parts(nb):
        part = "extra" if optional else "core"
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            chars = len(re.sub(r"\s", "", cell.source))
            minutes[part] += chars / READ_CHARS_PER_MIN
            if part == "core":
                stats["core_chars"] += chars
        elif meta.get("solution") and not meta.get("grade"):
            lines = _solution_lines(cell.source)
            pasted = meta.get("grade_id", "").startswith("paste_") or bool(
                _defined(cell.source) and _defined(cell.source) <= earlier)
            minutes[part] += PASTE_MIN if pasted else (
                FUNCTION_BASE_MIN + MIN_PER_SOLUTION_LINE * lines)
            if part == "core":
                stats["pasted" if pasted else "functions"] += 1
                stats["solution_lines"] += 0 if pasted else lines
        elif meta.get("grade"):
            continue  # running a test cell is part of writing its function
        else:
            figure = bool(FIGURE_CALL.search(cell.source))
            minutes[part] += RUN_MIN_PER_CELL + (FIGURE_MIN if figure else 0)
            if part == "core":
                stats["core_cells"] += 1
                stats["core_figures"] += figure
    return Workload(Path(path).stem, round(minutes["core"]), round(minutes["extra"]), **stats)


def chapter() -> list[Workload]:
    """Every notebook in course order (a function graded earlier counts as pasted)."""
    import nbformat

    from autograder.course import SOLUTIONS, assignments
    from autograder.reference import answer_cells

    rows, earlier = [], set()
    for aid in assignments():
        path = SOLUTIONS / aid / f"{aid}.ipynb"
        rows.append(estimate(path, frozenset(earlier)))
        for cell in answer_cells(nbformat.read(path, as_version=4)):
            earlier |= _defined(cell.source)
    return rows


def table(rows: list[Workload]) -> str:
    lines = ["notebook              core  選讀  (core: chars, cells, figures, functions, "
             "solution lines, pasted)"]
    for w in rows:
        lines.append(f"{w.notebook:20s} {w.core:4d}m {w.extra:4d}m  ({w.core_chars}, "
                     f"{w.core_cells}, {w.core_figures}, {w.functions}, {w.solution_lines}, "
                     f"{w.pasted})")
    total = sum(w.core for w in rows)
    lines.append(f"{'chapter':20s} {total:4d}m {sum(w.extra for w in rows):4d}m  "
                 f"(core budget {CORE_BUDGET_MIN} min)")
    return "\n".join(lines)
