"""``python -m autograder grade ASSIGNMENT PATH [PATH ...]``: the sandboxed grading harness.

Exit status 0 when grading ran (whatever the scores), 2 with a one-line reason for misuse
(unknown assignment, no submissions found, a path that does not exist, a bad option).
"""

from __future__ import annotations

import argparse
import sys

from autograder import harness
from autograder.sandbox import Limits, SandboxError
from autograder.submissions import discover


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise _Misuse(message)


class _Misuse(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    grade = sub.add_parser("grade", help="grade submissions of one assignment")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument("paths", metavar="PATH", nargs="+",
                       help="notebook files, or folders with submitted/<student>/ASSIGNMENT/")
    grade.add_argument("--json", metavar="FILE", help="write the JSON report here")
    grade.add_argument("--csv", metavar="FILE", help="write the nbgrader-export-like CSV here")
    grade.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="submissions graded in parallel (default 1)")
    grade.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                       help="wall-clock limit per submission (default 60)")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB",
                       help="address-space limit per submission (default 2048)")
    return parser


def grade(args) -> int:
    if args.jobs < 1 or args.timeout <= 0 or args.memory < 256:
        raise _Misuse("--jobs must be >= 1, --timeout > 0 and --memory >= 256")
    known = harness.known_assignments()
    if args.assignment not in known:
        raise _Misuse(f"unknown assignment {args.assignment!r} (known: {', '.join(known)})")
    subs, problems = discover(args.paths, args.assignment)
    if problems:
        raise _Misuse("; ".join(problems))
    if not subs:
        raise _Misuse(f"no submissions of {args.assignment} found in {' '.join(args.paths)}")
    limits = Limits(timeout=args.timeout, memory_mb=args.memory,
                    check_time=max(1.0, min(10.0, args.timeout / 4)))
    spec = harness.load_assignment(args.assignment)
    bar = None
    if sys.stderr.isatty() and len(subs) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(subs), desc=f"grading {args.assignment}", unit="sub")
    try:
        report = harness.grade_batch(spec, subs, limits, jobs=args.jobs,
                                     progress=bar.update if bar else None)
    finally:
        if bar is not None:
            bar.close()
    for warning in report.isolation.warnings:
        print(warning, file=sys.stderr)
    if args.json:
        harness.write_json(report, args.json)
    if args.csv:
        harness.write_csv(report, args.csv)
    counts = {s: sum(r["status"] == s for r in report.results)
              for s in ("graded", "error", "timeout")}
    print(f"{args.assignment}: {len(subs)} submissions in {report.seconds:.1f} s "
          f"({counts['graded']} graded, {counts['error']} error, {counts['timeout']} timeout); "
          f"isolation: {report.isolation.kind}", file=sys.stderr)
    if not (args.json or args.csv):
        for res in report.results:
            print(f"{res['student']}\t{res['status']}\t{res['score']:g}/{res['max_score']:g}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return grade(args)
    except _Misuse as exc:
        print(f"python -m autograder: error: {exc}", file=sys.stderr)
        return 2
    except (SandboxError, harness.SpecError) as exc:
        print(f"python -m autograder: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
