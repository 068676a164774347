"""README's course tables, derived from ``solutions/`` (``python -m autograder readme``).

The tables between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``
are written from the source notebooks: their titles (the first heading, ``# 19-1：…``) and
their test cells' grade_ids and points. A test fails when README is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder import reference
from autograder.course import assignments

README = reference.REPO_ROOT / "README.md"
MARKER = "<!-- {} GENERATED: {} -->"


def title_of(assignment: str) -> tuple[str, str]:
    """``("19-1", "RNN 網路的種類")`` from the notebook's first heading ``# 19-1：…``."""
    nb = nbformat.read(reference.source_notebook(assignment), as_version=4)
    first = nb.cells[0].source.splitlines()[0] if nb.cells else ""
    match = re.match(r"#\s*(.+?)\s*[：:]\s*(.+)", first)
    if not match:
        raise ValueError(f"{assignment}: the first cell must start with '# <number>：<title>' "
                         f"(found {first!r})")
    return match.group(1), match.group(2).strip()


def points_of(assignment: str) -> list[tuple[str, float]]:
    nb = nbformat.read(reference.source_notebook(assignment), as_version=4)
    return [(c.metadata.nbgrader["grade_id"], float(c.metadata.nbgrader["points"]))
            for c in reference.test_cells(nb)]


def tables() -> dict[str, str]:
    rows = ["| # | assignment (`notebooks/<id>/`) | 內容 |", "| --- | --- | --- |"]
    points = ["| assignment | test cells (points) | total |", "| --- | --- | --- |"]
    for aid in assignments():
        number, title = title_of(aid)
        rows.append(f"| {number} | `{aid}` | {title} |")
        tests = points_of(aid)
        cells = ", ".join(f"`{gid.removeprefix('test_')}` {p:g}" for gid, p in tests)
        points.append(f"| `{aid}` | {cells} | {sum(p for _, p in tests):g} |")
    from autograder.workload import chapter

    work = ["| notebook | 必做 (graded core) | 選讀 (deep dives) |", "| --- | --- | --- |"]
    estimates = chapter()
    for w in estimates:
        work.append(f"| `{w.notebook}` | {w.core} min | {w.extra} min |")
    work.append(f"| chapter | {sum(w.core for w in estimates)} min | "
                f"{sum(w.extra for w in estimates)} min |")
    return {"assignments": "\n".join(rows), "points": "\n".join(points),
            "workload": "\n".join(work)}


def render(text: str) -> str:
    """``text`` with every generated table replaced by its current version."""
    for name, table in tables().items():
        begin, end = MARKER.format("BEGIN", name), MARKER.format("END", name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md lacks the markers {begin} … {end}")
        block = f"{begin}\n{table}\n{end}"
        text = pattern.sub(lambda _, block=block: block, text)
    return text


def update(path: Path = README) -> bool:
    """Rewrite README's tables; True when something changed."""
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
