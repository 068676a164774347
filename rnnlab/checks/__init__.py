"""Public (visible) checks, one module per assignment.

A module ``rnnlab.checks.<assignment>`` defines

- ``CHECKS = {"<test grade_id>": [Check, ...]}``: the visible checks of each test cell,
  from the simplest to the composite; their expected values are ``PINNED`` (written from
  the reference by ``python -m autograder pin <assignment>`` into ``pinned/<assignment>.json``)
  or literal data, never a solution;
- optionally ``REQUIRES = {"<test grade_id>": ["<grade_id>" or "<assignment>:<grade_id>"]}``:
  the test cells of the graded functions a test's function calls. When one of them fails
  its own public checks, the test's feedback says to fix that one first;
- optionally ``PRACTICE = {"<name>": [Check, ...]}``: the checks of an ungraded 選讀
  exercise, shown by :func:`run_practice` (a verdict without points).

The autograder runs the same checks plus hidden ones (``autograder/hidden/``).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from rnnlab.checking import (
    PINNED,
    Check,
    Verdict,
    from_json,
    grade_test,
    run_checks,
)
from rnnlab.checks.factories import gated

PINNED_DIR = Path(__file__).resolve().parent / "pinned"


class PinError(RuntimeError):
    """A public check's pinned value is missing (the instructor must run ``pin``)."""


@cache
def pinned_values(assignment: str) -> dict[str, Any]:
    """The pinned expected values of ``assignment``: ``{"<grade_id>/<check>": value}``."""
    path = PINNED_DIR / f"{assignment}.json"
    if not path.exists():
        return {}
    return {k: from_json(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def _module(assignment: str):
    return importlib.import_module(f"rnnlab.checks.{assignment}")


def public_checks(assignment: str, grade_id: str, resolve: bool = True) -> list[Check]:
    """The visible checks of one test cell (``grade_id``) of ``assignment`` (or of one 選讀
    exercise of its ``PRACTICE``), with their form checks gated (``factories.gated``) and
    their pinned expected values filled in (unless ``resolve`` is false)."""
    module = _module(assignment)
    checks = [gated(c) for c in
              module.CHECKS.get(grade_id, getattr(module, "PRACTICE", {}).get(grade_id, []))]
    if not resolve:
        return checks
    values = pinned_values(assignment)
    out = []
    for check in checks:
        if isinstance(check.expected, str) and check.expected == PINNED:
            key = f"{grade_id}/{check.name}"
            if key not in values:
                raise PinError(f"{assignment}: no pinned value for {key}; run "
                               f"`python -m autograder pin {assignment}`")
            check = _with_expected(check, values[key])
        out.append(check)
    return out


def _with_expected(check: Check, value: Any) -> Check:
    from dataclasses import replace

    return replace(check, expected=value)


def requirements(assignment: str, grade_id: str) -> list[tuple[str, str]]:
    """``(assignment, grade_id)`` of each test cell the test ``grade_id`` requires."""
    wanted = getattr(_module(assignment), "REQUIRES", {}).get(grade_id, [])
    out = []
    for item in wanted:
        other, _, gid = item.rpartition(":")
        out.append((other or assignment, gid))
    return out


def blocked_by(assignment: str, grade_id: str, namespace: Mapping[str, Any]) -> list[str]:
    """The required test cells whose public checks fail on ``namespace``'s functions."""
    blocked = []
    for other, gid in requirements(assignment, grade_id):
        if not all(r.passed for r in run_checks(public_checks(other, gid), namespace)):
            blocked.append(gid if other == assignment else f"{other}:{gid}")
    return blocked


def run_practice(assignment: str, name: str, namespace: Mapping[str, Any]) -> Verdict:
    """Run the checks of an ungraded 選讀 exercise: the same verdict and likely causes as a
    test cell, without points."""
    results = run_checks(public_checks(assignment, name), namespace)
    return Verdict.from_result(grade_test(name, 0, results), f"{name}（選讀，不計分）")


def run_public(assignment: str, grade_id: str, namespace: Mapping[str, Any],
               points: float = 1.0) -> Verdict:
    """Run the visible checks of a test cell on the notebook's names.

    Returns the cell's :class:`~rnnlab.checking.Verdict`: shown as the verdict and the
    likely causes, worth the weighted share of ``points`` that the checks earned.
    """
    results = run_checks(public_checks(assignment, grade_id), namespace)
    blocked = [] if all(r.passed for r in results) else blocked_by(
        assignment, grade_id, namespace)
    return Verdict.from_result(grade_test(grade_id, points, results, blocked),
                               f"{grade_id}（公開測試）")
