"""Time to grade N submissions of one assignment through every grading path, side by side.

- the harness CLI (``python -m autograder grade --jobs 2``): submissions/s (goal >= 3);
- nbgrader (``nbgrader autograde`` of the whole batch, the course's trust path: sandboxed
  kernel + sandboxed verdicts);
- Gradescope (``run_autograder`` of the bundle, one fresh layout per submission, one after
  the other, as Gradescope's containers would if they ran on this machine);
- the pytest face (``python -m pytest --submission``, one process per submission, as
  GitHub Classroom runs it).

Prints figures only:

    .venv/bin/python benchmarks/bench_harness.py [ASSIGNMENT] [--copies 100]
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
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def make_submissions(root: Path, assignment: str, notebook: Path, copies: int) -> Path:
    """``root/submitted/sNNN/<assignment>/<assignment>.ipynb``, ``copies`` times."""
    for i in range(copies):
        folder = root / "submitted" / f"s{i:03d}" / assignment
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{assignment}.ipynb")
    return root / "submitted"


def timed(argv: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=kwargs.pop("env", ENV), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def harness_path(name: str, folder: Path, tmp: Path, copies: int) -> str:
    report = tmp / "harness.json"
    wall = timed([sys.executable, "-m", "autograder", "grade", name, str(folder), "--jobs", "2",
                  "--json", str(report)], cwd=REPO)
    data = json.loads(report.read_text(encoding="utf-8"))
    return (f"harness --jobs 2      {wall:7.1f} s  {copies / wall:6.2f} submissions/s  "
            f"(grading alone {data['seconds']:.1f} s; isolation {data['isolation']})")


def nbgrader_path(name: str, notebook: Path, tmp: Path, copies: int) -> str:
    from autograder.course import ScratchCourse

    course = ScratchCourse(tmp / "course")
    course.generate(name)
    for i in range(copies):
        course.submit(name, f"s{i:03d}", notebook)
    wall = timed([str(Path(sys.executable).parent / "nbgrader"), "autograde", name, "--force",
                  f"--CourseDirectory.root={course.root}",
                  f"--CourseDirectory.db_url=sqlite:///{course.root / 'gradebook.db'}"],
                 cwd=course.root)
    return f"nbgrader autograde    {wall:7.1f} s  {copies / wall:6.2f} submissions/s"


def gradescope_path(name: str, notebook: Path, tmp: Path, copies: int) -> str:
    from autograder.gradescope import build_bundle, unzip

    bundle = build_bundle(name, tmp / "gradescope.zip")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python3").chmod(0o755)
    total = 0.0
    for i in range(copies):
        root = tmp / "gradescope" / f"s{i:03d}"
        unzip(bundle, root / "source")
        (root / "submission").mkdir(parents=True)
        shutil.copy(notebook, root / "submission" / f"{name}.ipynb")
        env = dict(ENV, GRADESCOPE_ROOT=str(root), PATH=f"{bin_dir}:{ENV['PATH']}")
        total += timed(["bash", str(root / "source" / "run_autograder")], env=env)
    return (f"Gradescope bundle     {total:7.1f} s  {copies / total:6.2f} submissions/s  "
            f"({total / copies:.2f} s per container run)")


def pytest_path(name: str, folder: Path, tmp: Path, copies: int) -> str:
    total = 0.0
    for i in range(copies):
        nb = folder / f"s{i:03d}" / name / f"{name}.ipynb"
        total += timed([sys.executable, "-m", "pytest", "--submission", str(nb), "-q",
                        "-p", "no:cacheprovider", "--junitxml", str(tmp / f"j{i}.xml")],
                       cwd=tmp)
    return (f"pytest --submission   {total:7.1f} s  {copies / total:6.2f} submissions/s  "
            f"({total / copies:.2f} s per process)")


def main() -> None:
    from autograder import reference

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="lab02_tokenize")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--paths", default="harness,nbgrader,gradescope,pytest")
    args = parser.parse_args()
    notebook = reference.source_notebook(args.assignment)
    print(f"{args.copies} copies of the {args.assignment} solution, each path on its own "
          f"(2 cores):")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = make_submissions(tmp / "many", args.assignment, notebook, args.copies)
        for path in args.paths.split(","):
            work = tmp / path
            work.mkdir()
            if path == "harness":
                print(harness_path(args.assignment, folder, work, args.copies), flush=True)
            elif path == "nbgrader":
                print(nbgrader_path(args.assignment, notebook, work, args.copies), flush=True)
            elif path == "gradescope":
                print(gradescope_path(args.assignment, notebook, work, args.copies),
                      flush=True)
            elif path == "pytest":
                print(pytest_path(args.assignment, folder, work, args.copies), flush=True)


if __name__ == "__main__":
    main()
