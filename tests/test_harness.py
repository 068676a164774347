"""The grading harness (``python -m autograder grade``): wire format, submission discovery
and parsing, scoring on a tiny fake assignment, limits, the CLI contract, atomic reports,
agreement with nbgrader, and that no hidden test or solution ships to students.

The corpus of right/wrong/hostile/malformed submissions of the real assignments is in
``autograder/tests/test_corpus.py``.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import harness, reference
from autograder import worker as wire
from autograder.__main__ import main
from autograder.sandbox import Limits, detect_isolation
from autograder.submissions import (
    Submission,
    SubmissionError,
    discover,
    read_answer_cells,
)
from autograder.tests import corpus, fakelab

REPO = Path(__file__).resolve().parents[1]
FAST = Limits(timeout=20, memory_mb=1024, check_time=2.0)


# ---------------------------------------------------------------- wire format
ARRAYS = hnp.arrays(
    dtype=st.sampled_from(sorted(wire.ALLOWED_DTYPES)).map(np.dtype),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
SCALARS = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(
    max_size=20)
PLAIN = st.recursive(
    SCALARS | ARRAYS,
    lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                   | st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def same(a, b) -> bool:
    """Structural equality that also compares types, dtypes and NaNs."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(
            a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    return a == b


@settings(max_examples=150, deadline=None)
@given(PLAIN)
def test_wire_round_trip_keeps_types_dtypes_and_shapes(value):
    sent = json.loads(wire.dumps({"v": wire.encode(value)}))
    assert same(wire.decode(sent["v"]), value)


class _Eq:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [
    _Eq(), np.zeros(2, dtype=object), np.zeros(2, dtype=np.float16),
    np.zeros(3).view(type("Sub", (np.ndarray,), {})), {1: 2}, 1 + 2j, b"bytes",
    (x for x in ()), np.float64(1.0),
])
def test_encode_refuses_anything_but_plain_data(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


GOOD = wire.encode(np.arange(6, dtype=np.int64).reshape(2, 3))


@pytest.mark.parametrize("data", [
    dict(GOOD, dtype="object"),
    dict(GOOD, dtype="float16"),
    dict(GOOD, shape=[3, 3]),
    dict(GOOD, shape=[-2, -3]),
    dict(GOOD, shape="2,3"),
    dict(GOOD, data="not base64!"),
    dict(GOOD, extra=1),
    {"$": "pickle", "items": []},
    {"$": "dict", "items": [[1, 2]]},
    {"$": "dict", "items": [["k"]]},
    {"__class__": "Eq"},
    {"$": "tuple", "items": "ab"},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
])
def test_decode_refuses_malformed_or_hostile_data(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_decoded_arrays_are_plain_writable_copies():
    out = wire.decode(json.loads(json.dumps(GOOD)))
    assert type(out) is np.ndarray and out.dtype == np.int64 and out.flags.writeable
    assert out.tolist() == [[0, 1, 2], [3, 4, 5]]


# ---------------------------------------------------------------- discovery and parsing
def test_discover_nbgrader_layout_flat_files_and_problems(tmp_path):
    sub = tmp_path / "course" / "submitted"
    (sub / "alice" / "lab").mkdir(parents=True)
    (sub / "alice" / "lab" / "lab.ipynb").write_text("{}")
    (sub / "alice" / "lab" / "timestamp.txt").write_text("2024-05-01 10:00:00\n")
    (sub / "bob" / "lab").mkdir(parents=True)
    (sub / "bob" / "lab" / "my_copy.ipynb").write_text("{}")
    (sub / "carol" / "lab").mkdir(parents=True)  # folder without a notebook
    (sub / "dave" / "other").mkdir(parents=True)  # another assignment: ignored
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "erin.ipynb").write_text("{}")
    single = sub / "alice" / "lab" / "lab.ipynb"
    found, problems = discover([tmp_path / "course", flat, single, tmp_path / "nope"], "lab")
    assert [(s.student, s.path.name) for s in found] == [
        ("alice", "lab.ipynb"), ("bob", "my_copy.ipynb"), ("carol", "lab.ipynb"),
        ("erin", "erin.ipynb")]  # alice's file given twice is graded once
    assert found[0].timestamp == "2024-05-01 10:00:00"
    assert problems == [f"{tmp_path / 'nope'}: no such file or directory"]


def _nb(*cells) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": list(cells)}).encode()


def _code(gid, source, kind="code"):
    return {"cell_type": kind, "metadata": {"nbgrader": {"grade_id": gid}},
            "source": source, "outputs": [], "execution_count": None}


def test_read_answer_cells_takes_only_the_wanted_grade_ids(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_bytes(_nb(_code("a", ["x = ", "1\n"]), _code("junk", "y = 2"),
                         _code("b", "b = 1", kind="markdown"), _code("a", "x = 3")))
    found, notes = read_answer_cells(path, ["a", "b"])
    assert found == {"a": "x = 1\n"}  # the first "a" wins; a markdown "b" is no answer
    assert any("多個" in n for n in notes)


def test_read_answer_cells_refuses_too_large_files(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_bytes(_nb(_code("a", "x" * 5000)))
    with pytest.raises(SubmissionError, match="太大"):
        read_answer_cells(path, ["a"], max_bytes=4000)


# ---------------------------------------------------------------- the fake assignment
@pytest.fixture
def fake(tmp_path, monkeypatch):
    return fakelab.install(tmp_path, monkeypatch)


def _grade(fake, sources: dict[str, str] | None = None, limits=FAST, isolation=None,
           path: Path | None = None) -> dict:
    if path is None:
        nb = corpus.read(fake.solution)
        path = fake.root.parent / "submission.ipynb"
        path.write_bytes(corpus.dump(corpus.with_sources(nb, sources or {})))
    report = harness.grade_batch(fakelab.NAME, [Submission("s", path)], limits,
                                 isolation=isolation)
    return report.results[0]


def test_harness_tests_are_the_source_test_cells_with_their_points(fake):
    spec = harness.load_assignment(fakelab.NAME)
    assert [(t.grade_id, t.points) for t in spec.tests] == [("test_scale_add", 3.0),
                                                            ("test_count_words", 2.0)]
    kinds = [c.kind for c in spec.tests[0].checks]
    assert kinds == ["公開", "公開", "公開", "隱藏"]
    assert spec.answer_ids == ["scale_add", "count_words"]
    # hidden expected values come from the reference (the source's answer cells)
    assert spec.tests[1].checks[-1].expected == ["b", "a", "c"]


def test_solution_full_marks_stub_zero(fake):
    sol = _grade(fake)
    assert (sol["status"], sol["score"], sol["max_score"]) == ("graded", 5.0, 5.0)
    assert all(t["passed"] and t["message"] == "" for t in sol["tests"])
    stub = _grade(fake, path=fake.stub)
    assert (stub["status"], stub["score"]) == ("graded", 0.0)
    assert "NotImplementedError" in stub["tests"][0]["message"]


def test_wrong_answer_names_the_mistake_and_costs_only_its_test(fake):
    res = _grade(fake, {"scale_add": "def scale_add(x, a, b):\n    return a * x\n"})
    assert res["score"] == 2.0
    scale, count = res["tests"]
    assert (scale["passed"], scale["points"], scale["max_points"]) == (False, 0.0, 3.0)
    assert "bias 項 b 可能漏加了" in scale["message"] and "only_b" in scale["message"]
    assert "only_a" not in scale["message"]  # only the failed checks are listed
    assert count["passed"]


def test_error_in_one_cell_does_not_stop_the_others(fake):
    res = _grade(fake, {"scale_add": "def scale_add(x, a, b):\n    return (\n"})
    assert res["score"] == 2.0 and "SyntaxError" in res["message"]


def test_a_hanging_check_costs_its_test_only(fake):
    loop = "def scale_add(x, a, b):\n    while True:\n        pass\n"
    res = _grade(fake, {"scale_add": loop})
    assert (res["status"], res["score"]) == ("graded", 2.0)
    assert "infinite loop" in res["tests"][0]["message"]
    assert "略過" in res["tests"][0]["message"]  # its other checks were skipped


def test_the_submission_time_limit_gives_status_timeout(fake):
    hang = "def {f}(*args, **kwargs):\n    while True:\n        try:\n            pass\n" \
           "        except BaseException:\n            pass\n"
    sources = {"scale_add": hang.format(f="scale_add"), "count_words": hang.format(
        f="count_words")}
    res = _grade(fake, sources, limits=Limits(timeout=4, memory_mb=1024, check_time=2.0))
    assert (res["status"], res["score"]) == ("timeout", 0.0)
    assert "時間限制" in res["message"]


def test_without_bubblewrap_the_report_says_so(fake, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "none")
    out = tmp_path / "r.json"
    assert main(["grade", fakelab.NAME, str(fake.solution), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["isolation"] == "none"
    assert any("WITHOUT" in w for w in report["warnings"])
    assert "WITHOUT the bubblewrap sandbox" in capsys.readouterr().err
    assert report["submissions"][0]["score"] == 5.0


def test_isolation_is_bubblewrap_where_it_works(fake):
    iso = detect_isolation()
    if iso.kind != "bwrap":
        pytest.skip("bubblewrap is not usable on this machine")
    assert not any(str(REPO) == b for b in iso.binds)  # never the repository root
    assert all(not Path(b).resolve().is_relative_to(REPO / "autograder") for b in iso.binds)


# ---------------------------------------------------------------- CLI and reports
def test_cli_writes_json_and_csv_like_nbgrader_export(fake, tmp_path, capsys):
    course = tmp_path / "course" / "submitted"
    for student, source in (("ann", fake.solution), ("ben", fake.stub)):
        folder = course / student / fakelab.NAME
        folder.mkdir(parents=True)
        (folder / f"{fakelab.NAME}.ipynb").write_bytes(source.read_bytes())
    (course / "cid" / fakelab.NAME).mkdir(parents=True)
    (course / "cid" / fakelab.NAME / f"{fakelab.NAME}.ipynb").write_bytes(b"\x00\x01binary")
    out_json, out_csv = tmp_path / "out" / "r.json", tmp_path / "out" / "r.csv"
    argv = ["grade", fakelab.NAME, str(tmp_path / "course"), "--json", str(out_json),
            "--csv", str(out_csv), "--jobs", "2", "--timeout", "20", "--memory", "1024"]
    assert main(argv) == 0
    report = json.loads(out_json.read_text())
    assert report["assignment"] == fakelab.NAME and report["isolation"] in ("bwrap", "none")
    subs = {s["student"]: s for s in report["submissions"]}
    assert {k: (s["status"], s["score"]) for k, s in subs.items()} == {
        "ann": ("graded", 5.0), "ben": ("graded", 0.0), "cid": ("error", 0.0)}
    assert set(subs["ann"]) == {"student", "path", "status", "score", "max_score", "message",
                                "tests"}
    assert set(subs["ann"]["tests"][0]) == {"name", "points", "max_points", "passed",
                                            "message"}
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == harness.CSV_COLUMNS
    assert [(r["student_id"], r["score"], r["max_score"], r["status"]) for r in rows] == [
        ("ann", "5.0", "5.0", "graded"), ("ben", "0.0", "5.0", "graded"),
        ("cid", "0.0", "5.0", "error")]
    assert "二進位" in rows[2]["message"]
    # a re-run overwrites cleanly and leaves no temporary file behind
    assert main(argv) == 0
    assert sorted(p.name for p in out_json.parent.iterdir()) == ["r.csv", "r.json"]
    assert "3 submissions" in capsys.readouterr().err


def test_reports_are_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        harness.write_atomic(target, "new" * 1000)
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))


@pytest.mark.parametrize("args,reason", [
    (["grade", "no_such_lab", "x.ipynb"], "unknown assignment"),
    (["grade"], "required"),
    (["grade", "ASSIGNMENT_PLACEHOLDER", "--jobs", "0", "x"], "--jobs"),
    (["frobnicate"], "invalid choice"),
])
def test_cli_misuse_exits_non_zero_with_one_line(args, reason):
    known = harness.known_assignments()
    args = [known[0] if a == "ASSIGNMENT_PLACEHOLDER" and known else a for a in args]
    done = _cli(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and reason in done.stderr, done.stderr


def test_cli_no_submissions_or_missing_path_is_misuse(tmp_path):
    known = harness.known_assignments()
    if not known:
        pytest.skip("no assignment in solutions/ yet")
    empty = _cli("grade", known[0], str(tmp_path))
    assert empty.returncode == 2 and "no submissions" in empty.stderr
    missing = _cli("grade", known[0], str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


# ---------------------------------------------------------------- one source of truth
@pytest.mark.slow
def test_harness_scores_equal_nbgrader_autograde(tmp_path):
    """The harness and nbgrader give the same score, test cell by test cell."""
    from autograder.course import ScratchCourse

    known = harness.known_assignments()
    name = "lab02_tokenize" if "lab02_tokenize" in known else (known or [None])[0]
    if name is None or not corpus.release_notebook(name).exists():
        pytest.skip("no released assignment yet")
    env = corpus.Env(tmp_path / "env", port=1, marker="1.5")
    wanted = ["solution", "stub", "stub_first_cell"] + [
        n for n, *_ in corpus.HANDWRITTEN.get(name, [])][:2]
    cases = {c.name: c for c in corpus.generic_cases(name, env) if c.name in wanted}
    course = ScratchCourse(tmp_path / "course")
    course.generate(name)
    subs = []
    for case in cases.values():
        path = tmp_path / "subs" / f"{case.name}.ipynb"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(case.data)
        course.submit(name, case.name, path)
        subs.append(Submission(case.name, path))
    ours = {r["student"]: r for r in harness.grade_batch(name, subs, FAST, jobs=2).results}
    for student in cases:
        theirs = course.autograde(name, student)
        mine = ours[student]
        failed = sorted(t["name"] for t in mine["tests"] if not t["passed"])
        assert (mine["score"], mine["max_score"], failed) == (
            theirs.score, theirs.max_score, sorted(theirs.failed_tests)), student


# ---------------------------------------------------------------- nothing secret ships
SHIPPED = [p for p in [*(REPO / "notebooks").rglob("*.ipynb"), *(REPO / "rnnlab").rglob("*.py")]
           if ".ipynb_checkpoints" not in p.parts]
FORBIDDEN = [re.compile(r"### BEGIN HIDDEN TESTS"), re.compile(r"### BEGIN SOLUTION"),
             re.compile(r"\brun_hidden\b"),
             re.compile(r"^\s*(from|import)\s+autograder\b", re.M)]


def _shipped_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                         for c in nb["cells"])
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(REPO)) for p in SHIPPED])
def test_no_hidden_test_marker_or_autograder_import_ships(path):
    text = _shipped_text(path)
    assert not [p.pattern for p in FORBIDDEN if p.search(text)]


def _solution_lines(assignment: str) -> list[str]:
    """The two longest code lines (comments dropped) of each solution region: distinctive
    enough that finding one in a shipped file means the solution shipped."""
    nb = corpus.read(reference.source_notebook(assignment))
    picked = []
    for gid in corpus.answer_ids(nb):
        regions, inside = [], False
        for line in corpus.source_of(nb, gid).splitlines():
            text = line.strip()
            text = text if text.startswith("#") else text.split("  #")[0].strip()
            if text == "### BEGIN SOLUTION":
                inside = True
                regions.append([])
            elif text == "### END SOLUTION":
                inside = False
            elif inside and text and not text.startswith("#"):
                regions[-1].append(text)
        for region in regions:
            picked += sorted(region, key=len, reverse=True)[:2]
    return [line for line in picked if len(line) >= 20]


# (shipped file, solution line) that are deliberate: a contract stated in the prose or a
# formula a failing check's hint spells out. Anything else found is a leak.
DELIBERATE = {
    # the cache format is the contract between forward and backward, stated to students
    ("notebooks/ch19_2_bptt/ch19_2_bptt.ipynb", "cache = (x_t, h_prev, Wx, Wh, b, h_next)"),
}


@pytest.mark.parametrize("assignment", harness.known_assignments())
def test_no_solution_line_ships(assignment):
    lines = _solution_lines(assignment)
    assert lines, "every answer cell has a solution region"
    shipped = {p: _shipped_text(p) for p in SHIPPED}
    leaks = {(str(p.relative_to(REPO)), line) for line in lines
             for p, text in shipped.items() if line in text}
    assert not leaks - DELIBERATE


def test_binds_are_mounted_over_the_private_tmp():
    """A course cloned below /tmp (as CI may do) must stay visible in the sandbox: the
    private /tmp is mounted before the read-only binds, never on top of them."""
    from autograder.sandbox import Child, Isolation, Limits

    child = object.__new__(Child)
    child.isolation = Isolation("bwrap", bwrap="/usr/bin/bwrap",
                                binds=["/tmp/ci/repo/.venv", "/tmp/ci/repo/rnnlab"])
    child.limits = Limits()
    argv = child._argv(info_fd=3)
    tmp = argv.index("/tmp")
    assert argv[tmp - 1] == "--tmpfs"
    for bind in child.isolation.binds:
        assert argv.index(bind) > tmp, f"{bind} would be hidden by the private /tmp"
