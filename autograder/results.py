"""What grading produces, as documented dataclasses: one result type for every output.

The harness fills :class:`SubmissionReport`; each output is a thin writer over it: the JSON
and CSV reports (:mod:`autograder.harness`), the test cells nbgrader saves in its gradebook
(:mod:`autograder.nbgrader_plugin`), Gradescope's ``results.json``
(:mod:`autograder.gradescope`), pytest items (:mod:`autograder.pytest_plugin`) and the LMS
grades file (:mod:`autograder.lms`). The student's feedback is the same text in all of
them: :func:`rnnlab.checking.feedback`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rnnlab.checking import TestResult, Verdict, feedback, grade_test


@dataclass
class TestReport:
    """One test cell of one submission, as every output shows it.

    name: the test cell's nbgrader grade_id. points: what it earned (the weighted share of
    its checks that passed). max_points: its nbgrader points. passed: every check passed.
    feedback: the student's feedback lines, the verdict first (what the notebook shows).
    public_points: what its public checks alone earn: what the student's own notebook
        showed, compared with the kernel's result by the nbgrader trust path.
    checks: name, kind (public/hidden), weight, passed and failure of each check.
    """

    name: str
    points: float
    max_points: float
    passed: bool
    feedback: list[str]
    public_points: float
    checks: list[dict] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "\n".join(self.feedback)

    @classmethod
    def from_result(cls, result: TestResult) -> TestReport:
        public = [c for c in result.checks if c.kind == "public"]
        public_points = grade_test(result.grade_id, result.max_points, public).points
        return cls(result.grade_id, result.points, result.max_points, result.passed,
                   feedback(result), public_points,
                   [{"name": c.name, "kind": c.kind, "weight": c.weight, "passed": c.passed,
                     "failure": c.failure} for c in result.checks])

    @classmethod
    def ungraded(cls, name: str, max_points: float, why: str) -> TestReport:
        return cls(name, 0.0, max_points, False, [f"✗ {name}：0/{max_points:g} 分（{why}）"],
                   0.0)

    def verdict(self) -> Verdict:
        """The notebook's display object for this test (nbgrader's saved test cell)."""
        return Verdict(self.name, self.points, self.max_points, self.passed, self.feedback,
                       self.checks)

    def to_json(self) -> dict:
        data = asdict(self)
        data["message"] = self.message  # one string, as in earlier reports
        return data


@dataclass
class SubmissionReport:
    """One submission, graded.

    student: the student id (nbgrader's folder name or the file name). path: the file.
    status: ``graded``, ``error`` (the file could not be graded at all) or ``timeout``
        (the submission's wall-clock limit ran out; unfinished checks count as failed).
    score, max_score: the sum of its tests' points and of their max points.
    notes: submission-level messages for the student (zh-TW), e.g. a missing answer cell.
    tests: one TestReport per test cell, in notebook order.
    timestamp: nbgrader's timestamp.txt, when present.
    """

    student: str
    path: str
    status: str
    score: float
    max_score: float
    notes: list[str]
    tests: list[TestReport]
    timestamp: str = ""

    @property
    def message(self) -> str:
        return "\n".join(self.notes)

    def to_json(self) -> dict:
        return {"student": self.student, "path": self.path, "status": self.status,
                "score": self.score, "max_score": self.max_score, "message": self.message,
                "timestamp": self.timestamp, "tests": [t.to_json() for t in self.tests]}
