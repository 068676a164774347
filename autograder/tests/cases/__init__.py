"""Hand-written submissions per assignment: ``autograder/tests/cases/<id>.py``.

Each module defines

- ``ALTERNATIVES = {"<answer cell grade_id>": [source, ...]}``: correct-but-different
  implementations (Counter-based vocabularies, loops vs vectorised, tuple/list/dict caches,
  einsum...). Put in place of that answer cell of the solution, each must earn full marks.
- ``MISTAKES = [Mistake(...), ...]``: one-mistake submissions, each with the points every
  affected test cell must get and what the student must read first.

``autograder/tests/test_cases.py`` grades all of them with the sandboxed harness; a sample
also goes through nbgrader to prove that both graders give the same partial credit.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mistake:
    """One typical mistake in one answer cell.

    name: a stable id (``tokenize_not_lower``). cell: the answer cell's grade_id.
    source: the whole answer cell as the student would write it.
    points: ``{test grade_id: points}`` for every test cell that must lose points; the
        others must keep full marks.
    first_message: a fragment of the first likely cause the student reads (the line after
        the verdict) in the test cell named first in ``points``.
    about: what the mistake is, in English, for the closing reports.
    """

    name: str
    cell: str
    source: str
    points: dict[str, float]
    first_message: str
    about: str = ""
    extra_cells: dict[str, str] = field(default_factory=dict)  # other cells replaced too


def load(assignment: str):
    """The cases module of ``assignment`` (None when it has none)."""
    names = {m.name for m in pkgutil.iter_modules(__path__)}
    if assignment not in names:
        return None
    return importlib.import_module(f"{__name__}.{assignment}")
