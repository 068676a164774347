"""Every assignment follows the course conventions, and its checks are right.

The public checks (shipped in rnnlab) pass on the reference solution and fail on the
student stub; the hidden checks pass on the reference, fail on the stub and only re-test
rules that a public check states; test cells call exactly these checks. Written for any
number of assignments and of graded functions (one is enough).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from autograder import reference
from autograder.course import RELEASE, assignments
from autograder.hidden import expected_outputs, hidden_checks
from rnnlab.checking import FROM_REFERENCE, run_checks
from rnnlab.checks import public_checks

PRESENT = assignments()


def test_the_course_has_its_chapters_in_order():
    """The course order is the sorted ids in solutions/ (19-x before the labs)."""
    assert PRESENT == sorted(PRESENT)
    assert {"ch19_1_rnn_types", "ch19_2_bptt", "ch19_3_gradients", "lab01_explore_data",
            "lab02_tokenize", "lab03_rnn_spam"} <= set(PRESENT)


def _source(aid):
    return nbformat.read(reference.source_notebook(aid), as_version=4)


def _tests(aid):
    return reference.test_cells(_source(aid))


@pytest.fixture(scope="module", params=PRESENT)
def aid(request):
    return request.param


def test_notebook_is_clean_and_uses_python3(aid):
    from rnnlab.kernel import LANGUAGE_INFO

    nb = _source(aid)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"] == {"display_name": "Python 3 (ch19)",
                                         "language": "python", "name": "python3"}
    # what the course kernel reports: JupyterLab marks a notebook modified when it differs
    assert nb.metadata["language_info"] == LANGUAGE_INFO
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
    assert cells, f"{aid}: a notebook needs at least one test cell"
    for cell in cells:
        meta = cell.metadata.nbgrader
        gid = meta["grade_id"]
        assert meta["locked"] and meta["points"] > 0
        assert re.match(r"^test_[a-z0-9_]+$", gid), f"{gid}: grade_ids are test_<snake_case>"
        src = cell.source
        points = f"points={meta['points']:g})"
        assert src.startswith('"""'), f"{gid}: a docstring says what the cell checks"
        assert f'run_public("{aid}", "{gid}", globals(), {points}' in src, (
            f"{gid}: the test cell must call run_public(\"{aid}\", \"{gid}\", globals(), "
            f"{points} with the points of its nbgrader metadata")
        hidden = src.split("### BEGIN HIDDEN TESTS", 1)
        assert len(hidden) == 2 and "### END HIDDEN TESTS" in hidden[1]
        assert f'run_hidden("{aid}", "{gid}", globals(), {points}' in hidden[1]


def test_check_modules_cover_exactly_the_test_cells(aid):
    gids = {c.metadata.nbgrader["grade_id"] for c in _tests(aid)}
    public = importlib.import_module(f"rnnlab.checks.{aid}").CHECKS
    hidden = importlib.import_module(f"autograder.hidden.{aid}").CHECKS
    assert set(public) == gids
    assert set(hidden) == gids
    for gid in gids:
        assert public[gid] and hidden[gid], f"{gid}: needs public and hidden checks"
        for check in public[gid] + hidden[gid]:
            assert check.message.strip() or check.retests, (
                f"{gid}/{check.name}: a message names the mistake (a hidden check may "
                "inherit the message of the public check it re-tests)")
            assert "out" in check.code
        for check in public[gid]:
            assert not (isinstance(check.expected, str) and check.expected == FROM_REFERENCE), (
                f"{gid}/{check.name}: public checks carry pinned or literal expected values")
            assert check.weight > 0 and not check.retests
        for kind in (public[gid], hidden[gid]):
            names = [c.name for c in kind]
            assert len(names) == len(set(names)), f"{gid}: check names must be unique"
        assert sum(c.integration for c in public[gid] + hidden[gid]) <= 1, (
            f"{gid}: at most one integration check per test cell")


def test_hidden_checks_only_add_inputs_to_public_rules(aid):
    """No hidden-only rules: every hidden check names the public check (same test cell)
    whose rule it re-tests on other inputs."""
    public = importlib.import_module(f"rnnlab.checks.{aid}").CHECKS
    hidden = importlib.import_module(f"autograder.hidden.{aid}").CHECKS
    for gid, checks in hidden.items():
        names = {c.name for c in public[gid]}
        for check in checks:
            assert check.retests in names, (
                f"{aid} {gid}/{check.name}: retests={check.retests!r} must name a public check "
                f"of {gid} ({sorted(names)}); a hidden check adds inputs, not rules")


def test_required_tests_exist(aid):
    from rnnlab.checks import requirements

    for cell in _tests(aid):
        gid = cell.metadata.nbgrader["grade_id"]
        for other, required in requirements(aid, gid):
            assert public_checks(other, required), f"{gid} requires unknown {other}:{required}"


def test_pinned_values_match_the_reference(aid):
    from autograder.pin import stale_pins

    stale = stale_pins(aid)
    assert not stale, f"{aid}: run `python -m autograder pin {aid}`: {stale}"


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


def test_hidden_checks_pass_on_the_reference(aid):
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
        passing = [r.name for r in public + hidden if r.passed]
        assert not passing, f"{gid}: checks pass on the stub (free partial credit): {passing}"
        assert all(r.failure == "unfinished" for r in public), (
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
        if info.name.endswith(".__main__"):  # a script: importing it runs the command line
            source = Path(rnnlab.__file__).parent.joinpath("__main__.py").read_text()
            assert not [n for n in graded if f"def {n}(" in source]
            continue
        module = importlib.import_module(info.name)
        defined = sorted(n for n in graded if callable(getattr(module, n, None)))
        assert not defined, f"{info.name} defines graded function(s) {defined}"


def test_readme_tables_are_generated_from_the_sources():
    from autograder import readme

    current = readme.README.read_text(encoding="utf-8")
    assert readme.render(current) == current, (
        "README.md's tables are stale: run `python -m autograder readme`")


def _practice(aid):
    return getattr(importlib.import_module(f"rnnlab.checks.{aid}"), "PRACTICE", {})


WITH_PRACTICE = [aid for aid in PRESENT if _practice(aid)]


def test_the_chapter_has_ungraded_exercises():
    """The 選讀 exercises of 19-1, 19-2 and Lab01 exist, so the next test checks something."""
    assert {"ch19_1_rnn_types", "ch19_2_bptt", "lab01_explore_data"} <= set(WITH_PRACTICE)


@pytest.mark.parametrize("aid", WITH_PRACTICE)
def test_practice_checks_pass_on_the_reference_and_fail_on_the_stub(aid):
    """Ungraded 選讀 exercises (PRACTICE) get the same care: right on the reference, and an
    unfinished stub passes none of them."""
    practice = _practice(aid)
    ref, stub = reference.reference_namespace(aid), _stub_namespace(aid)
    for name in practice:
        assert name.startswith("practice_"), name
        checks = public_checks(aid, name)
        failed = [r.name for r in run_checks(checks, ref) if not r.passed]
        assert not failed, f"{name}: fails on the reference: {failed}"
        passing = [r.name for r in run_checks(checks, stub) if r.passed]
        assert not passing, f"{name}: passes on the stub: {passing}"
