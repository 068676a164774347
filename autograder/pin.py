"""``python -m autograder pin ID``: write the public checks' expected values from the reference.

A public check whose ``expected`` is ``PINNED`` gets its value from
``rnnlab/checks/pinned/<assignment>.json`` (shipped to students: values for fixed inputs,
never code). This module computes those values by running each probe on the reference
solution, writes them, and tells when the stored ones are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from autograder import reference
from rnnlab.checking import PINNED, ProbeError, compare, execute_probe, to_json
from rnnlab.checks import PINNED_DIR, pinned_values, public_checks


def pinned_path(assignment: str) -> Path:
    return PINNED_DIR / f"{assignment}.json"


def fresh_values(assignment: str) -> dict[str, Any]:
    """``{"<grade_id>/<check>": value}`` for every PINNED public check, from the reference
    (raises ProbeError naming the check when the reference itself fails a probe)."""
    import importlib

    nb = nbformat.read(reference.source_notebook(assignment), as_version=4)
    ref = reference.reference_namespace(assignment)
    values = {}
    module = importlib.import_module(f"rnnlab.checks.{assignment}")
    names = [cell.metadata.nbgrader["grade_id"] for cell in reference.test_cells(nb)]
    names += list(getattr(module, "PRACTICE", {}))  # the ungraded 選讀 exercises too
    for gid in names:
        for check in public_checks(assignment, gid, resolve=False):
            if isinstance(check.expected, str) and check.expected == PINNED:
                try:
                    values[f"{gid}/{check.name}"] = execute_probe(check, ref, time_limit=None)
                except ProbeError as exc:
                    raise ProbeError(f"{assignment} {gid}/{check.name} fails on the reference: "
                                     f"{exc}", exc.failure) from None
    return values


def write_pins(assignment: str) -> Path:
    """Compute and write the pinned values of ``assignment``; returns the file."""
    values = fresh_values(assignment)
    path = pinned_path(assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({k: to_json(v) for k, v in values.items()}, ensure_ascii=False,
                      indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    pinned_values.cache_clear()
    return path


def stale_pins(assignment: str) -> list[str]:
    """Keys whose stored value is missing, extra or differs from the reference's."""
    stored = pinned_values(assignment)
    fresh = fresh_values(assignment)
    problems = [f"missing: {k}" for k in fresh if k not in stored]
    problems += [f"not a PINNED check any more: {k}" for k in stored if k not in fresh]
    for key, value in fresh.items():
        if key in stored and compare(stored[key], value, "equal") is not None:
            problems.append(f"differs from the reference: {key}")
    return problems
