"""Execute every solution notebook top to bottom and print its wall time.

    python benchmarks/bench_notebooks.py [ID ...] [--grading]

Without --grading each notebook runs as a student runs it (full Lab03 training); with
--grading, NBGRADER_EXECUTION is set as when nbgrader or the harness runs it (shortened
training). Figures only: the goals ("well under a minute"; Lab03 training <= 60 s) are
read off this output, never asserted in a timed test.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(  # hidden-test cells import `autograder`
    p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
os.environ.setdefault("MPLBACKEND", "Agg")

from autograder.course import SOLUTIONS, assignments  # noqa: E402


def run(aid: str) -> tuple[float, list[tuple[float, str]]]:
    """Wall time of the whole notebook and of its three slowest cells."""
    nb = nbformat.read(SOLUTIONS / aid / f"{aid}.ipynb", as_version=4)
    cell_times: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": tmp}})
        original = client.async_execute_cell

        async def timed(cell, index, **kwargs):
            start = time.perf_counter()
            result = await original(cell, index, **kwargs)
            cell_times.append((time.perf_counter() - start, cell.source.splitlines()[0][:60]
                               if cell.source else ""))
            return result

        client.async_execute_cell = timed
        start = time.perf_counter()
        client.execute()
    return time.perf_counter() - start, sorted(cell_times, reverse=True)[:3]


def main(argv: list[str]) -> None:
    if "--grading" in argv:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    names = [a for a in argv if not a.startswith("--")] or assignments()
    mode = "grading (NBGRADER_EXECUTION set)" if "--grading" in argv else "as a student runs it"
    print(f"solution notebooks, {mode}, {os.cpu_count()} cores")
    for aid in names:
        total, slowest = run(aid)
        detail = "; ".join(f"{t:.1f} s `{src}`" for t, src in slowest)
        print(f"  {aid:<20} {total:6.1f} s   slowest cells: {detail}")


if __name__ == "__main__":
    main(sys.argv[1:])
