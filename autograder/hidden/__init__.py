"""Hidden checks, one module per assignment: ``CHECKS[grade_id] -> [Check, ...]``.

Their expected values come from running the same probe on the reference solution
(``autograder.reference``). Notebook hidden-test cells call :func:`run_hidden`; the
grading harness uses :func:`hidden_checks` and :func:`expected_outputs`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from autograder.reference import reference_namespace
from rnnlab.checking import FROM_REFERENCE, Check, execute_probe, report, run_checks


def hidden_checks(assignment: str, grade_id: str) -> list[Check]:
    """The hidden checks of one test cell (``grade_id``) of ``assignment``."""
    module = importlib.import_module(f"autograder.hidden.{assignment}")
    return list(module.CHECKS.get(grade_id, []))


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


def run_hidden(assignment: str, grade_id: str, namespace: Mapping[str, Any]) -> None:
    """Run the hidden checks of a test cell on the notebook's names; raise on failure."""
    checks = hidden_checks(assignment, grade_id)
    results = run_checks(checks, namespace, expected_outputs(assignment, checks))
    report(results, f"{grade_id}（隱藏測試）")
