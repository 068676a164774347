"""Every assignment follows the course conventions, and its checks are right.

The public checks (shipped in rnnlab) pass on the reference solution and fail on the
student stub; the hidden checks run on both; test cells call exactly these checks.
"""

from __future__ import annotations

import importlib
import re

import nbformat
import pytest

from autograder import reference
from autograder.course import RELEASE, assignments
from autograder.hidden import expected_outputs, hidden_checks
from rnnlab.checking import FROM_REFERENCE, run_checks
from rnnlab.checks import public_checks

COURSE = ["ch19_1_rnn_types", "ch19_2_bptt", "ch19_3_gradients",
          "lab01_explore_data", "lab02_tokenize", "lab03_rnn_spam"]
PRESENT = assignments()


def test_the_six_assignments_exist_in_course_order():
    assert PRESENT == COURSE


def _source(aid):
    return nbformat.read(reference.source_notebook(aid), as_version=4)


def _tests(aid):
    return reference.test_cells(_source(aid))


@pytest.fixture(scope="module", params=PRESENT)
def aid(request):
    return request.param


def test_notebook_is_clean_and_uses_python3(aid):
    nb = _source(aid)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "commit without outputs"


def test_notebook_has_goals_first_and_summary_last(aid):
    nb = _source(aid)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert "學習目標" in markdown[0]
    assert any("本章重點精華回顧" in m for m in markdown[-3:])


def test_only_notebooks_and_figures_in_the_source_folder(aid):
    folder = reference.source_notebook(aid).parent
    for path in folder.rglob("*"):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            assert path.suffix in {".ipynb", ".png", ".svg", ".jpg"}, path


def test_test_cells_call_the_shared_checks(aid):
    cells = _tests(aid)
    assert len(cells) >= 2, "every notebook has at least two graded functions"
    for cell in cells:
        meta = cell.metadata.nbgrader
        gid = meta["grade_id"]
        assert meta["locked"] and meta["points"] > 0
        assert re.match(r"^test_[a-z0-9_]+$", gid)
        src = cell.source
        assert src.startswith('"""'), f"{gid}: a docstring says what the cell checks"
        assert f'run_public("{aid}", "{gid}", globals())' in src
        hidden = src.split("### BEGIN HIDDEN TESTS", 1)
        assert len(hidden) == 2 and "### END HIDDEN TESTS" in hidden[1]
        assert f'run_hidden("{aid}", "{gid}", globals())' in hidden[1]


def test_check_modules_cover_exactly_the_test_cells(aid):
    gids = {c.metadata.nbgrader["grade_id"] for c in _tests(aid)}
    public = importlib.import_module(f"rnnlab.checks.{aid}").CHECKS
    hidden = importlib.import_module(f"autograder.hidden.{aid}").CHECKS
    assert set(public) == gids
    assert set(hidden) == gids
    for gid in gids:
        assert public[gid] and hidden[gid], f"{gid}: needs public and hidden checks"
        for check in public[gid] + hidden[gid]:
            assert check.message.strip(), f"{gid}/{check.name}: a message names the mistake"
            assert "out" in check.code
        for check in public[gid]:
            assert not (isinstance(check.expected, str) and check.expected == FROM_REFERENCE), (
                f"{gid}/{check.name}: public checks carry literal expected values")
        for kind in (public[gid], hidden[gid]):
            names = [c.name for c in kind]
            assert len(names) == len(set(names)), f"{gid}: check names must be unique"


def test_answer_cells_are_self_contained(aid):
    scope = reference.reference_namespace(aid)
    for cell in reference.answer_cells(_source(aid)):
        assert cell.source.count("### BEGIN SOLUTION") >= 1
    assert any(callable(v) for k, v in scope.items() if not k.startswith("_"))


def _stub_namespace(aid):
    return reference.answers_namespace(RELEASE / aid / f"{aid}.ipynb", f"stub_{aid}")


def test_public_checks_pass_on_the_reference(aid):
    ref = reference.reference_namespace(aid)
    for cell in _tests(aid):
        gid = cell.metadata.nbgrader["grade_id"]
        failed = [r for r in run_checks(public_checks(aid, gid), ref) if not r.passed]
        assert not failed, f"{gid}: public checks fail on the reference: {failed}"


def test_hidden_checks_run_on_the_reference(aid):
    ref = reference.reference_namespace(aid)
    for cell in _tests(aid):
        gid = cell.metadata.nbgrader["grade_id"]
        checks = hidden_checks(aid, gid)
        failed = [r for r in run_checks(checks, ref, expected_outputs(aid, checks))
                  if not r.passed]
        assert not failed, f"{gid}: hidden checks fail on the reference: {failed}"


def test_every_check_fails_on_the_stub(aid):
    stub = _stub_namespace(aid)
    for cell in _tests(aid):
        gid = cell.metadata.nbgrader["grade_id"]
        public = run_checks(public_checks(aid, gid), stub)
        checks = hidden_checks(aid, gid)
        hidden = run_checks(checks, stub, expected_outputs(aid, checks))
        assert not any(r.passed for r in public), f"{gid}: a public check passes on the stub"
        assert not any(r.passed for r in hidden), f"{gid}: a hidden check passes on the stub"
        assert all("NotImplementedError" in r.message for r in public), (
            f"{gid}: the stub's message should say the function is not written yet")


def _graded_function_names() -> set[str]:
    names = set()
    for aid in PRESENT:
        for cell in reference.answer_cells(_source(aid)):
            names |= set(re.findall(r"^def (\w+)", cell.source, flags=re.M))
    return names


def test_the_student_package_defines_no_graded_function():
    """rnnlab ships to students: none of its modules may define (or re-export) a function
    with the name of a graded function of any assignment."""
    import pkgutil

    import rnnlab

    graded = _graded_function_names()
    assert {"rnn_cell_forward", "rnn_backward", "tokenize", "clip_by_norm"} <= graded
    for info in pkgutil.walk_packages(rnnlab.__path__, "rnnlab."):
        module = importlib.import_module(info.name)
        defined = sorted(n for n in graded if callable(getattr(module, n, None)))
        assert not defined, f"{info.name} defines graded function(s) {defined}"


def test_readme_points_table_is_true(aid, repo_root):
    """README's table of graded functions and points matches the source's test cells."""
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    [row] = [line for line in readme.splitlines() if line.startswith(f"| `{aid}` | `")]
    cells = _tests(aid)
    total = sum(c.metadata.nbgrader["points"] for c in cells)
    assert row.rstrip(" |").endswith(f"({total:g})"), row
    for cell in cells:
        name = cell.metadata.nbgrader["grade_id"].removeprefix("test_")
        assert name.split("_truncated")[0] in row, f"{name} missing from README: {row}"
