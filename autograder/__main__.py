"""``python -m autograder COMMAND``: the instructor's commands.

    grade ASSIGNMENT PATH...   grade submissions in the sandbox (JSON/CSV reports)
    release [ID...]            regenerate notebooks/ (student versions) from solutions/
    check [ID...]              nbgrader: solutions earn full marks, student versions zero,
                               a kernel-tampering submission what its code earns
    pin ID... [--check]        write (or check) the public checks' pinned expected values
    new ID --title T           scaffold a new assignment (notebook, public and hidden checks)
    readme [--check]           regenerate (or check) README's tables from solutions/
    integrity                  submissions whose in-kernel results disagreed with the sandbox
    gradescope ID [--out ZIP]  Gradescope's autograder zip for one assignment
    lms --canvas F REPORT...   grades of one or several assignments for Canvas (and Moodle)
    classroom ID               a GitHub Classroom workflow: one command per test cell
    workload                   minutes of each notebook's graded core and 選讀 parts

Exit status: 0 when the command ran (whatever the scores), 1 when a check found a problem,
2 with a one-line reason for misuse (unknown assignment, missing path, bad option).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise _Misuse(message)


class _Misuse(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m autograder", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    grade = sub.add_parser("grade", help="grade submissions of one assignment in the sandbox")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument("paths", metavar="PATH", nargs="+",
                       help="notebook files, student folders, or folders with "
                            "[submitted/]<student>/ASSIGNMENT/")
    grade.add_argument("--json", metavar="FILE", help="write the JSON report here")
    grade.add_argument("--csv", metavar="FILE", help="write the nbgrader-export-like CSV here")
    grade.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="submissions graded in parallel (default 1)")
    grade.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                       help="wall-clock limit per submission (default 60)")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB",
                       help="address-space limit per submission (default 2048)")
    grade.add_argument("--unsandboxed", action="store_true",
                       help="grade even without a working bubblewrap sandbox (student code "
                            "then runs with your rights; the report says so)")

    release = sub.add_parser("release", help="regenerate notebooks/ from solutions/")
    release.add_argument("ids", metavar="ID", nargs="*")

    check = sub.add_parser("check", help="grade solution, stub and tampered stub with nbgrader")
    check.add_argument("ids", metavar="ID", nargs="*")

    pin = sub.add_parser("pin", help="write the public checks' expected values from the "
                                     "reference")
    pin.add_argument("ids", metavar="ID", nargs="*")
    pin.add_argument("--check", action="store_true",
                     help="only report stale values (exit 1 when any)")

    new = sub.add_parser("new", help="scaffold a new assignment")
    new.add_argument("id", metavar="ID")
    new.add_argument("--title", required=True, help="e.g. '19-4：LSTM'")
    new.add_argument("--function", default="double", help="the graded function's name")

    readme = sub.add_parser("readme", help="regenerate README's tables from solutions/")
    readme.add_argument("--check", action="store_true", help="exit 1 when README is stale")

    integrity = sub.add_parser("integrity", help="in-kernel results that disagreed with the "
                                                 "sandbox (nbgrader autograde)")
    integrity.add_argument("--log", metavar="FILE", default="reports/integrity.csv")

    gradescope = sub.add_parser("gradescope", help="Gradescope's autograder zip")
    gradescope.add_argument("id", metavar="ID")
    gradescope.add_argument("--out", metavar="ZIP", help="default dist/gradescope/ID.zip")
    gradescope.add_argument("--isolation", choices=("auto", "bwrap", "uid"), default="auto",
                            help="auto: bubblewrap, or uid isolation where Gradescope's "
                                 "container cannot create namespaces (default)")

    lms = sub.add_parser("lms", help="grades for Canvas's gradebook import (and Moodle)")
    lms.add_argument("reports", metavar="REPORT", nargs="+",
                     help="harness JSON/CSV reports or nbgrader export CSVs")
    lms.add_argument("--canvas", metavar="FILE", help="Canvas gradebook import CSV")
    lms.add_argument("--moodle", metavar="FILE", help="Moodle grade import CSV")
    lms.add_argument("--roster", metavar="FILE",
                     help="Canvas's gradebook export, to fill Student/ID/Section")

    classroom = sub.add_parser("classroom", help="GitHub Classroom autograding workflow")
    classroom.add_argument("id", metavar="ID")

    sub.add_parser("workload", help="estimated minutes of each notebook (core and 選讀)")
    return parser


def _ids(given: list[str]) -> list[str]:
    from autograder.harness import known_assignments

    known = known_assignments()
    unknown = [i for i in given if i not in known]
    if unknown:
        raise _Misuse(f"unknown assignment(s) {', '.join(unknown)} (known: {', '.join(known)})")
    return given or known


# ---------------------------------------------------------------- commands
def cmd_grade(args) -> int:
    from autograder import harness
    from autograder.sandbox import Limits
    from autograder.submissions import discover

    if args.jobs < 1 or args.timeout <= 0 or args.memory < 256:
        raise _Misuse("--jobs must be >= 1, --timeout > 0 and --memory >= 256")
    _ids([args.assignment])
    subs, problems = discover(args.paths, args.assignment)
    if problems:
        raise _Misuse("; ".join(problems))
    limits = Limits(timeout=args.timeout, memory_mb=args.memory,
                    check_time=max(1.0, min(10.0, args.timeout / 4)))
    spec = harness.load_spec(args.assignment)
    outputs = [Path(p).resolve().parent for p in (args.json, args.csv) if p]
    bar = None
    if sys.stderr.isatty() and len(subs) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(subs), desc=f"grading {args.assignment}", unit="sub")
    try:
        report = harness.grade_batch(spec, subs, limits, jobs=args.jobs,
                                     progress=bar.update if bar else None,
                                     allow_unsandboxed=args.unsandboxed, protect=outputs)
    finally:
        if bar is not None:
            bar.close()
    for warning in report.isolation.warnings:
        print(warning, file=sys.stderr)
    if args.json:
        harness.write_json(report, args.json)
    if args.csv:
        harness.write_csv(report, args.csv)
    counts = {s: sum(r.status == s for r in report.results)
              for s in ("graded", "error", "timeout")}
    print(f"{args.assignment}: {len(subs)} submissions in {report.seconds:.1f} s "
          f"({counts['graded']} graded, {counts['error']} error, {counts['timeout']} timeout); "
          f"isolation: {report.isolation.summary()}", file=sys.stderr)
    if not (args.json or args.csv):
        for res in report.results:
            print(f"{res.student}\t{res.status}\t{res.score:g}/{res.max_score:g}")
    return 0


def cmd_release(args) -> int:
    from autograder.course import release

    for name in _ids(args.ids):
        release(name)
        print(f"notebooks/{name}/ regenerated from solutions/{name}/")
    return 0


def cmd_check(args) -> int:
    import tempfile

    from autograder.course import check_assignment

    status = 0
    for name in _ids(args.ids):
        with tempfile.TemporaryDirectory() as tmp:
            summary = check_assignment(name, Path(tmp))
        sol, stub = summary["solution"], summary["stub"]
        tampered, hijacked = summary["tampered"], summary["hijacked"]
        ok = (sol.score == sol.max_score > 0 and stub.score == 0 == tampered.score
              and hijacked.score == 0 and not summary["release_differences"])
        status |= not ok
        print(f"{'OK  ' if ok else 'FAIL'} {name}: solution {sol.score:g}/{sol.max_score:g} "
              f"(failed: {sol.failed_tests}); stub {stub.score:g}; stub with test cells "
              f"replaced by pass {tampered.score:g}; stub that rewrites its kernel's checks "
              f"{hijacked.score:g} (disagreements flagged: {hijacked.disagreements}); "
              f"release differences: {summary['release_differences'] or 'none'}")
    return status


def cmd_pin(args) -> int:
    from autograder.pin import stale_pins, write_pins

    status = 0
    for name in _ids(args.ids):
        if args.check:
            stale = stale_pins(name)
            status |= bool(stale)
            print(f"{'STALE' if stale else 'OK   '} {name}: "
                  f"{'; '.join(stale) if stale else 'pinned values match the reference'}")
        else:
            print(f"{name}: wrote {write_pins(name)}")
    return status


def cmd_new(args) -> int:
    from autograder.course import release
    from autograder.pin import write_pins
    from autograder.scaffold import scaffold

    try:
        paths = scaffold(args.id, args.title, args.function)
    except (ValueError, FileExistsError) as exc:
        raise _Misuse(str(exc)) from None
    write_pins(args.id)
    release(args.id)
    for path in paths:
        print(f"wrote {path}")
    print(f"pinned and released {args.id}. Next: edit the three files, then\n"
          f"  python -m autograder pin {args.id} && python -m autograder release {args.id}\n"
          f"  python -m autograder readme && make test-fast && python -m autograder check "
          f"{args.id}")
    return 0


def cmd_readme(args) -> int:
    from autograder import readme

    if args.check:
        current = readme.README.read_text(encoding="utf-8")
        if readme.render(current) != current:
            print("README.md's tables are stale: run `python -m autograder readme`")
            return 1
        print("README.md's tables match solutions/")
        return 0
    print("README.md updated" if readme.update() else "README.md already up to date")
    return 0


def cmd_integrity(args) -> int:
    import csv

    path = Path(args.log)
    if not path.exists():
        print(f"no disagreement recorded ({path} does not exist)")
        return 0
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        print(f"{row['student']}\t{row['notebook']}\t{row['test']}\tkernel "
              f"{row['kernel_points']}\tsandbox (public checks) {row['sandbox_public_points']}")
    print(f"{len(rows)} test cell(s) whose in-kernel result disagreed with the sandbox")
    return 0


def cmd_gradescope(args) -> int:
    from autograder.gradescope import build_bundle
    from autograder.reference import REPO_ROOT

    _ids([args.id])
    out = Path(args.out or REPO_ROOT / "dist" / "gradescope" / f"{args.id}.zip")
    build_bundle(args.id, out, args.isolation)
    print(f"wrote {out} (upload it as the assignment's autograder; students submit "
          f"{args.id}.ipynb)")
    return 0


def cmd_lms(args) -> int:
    from autograder import harness, lms

    missing_paths = [p for p in args.reports if not Path(p).is_file()]
    if missing_paths:
        raise _Misuse(f"no such report: {', '.join(missing_paths)}")
    if not (args.canvas or args.moodle):
        raise _Misuse("say where to write: --canvas FILE and/or --moodle FILE")
    book = lms.read_reports([Path(p) for p in args.reports])
    if args.canvas:
        text, missing = lms.canvas_csv(book, Path(args.roster) if args.roster else None)
        harness.write_atomic(args.canvas, text)
        print(f"wrote {args.canvas}: {len(book.students)} students, "
              f"{len(book.scores)} assignment(s)")
        for student in missing:
            print(f"WARNING: {student} is not in the roster (SIS Login ID): check the row",
                  file=sys.stderr)
    if args.moodle:
        harness.write_atomic(args.moodle, lms.moodle_csv(book))
        print(f"wrote {args.moodle}")
    return 0


def cmd_classroom(args) -> int:
    from autograder.classroom import workflow
    from autograder.harness import load_spec

    _ids([args.id])
    print(workflow(load_spec(args.id)), end="")
    return 0


def cmd_workload(args) -> int:
    from autograder.workload import chapter, table

    print(table(chapter()))
    return 0


COMMANDS = {"grade": cmd_grade, "release": cmd_release, "check": cmd_check, "pin": cmd_pin,
            "new": cmd_new, "readme": cmd_readme, "integrity": cmd_integrity,
            "gradescope": cmd_gradescope, "lms": cmd_lms, "classroom": cmd_classroom,
            "workload": cmd_workload}


def main(argv: list[str] | None = None) -> int:
    from autograder.harness import SpecError
    from autograder.sandbox import SandboxError

    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except _Misuse as exc:
        print(f"python -m autograder: error: {exc}", file=sys.stderr)
        return 2
    except (SandboxError, SpecError) as exc:
        print(f"python -m autograder: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
