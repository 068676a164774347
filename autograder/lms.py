"""Grades for an LMS: ``python -m autograder lms --canvas F [--moodle F] REPORT...``.

Reads the grades of one or several assignments, from the harness's JSON or CSV reports
(``make grade``) or nbgrader's export (``make autograde``: ``grades/<id>.csv``), and writes

- Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID, Section``, one
  column per assignment, and a ``Points Possible`` row (Canvas creates a missing assignment
  with those points). Students are matched by ``SIS Login ID`` = the nbgrader student id;
  with ``--roster`` (Canvas's own gradebook export) the other identity columns are filled
  from it, and a student absent from the roster is reported;
- Moodle's grade import: ``Username`` and one column per assignment (map ``Username`` to
  *username* and each column to its grade item, whose maximum grade must be the points).

A student without a submission for an assignment gets an empty cell (no change in the LMS).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@dataclass
class Gradebook:
    """Scores of several assignments: ``scores[assignment][student]``, ``points[assignment]``."""

    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)

    def add(self, assignment: str, student: str, score: float, max_score: float) -> None:
        self.scores.setdefault(assignment, {})[student] = float(score)
        if assignment in self.points and self.points[assignment] != float(max_score):
            raise ValueError(f"{assignment}: max_score {max_score} differs from "
                             f"{self.points[assignment]} in another report")
        self.points[assignment] = float(max_score)

    @property
    def students(self) -> list[str]:
        return sorted({s for by_student in self.scores.values() for s in by_student})


def read_reports(paths: list[Path]) -> Gradebook:
    """Grades from harness JSON reports and nbgrader-export-style CSV files."""
    book = Gradebook()
    for path in map(Path, paths):
        if path.suffix == ".json":
            report = json.loads(path.read_text(encoding="utf-8"))
            for sub in report["submissions"]:
                book.add(report["assignment"], sub["student"], sub["score"], sub["max_score"])
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    book.add(row["assignment"], row["student_id"], float(row["score"]),
                             float(row["max_score"]))
    return book


def _number(value: float) -> str:
    return f"{value:g}"


def canvas_csv(book: Gradebook, roster: Path | None = None) -> tuple[str, list[str]]:
    """Canvas's gradebook import file, and the students missing from ``roster``."""
    people: dict[str, dict[str, str]] = {}
    if roster is not None:
        with Path(roster).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                login = (row.get("SIS Login ID") or "").strip()
                if login:
                    people[login] = {k: row.get(k, "") for k in CANVAS_IDENTITY}
    assignments = sorted(book.scores)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANVAS_IDENTITY + assignments)
    writer.writerow(["Points Possible", "", "", "", ""]
                    + [_number(book.points[a]) for a in assignments])
    missing = []
    for student in book.students:
        identity = people.get(student)
        if identity is None:
            if roster is not None:
                missing.append(student)
            identity = {"Student": student, "ID": "", "SIS User ID": "",
                        "SIS Login ID": student, "Section": ""}
        cells = [book.scores[a].get(student) for a in assignments]
        writer.writerow([identity[k] for k in CANVAS_IDENTITY]
                        + ["" if c is None else _number(c) for c in cells])
    return out.getvalue(), missing


def moodle_csv(book: Gradebook) -> str:
    assignments = sorted(book.scores)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Username"] + assignments)
    for student in book.students:
        cells = [book.scores[a].get(student) for a in assignments]
        writer.writerow([student] + ["" if c is None else _number(c) for c in cells])
    return out.getvalue()
