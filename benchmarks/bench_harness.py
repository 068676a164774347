"""Throughput of the grading harness vs ``nbgrader autograde`` on the same notebook.

Grades 100 copies of a ``lab02_tokenize`` submission (the solution) with
``python -m autograder grade --jobs 2`` and reports submissions per second (goal >= 3),
then the time per submission of the harness with ``--jobs 1`` and of ``nbgrader
autograde`` (one submission after the other, as ``make autograde`` runs it; goal: harness
>= 5x faster). Prints figures only.

    .venv/bin/python benchmarks/bench_harness.py [ASSIGNMENT] [--copies 100] [--nbgrader 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import harness, reference  # noqa: E402
from autograder.course import ScratchCourse  # noqa: E402


def make_submissions(root: Path, assignment: str, notebook: Path, copies: int) -> Path:
    """``root/submitted/sNNN/<assignment>/<assignment>.ipynb``, ``copies`` times."""
    for i in range(copies):
        folder = root / "submitted" / f"s{i:03d}" / assignment
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{assignment}.ipynb")
    return root / "submitted"


def run_cli(assignment: str, folder: Path, jobs: int, report: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(folder),
                    "--jobs", str(jobs), "--json", str(report)], cwd=REPO, check=True,
                   env=dict(os.environ, PYTHONPATH=str(REPO)), stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return wall, json.loads(report.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="lab02_tokenize")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--nbgrader", type=int, default=3, help="submissions for nbgrader")
    args = parser.parse_args()
    known = harness.known_assignments()
    name = args.assignment if args.assignment in known else known[0]
    if name != args.assignment:
        print(f"{args.assignment} is not in solutions/ yet: benchmarking {name} instead")
    notebook = reference.source_notebook(name)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        many = make_submissions(tmp / "many", name, notebook, args.copies)
        wall, report = run_cli(name, many, 2, tmp / "many.json")
        scores = {s["score"] for s in report["submissions"]}
        print(f"harness, {args.copies} x {name}, --jobs 2: {wall:.1f} s end to end "
              f"({args.copies / wall:.2f} submissions/s; grading alone {report['seconds']:.1f} s"
              f" = {args.copies / report['seconds']:.2f}/s); isolation {report['isolation']}; "
              f"scores {sorted(scores)}")
        few = make_submissions(tmp / "few", name, notebook, 10)
        wall1, report1 = run_cli(name, few, 1, tmp / "few.json")
        per_harness = report1["seconds"] / 10
        print(f"harness, 10 x {name}, --jobs 1: {per_harness:.3f} s per submission "
              f"({wall1:.1f} s end to end with start-up)")

        course = ScratchCourse(tmp / "course")
        course.generate(name)
        for i in range(args.nbgrader):
            course.submit(name, f"s{i:03d}", notebook)
        start = time.perf_counter()
        for i in range(args.nbgrader):
            score = course.autograde(name, f"s{i:03d}")
        per_nbgrader = (time.perf_counter() - start) / args.nbgrader
        print(f"nbgrader autograde, {args.nbgrader} x {name}: {per_nbgrader:.2f} s per "
              f"submission (score {score.score:g}/{score.max_score:g})")
        print(f"harness is {per_nbgrader / per_harness:.1f}x faster per submission "
              f"(--jobs 1), {per_nbgrader * args.copies / wall:.1f}x in throughput "
              f"(--jobs 2, end to end)")


if __name__ == "__main__":
    main()
