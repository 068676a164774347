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
def test_every_path_yields_a_submission_or_a_problem(tmp_path):
    """`grade ID submitted/bob/ID/ID.ipynb submitted/alice` grades both students; a folder
    with nothing to grade is reported, never skipped silently."""
    sub = tmp_path / "submitted"
    for student in ("alice", "bob"):
        (sub / student / "lab").mkdir(parents=True)
        (sub / student / "lab" / "lab.ipynb").write_text("{}")
    (tmp_path / "empty").mkdir()
    found, problems = discover([sub / "bob" / "lab" / "lab.ipynb", sub / "alice",
                                sub / "alice" / "lab", tmp_path / "empty"], "lab")
    assert [s.student for s in found] == ["bob", "alice"]
    assert len(problems) == 1 and str(tmp_path / "empty") in problems[0]
    assert "no submission of lab" in problems[0]


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
           path: Path | None = None):
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
    assert kinds == ["public", "public", "public", "public", "hidden"]
    assert spec.answer_ids == ["scale_add", "count_words"]
    # hidden expected values come from the reference (the source's answer cells)
    assert spec.tests[1].checks[-1].expected == ["b", "a", "c"]
    # a hidden check shows the message of the public check it re-tests
    assert spec.tests[0].checks[-1].message == spec.tests[0].checks[3].message


def test_solution_full_marks_stub_zero(fake):
    sol = _grade(fake)
    assert (sol.status, sol.score, sol.max_score) == ("graded", 5.0, 5.0)
    assert [t.feedback for t in sol.tests] == [
        ["✓ test_scale_add：3/3 分（5 項檢查全部通過）"],
        ["✓ test_count_words：2/2 分（2 項檢查全部通過）"]]
    stub = _grade(fake, path=fake.stub)
    assert (stub.status, stub.score) == ("graded", 0.0)
    assert stub.tests[0].feedback[1] == (
        "  函式 scale_add 還沒完成：請把 `raise NotImplementedError()` 換成你的程式碼")


def test_wrong_answer_earns_partial_credit_and_names_the_mistake(fake):
    res = _grade(fake, {"scale_add": "def scale_add(x, a, b):\n    return a * x\n"})
    scale, count = res.tests
    # shape and only_a pass; only_b, all_terms and its hidden re-test fail: 2 of 5 checks
    assert (scale.passed, scale.points, scale.max_points) == (False, 1.2, 3.0)
    assert res.score == 3.2 and count.passed
    assert scale.feedback[0] == "✗ test_scale_add：1.2/3 分（2/5 項檢查通過）"
    assert scale.feedback[1] == "  - 只有 b 非零時結果不對：bias 項 b 可能漏加了。"
    assert scale.feedback[2].startswith("    細節：數值不同")
    assert scale.feedback[3] == "  - a 與 b 都非零時結果不對：應為 a * x + b。"
    assert len(scale.feedback) == 5, "the hidden re-test repeats a cause already shown"
    assert scale.public_points == 1.5  # what the student's notebook showed: 2 of 4 public


def test_error_in_one_cell_does_not_stop_the_others(fake):
    res = _grade(fake, {"scale_add": "def scale_add(x, a, b):\n    return (\n"})
    assert res.score == 2.0 and "SyntaxError" in res.message


@pytest.mark.slow  # waits for time limits or starts the CLI: kept out of test-fast
def test_a_hanging_check_costs_its_test_only(fake):
    loop = "def scale_add(x, a, b):\n    while True:\n        pass\n"
    res = _grade(fake, {"scale_add": loop})
    assert (res.status, res.score) == ("graded", 2.0)
    assert "infinite loop" in res.tests[0].message
    assert len(res.tests[0].feedback) == 2, "the loop is said once; skipped checks are not"


@pytest.mark.slow  # waits for time limits or starts the CLI: kept out of test-fast
def test_the_submission_time_limit_gives_status_timeout(fake):
    hang = "def {f}(*args, **kwargs):\n    while True:\n        try:\n            pass\n" \
           "        except BaseException:\n            pass\n"
    sources = {"scale_add": hang.format(f="scale_add"), "count_words": hang.format(
        f="count_words")}
    res = _grade(fake, sources, limits=Limits(timeout=4, memory_mb=1024, check_time=2.0))
    assert (res.status, res.score) == ("timeout", 0.0)
    assert "時間限制" in res.message


def test_without_a_sandbox_grading_is_refused_unless_asked_for(fake, tmp_path, capsys,
                                                                monkeypatch):
    """No silent fallback: without bubblewrap the CLI refuses (exit 2, one line), and grades
    with --unsandboxed, saying so in the report and on stderr."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no bwrap on PATH
    out = tmp_path / "r.json"
    assert main(["grade", fakelab.NAME, str(fake.solution), "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert "sandbox is unusable" in err and "--unsandboxed" in err and not out.exists()
    assert main(["grade", fakelab.NAME, str(fake.solution), "--json", str(out),
                 "--unsandboxed"]) == 0
    report = json.loads(out.read_text())
    assert report["isolation"] == "none" and report["sandbox"]["kind"] == "none"
    assert any("WITHOUT" in w for w in report["warnings"])
    assert "WITHOUT the bubblewrap sandbox" in capsys.readouterr().err
    assert report["submissions"][0]["score"] == 5.0


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
    assert report["assignment"] == fakelab.NAME and report["isolation"] == "bwrap"
    assert report["sandbox"]["capabilities"] == "none" and report["sandbox"]["uid_inside"]
    subs = {s["student"]: s for s in report["submissions"]}
    assert {k: (s["status"], s["score"]) for k, s in subs.items()} == {
        "ann": ("graded", 5.0), "ben": ("graded", 0.0), "cid": ("error", 0.0)}
    assert set(subs["ann"]) == {"student", "path", "status", "score", "max_score", "message",
                                "timestamp", "tests"}
    assert set(subs["ann"]["tests"][0]) == {"name", "points", "max_points", "passed",
                                            "message", "feedback", "public_points", "checks"}
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == harness.CSV_COLUMNS
    assert [(r["student_id"], r["score"], r["max_score"], r["status"], r["isolation"])
            for r in rows] == [("ann", "5.0", "5.0", "graded", "bwrap"),
                               ("ben", "0.0", "5.0", "graded", "bwrap"),
                               ("cid", "0.0", "5.0", "error", "bwrap")]
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
    """The installed CLI, as an instructor runs it (no PYTHONPATH: `make setup` installed
    the instructor package in the venv)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.slow  # waits for time limits or starts the CLI: kept out of test-fast
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


@pytest.mark.slow  # waits for time limits or starts the CLI: kept out of test-fast
def test_cli_no_submissions_or_missing_path_is_misuse(tmp_path):
    known = harness.known_assignments()
    if not known:
        pytest.skip("no assignment in solutions/ yet")
    empty = _cli("grade", known[0], str(tmp_path))
    assert empty.returncode == 2 and "no submission of" in empty.stderr
    missing = _cli("grade", known[0], str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


# ---------------------------------------------------------------- one source of truth
TOKENIZE_NOT_LOWER = """FILTERS = '!"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n'


def tokenize(text, filters=FILTERS, lower=True):
    table = str.maketrans({ch: " " for ch in filters})
    return [word for word in text.translate(table).split(" ") if word]  # never lowercased
"""


@pytest.mark.slow
def test_partial_credit_is_the_same_in_nbgrader_and_the_harness(tmp_path):
    """Cell by cell, on a solution, a stub and submissions with one mistake each:
    nbgrader's gradebook (the trust path: sandbox verdicts), the harness, and the test
    cells computed in a plain kernel by nbgrader's stock pipeline all agree."""
    from autograder.course import ScratchCourse

    name = "lab02_tokenize"
    sol = corpus.read(reference.source_notebook(name))
    stub = corpus.read(corpus.release_notebook(name))
    first = corpus.answer_ids(sol)[0]
    notebooks = {"solution": sol, "stub": stub,
                 "first_cell_stub": corpus.with_sources(sol, {
                     first: corpus.source_of(stub, first)}),
                 "tokenize_not_lower": corpus.with_sources(sol, {"tokenize": TOKENIZE_NOT_LOWER}),
                 "pad_post_always": corpus.with_sources(
                     sol, {"pad_sequences": corpus.PAD_POST_ALWAYS})}
    trusted, kernel = ScratchCourse(tmp_path / "trusted"), ScratchCourse(
        tmp_path / "kernel", kernel_grades=True)
    subs = []
    for course in (trusted, kernel):
        course.generate(name)
    for student, nb in notebooks.items():
        path = tmp_path / "subs" / f"{student}.ipynb"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(corpus.dump(nb))
        subs.append(Submission(student, path))
        for course in (trusted, kernel):
            course.submit(name, student, path)
    ours = {r.student: r for r in harness.grade_batch(name, subs, FAST, jobs=2).results}
    partial = 0
    for student in notebooks:
        mine = {t.name: t.points for t in ours[student].tests}
        assert trusted.autograde(name, student).points == mine, student
        assert kernel.autograde(name, student).points == mine, student
        partial += any(0 < p < t.max_points for p, t in zip(mine.values(),
                                                             ours[student].tests))
    assert partial >= 2, "the one-mistake submissions earn partial credit"


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
    ("notebooks/ch19_2_bptt/ch19_2_bptt.ipynb", "cache = (x, h0, Wx, Wh, b, h)"),
}


@pytest.mark.parametrize("assignment", harness.known_assignments())
def test_no_solution_line_ships(assignment):
    lines = _solution_lines(assignment)
    assert lines, "every answer cell has a solution region"
    shipped = {p: _shipped_text(p) for p in SHIPPED}
    leaks = {(str(p.relative_to(REPO)), line) for line in lines
             for p, text in shipped.items() if line in text}
    assert not leaks - DELIBERATE


# ---------------------------------------------------------------- the sandbox, from inside
INSIDE = '''
import ctypes, os, socket
status = open("/proc/self/status").read()
field = lambda name: status.split(name + ":")[1].split()
libc = ctypes.CDLL(None, use_errno=True)
REPORT = {"uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(),
          "cap_eff": int(field("CapEff")[0], 16), "cap_prm": int(field("CapPrm")[0], 16),
          "cap_bnd": int(field("CapBnd")[0], 16), "no_new_privs": int(field("NoNewPrivs")[0])}
REPORT["remount"] = [libc.mount(None, p.encode(), None, 32 | 4096, None)
                     for p in PATHS_TO_REMOUNT]
REPORT["userns"] = libc.unshare(0x10000000)
written = []
for folder in PATHS_TO_WRITE:
    try:
        with open(os.path.join(folder, "probe-write.txt"), "w") as f:
            f.write("x")
        written.append(folder)
    except OSError:
        pass
REPORT["written"] = written
seen = {}
for path in PATHS_TO_HIDE:
    try:
        seen[path] = sorted(os.listdir(path))
    except OSError as exc:
        seen[path] = exc.strerror
REPORT["hidden"] = seen
try:
    socket.create_connection(("127.0.0.1", HOST_PORT), timeout=2).close()
    REPORT["network"] = True
except OSError:
    REPORT["network"] = False
'''


def _inside(iso, tmp_path, protect=(), hide=(), write=(), remount=()) -> dict:
    """What a submission's code sees and can do inside the sandbox (run by the real Child)."""
    import socket

    from autograder.sandbox import Child

    listener = socket.create_server(("127.0.0.1", 0))
    source = (f"PATHS_TO_REMOUNT = {list(remount)!r}\nPATHS_TO_WRITE = {list(write)!r}\n"
              f"PATHS_TO_HIDE = {list(hide)!r}\nHOST_PORT = {listener.getsockname()[1]}\n"
              + INSIDE)
    with Child(iso, FAST, protect=tuple(protect)) as child:
        reply = child.call({"op": "exec", "name": "probe", "source": source,
                            "time_limit": 10}, 30)
        assert reply["ok"], reply
        out = child.call({"op": "probe", "code": "out = REPORT", "name": "report",
                          "inputs": wire.encode({}), "time_limit": 10}, 30)
    listener.close()
    assert out["ok"], out
    return wire.decode(out["out"])


@pytest.fixture(scope="module")
def isolation():
    from autograder.tests import usable_isolation

    return usable_isolation()


def test_sandboxed_code_has_no_privilege_whoever_grades(isolation, tmp_path):
    """Graded as root or not: uid/gid 65534, no capability at all, no_new_privs, no user
    namespace to regain one, no remount, nothing writable but its private /tmp, no
    network."""
    import site

    binds = [*isolation.binds, "/usr", *site.getsitepackages()]
    inside = _inside(isolation, tmp_path, remount=binds + ["/"],
                     write=binds + ["/", "/opt", "/dev", "/proc/1", "/tmp", "/sandbox"])
    assert (inside["uid"], inside["gid"], inside["euid"]) == (65534, 65534, 65534)
    assert inside["cap_eff"] == inside["cap_prm"] == inside["cap_bnd"] == 0
    assert inside["no_new_privs"] == 1
    assert all(code != 0 for code in inside["remount"]), inside["remount"]
    if isolation.disable_userns:
        assert inside["userns"] != 0
    assert inside["written"] == ["/tmp", "/sandbox"]
    assert inside["network"] is False
    assert not list(Path(b).glob("probe-write.txt") for b in binds if False)


def test_protected_paths_stay_hidden_even_inside_system_binds(isolation, tmp_path):
    """A course cloned under /usr/src/app is inside the /usr bind: it is covered by an empty
    folder, while a venv and rnnlab inside it stay usable."""
    if os.geteuid() != 0:
        pytest.skip("needs root to write below /usr")
    import uuid

    course = Path("/usr/src") / f"rnnlab-test-{uuid.uuid4().hex[:8]}"
    try:
        (course / "solutions").mkdir(parents=True)
        (course / "solutions" / "secret.txt").write_text("the solution")
        (course / "venv-like").mkdir()
        (course / "venv-like" / "ok.txt").write_text("visible")
        iso = detect_isolation(protect=(course,))
        iso.binds.append(str(course / "venv-like"))  # as a venv inside the course would be
        inside = _inside(iso, tmp_path, protect=(course,),
                         hide=[str(course), str(course / "solutions"), str(course / "venv-like")])
        assert str(course) in iso.hidden
        assert inside["hidden"][str(course)] == ["venv-like"], inside["hidden"]
        assert inside["hidden"][str(course / "solutions")] == "No such file or directory"
        assert inside["hidden"][str(course / "venv-like")] == ["ok.txt"]
    finally:
        import shutil

        shutil.rmtree(course, ignore_errors=True)


@pytest.mark.slow
def test_a_course_cloned_under_usr_src_hides_its_solutions(tmp_path):
    """The whole course copied to /usr/src/<x> (as in many containers) and graded from there:
    a submission that tries to read the solutions and hidden checks earns exactly what its
    code earns, and the report leaks nothing."""
    if os.geteuid() != 0:
        pytest.skip("needs root to write below /usr")
    import shutil
    import uuid

    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    course = Path("/usr/src") / f"ch19-clone-{uuid.uuid4().hex[:8]}"
    try:
        for name in filter(None, files):
            if (REPO / name).is_file():
                (course / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / name, course / name)
        secrets = [str(course / "solutions" / "lab02_tokenize" / "lab02_tokenize.ipynb"),
                   str(course / "autograder" / "hidden" / "lab02_tokenize.py")]
        nb = corpus.read(course / "solutions" / "lab02_tokenize" / "lab02_tokenize.ipynb")
        first = corpus.answer_ids(nb)[0]
        attack = corpus.read_secrets(secrets) + reference.strip_markers(
            corpus.source_of(nb, first))
        sub = tmp_path / "mallory.ipynb"
        sub.write_bytes(corpus.dump(corpus.with_sources(nb, {first: attack})))
        out = tmp_path / "r.json"
        env = dict(os.environ, PYTHONPATH=str(course))
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", "lab02_tokenize",
                               str(sub), "--json", str(out)], cwd=course, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        report = json.loads(out.read_text())
        assert str(course) in report["sandbox"]["hidden"]
        assert report["submissions"][0]["score"] == 10.0, report["submissions"][0]["message"]
        assert "LEAKED" not in out.read_text()
    finally:
        shutil.rmtree(course, ignore_errors=True)


@pytest.mark.slow
def test_the_hostile_corpus_as_an_ordinary_user(tmp_path):
    """The grader started by an ordinary user (uid 65534): bubblewrap is then unprivileged
    itself; the privilege, secret-reading and file-writing attacks fail the same way. The
    user gets a venv of its own from the system's Python (this machine's Python lives in
    root's home), with the pinned grading packages, and the course on PYTHONPATH."""
    import shutil
    import tempfile

    from autograder.gradescope import requirements_text

    system = next((p for p in ("/usr/bin/python3.11", "/usr/bin/python3.12",
                               "/usr/bin/python3.13") if Path(p).exists()), None)
    if os.geteuid() != 0 or not shutil.which("setpriv") or system is None:
        pytest.skip("needs root (to become an ordinary user), setpriv and a system Python")
    world = Path(tempfile.mkdtemp(prefix="ordinary-user-", dir="/tmp"))
    world.chmod(0o755)  # pytest's own tmp is root-only
    user = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    try:
        (world / "requirements.txt").write_text(requirements_text(REPO / "requirements.lock"))
        subprocess.run([system, "-m", "venv", str(world / "venv")], check=True)
        subprocess.run([str(world / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                        "-r", str(world / "requirements.txt")], check=True, timeout=900)
        env = corpus.Env(world / "env", port=1, marker="4242.75")
        cases = {c.name: c for c in corpus.generic_cases("lab02_tokenize", env)}
        names = ["solution", "stub_first_cell", "remount_and_plant", "open_by_handle",
                 "read_secrets", "write_files"]
        for name in names:
            (world / f"{name}.ipynb").write_bytes(cases[name].data)
        for path in world.rglob("*"):
            path.chmod(path.stat().st_mode | 0o044 | (0o011 if path.is_dir() else 0))
        (world / "out").mkdir(mode=0o777)
        (world / "out").chmod(0o777)
        out = world / "out" / "report.json"
        done = subprocess.run(
            [*user, str(world / "venv" / "bin" / "python"), "-m", "autograder", "grade",
             "lab02_tokenize", *[str(world / f"{n}.ipynb") for n in names], "--json", str(out)],
            capture_output=True, text=True, timeout=900, cwd=world / "out",
            env=dict(os.environ, PYTHONPATH=str(REPO), HOME=str(world / "out")))
        text = out.read_text() if out.exists() else ""
    finally:
        shutil.rmtree(world, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(text)
    assert report["isolation"] == "bwrap" and report["sandbox"]["uid_outside"] == 65534
    scores = {s["student"]: s["score"] for s in report["submissions"]}
    full = scores["solution"]
    assert full == 10 and 0 < scores["stub_first_cell"] < full
    for name in ("remount_and_plant", "open_by_handle", "read_secrets", "write_files"):
        assert scores[name] == full, (name, scores)
    assert "LEAKED" not in text and "PLANTED" not in text


def test_the_sandboxed_command_is_the_process_put_in_the_pids_cgroup(isolation):
    """bubblewrap runs the worker as pid 1 (no reaper): the pid it reports is the worker's,
    which enters the pids cgroup before any student code, so every fork is counted."""
    from autograder.sandbox import Child

    with Child(isolation, FAST) as child:
        reply = child.call({"op": "probe", "code": "import os\nout = [os.getpid(), os.getppid()]",
                            "name": "pid", "inputs": wire.encode({}), "time_limit": 5}, 30)
        assert wire.decode(reply["out"]) == [1, 0]
        if child._cgroup is not None:
            assert child.pid in child._cgroup.pids()
