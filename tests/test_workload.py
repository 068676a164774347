"""The chapter fits a week: each notebook states at its top the minutes of its graded core
(必做) and of its deep dives (選讀) as `autograder.workload` estimates them, and the graded
core of the whole chapter stays within four hours."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import workload
from autograder.course import SOLUTIONS

ROWS = workload.chapter()


def test_the_chapters_graded_core_fits_in_four_hours():
    total = sum(w.core for w in ROWS)
    assert total <= workload.CORE_BUDGET_MIN, "\n" + workload.table(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[w.notebook for w in ROWS])
def test_each_notebook_states_its_estimate_at_the_top(row):
    nb = nbformat.read(SOLUTIONS / row.notebook / f"{row.notebook}.ipynb", as_version=4)
    top = nb.cells[0].source
    core = re.search(r"必做約\s*(\d+)\s*分", top)
    extra = re.search(r"選讀約\s*(\d+)\s*分", top)
    assert core and extra, "the first cell says 「預估時間：必做約 N 分鐘，選讀約 M 分鐘」"
    assert abs(int(core.group(1)) - row.core) <= 5, (
        f"{row.notebook}: states 必做約 {core.group(1)} 分, estimated {row.core} "
        f"(python -m autograder workload)")
    assert abs(int(extra.group(1)) - row.extra) <= 5, (
        f"{row.notebook}: states 選讀約 {extra.group(1)} 分, estimated {row.extra}")


@pytest.mark.parametrize("row", ROWS, ids=[w.notebook for w in ROWS])
def test_sections_are_marked_core_or_optional(row):
    nb = nbformat.read(SOLUTIONS / row.notebook / f"{row.notebook}.ipynb", as_version=4)
    numbered = [line for c in nb.cells if c.cell_type == "markdown"
                for _, line in workload._headings(c.source) if re.match(r"^## \d", line)]
    assert numbered and all(("【必做】" in h) != ("【選讀】" in h) for h in numbered), numbered
