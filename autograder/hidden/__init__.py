"""Hidden checks, one module per assignment: ``CHECKS[grade_id] -> [Check, ...]``.

A hidden check adds inputs (seeded random data, real messages, other sizes and dtypes) to a
rule that a public check already states and exercises: its ``retests`` names that public
check, whose message it shows when it fails. Expected values come from running the same
probe on the reference solution (``autograder.reference``). Notebook hidden-test cells call
:func:`run_hidden`; the grading harness uses :func:`hidden_checks`, :func:`expected_outputs`
and :func:`hidden_messages`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from autograder.reference import reference_namespace
from rnnlab.checking import FROM_REFERENCE, Check, Verdict, execute_probe, grade_test, run_checks
from rnnlab.checks import blocked_by, public_checks


def hidden_checks(assignment: str, grade_id: str) -> list[Check]:
    """The hidden checks of one test cell (``grade_id``) of ``assignment``; a check that
    re-tests a gated public check (form, not value) is gated too."""
    from dataclasses import replace

    module = importlib.import_module(f"autograder.hidden.{assignment}")
    gated = {c.name for c in public_checks(assignment, grade_id, resolve=False) if c.gated}
    return [replace(c, gated=True) if c.retests in gated else c
            for c in module.CHECKS.get(grade_id, [])]


def hidden_messages(assignment: str, grade_id: str, checks: list[Check]) -> list[str]:
    """Each hidden check's message: its own, or that of the public check it re-tests."""
    public = {c.name: c.message for c in public_checks(assignment, grade_id, resolve=False)}
    return [c.message or public.get(c.retests, "") for c in checks]


def expected_outputs(assignment: str, checks: list[Check]) -> list[Any]:
    """Each check's expected value: literal, or the reference solution's output."""
    ref = None
    values = []
    for check in checks:
        if isinstance(check.expected, str) and check.expected == FROM_REFERENCE:
            ref = ref if ref is not None else reference_namespace(assignment)
            values.append(execute_probe(check, ref, time_limit=None))
        else:
            values.append(check.expected)
    return values


def run_hidden(assignment: str, grade_id: str, namespace: Mapping[str, Any],
               points: float = 1.0) -> Verdict:
    """Run the public and the hidden checks of a test cell on the notebook's names (what
    the test cell is worth when graded); the notebook shows the verdict."""
    public = run_checks(public_checks(assignment, grade_id), namespace)
    checks = hidden_checks(assignment, grade_id)
    hidden = run_checks(checks, namespace, expected_outputs(assignment, checks),
                        kind="hidden", messages=hidden_messages(assignment, grade_id, checks))
    results = public + hidden
    blocked = [] if all(r.passed for r in results) else blocked_by(
        assignment, grade_id, namespace)
    return Verdict.from_result(grade_test(grade_id, points, results, blocked))
