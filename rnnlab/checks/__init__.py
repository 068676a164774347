"""Public (visible) checks, one module per assignment: ``CHECKS[grade_id] -> [Check, ...]``.

These ship to students, so their expected values are literal data, never a solution.
The autograder runs the same checks plus hidden ones (``autograder/hidden/``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from rnnlab.checking import Check, report, run_checks


def public_checks(assignment: str, grade_id: str) -> list[Check]:
    """The visible checks of one test cell (``grade_id``) of ``assignment``."""
    module = importlib.import_module(f"rnnlab.checks.{assignment}")
    return list(module.CHECKS.get(grade_id, []))


def run_public(assignment: str, grade_id: str, namespace: Mapping[str, Any]) -> None:
    """Run the visible checks of a test cell on the notebook's names; raise on failure."""
    checks = public_checks(assignment, grade_id)
    report(run_checks(checks, namespace), f"{grade_id}（公開測試）")
