"""Submissions with their expected outcomes: right, wrong, tricky, hostile and malformed.

Generic cases are derived from each assignment's source notebook (the solution) and its
release (the stub), so an assignment is covered as soon as ``solutions/<id>/`` and
``notebooks/<id>/`` exist. The hostile ones attack the first answer cell (or the first
function it defines) of a solution; their score must equal that of the honest
"oracle" case that simply leaves the same cell or function unimplemented
(``same:stub_first_cell`` / ``same:stub_first_function``). Hand-written right and wrong
answers of each assignment, with the points they must get, are in ``cases/<id>.py``.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import reference

REPO = Path(__file__).resolve().parents[2]
STUB_BODY = "# 請在這裡寫下你的程式碼 (YOUR CODE HERE)\nraise NotImplementedError()"
SAME_CELL = "same:stub_first_cell"
SAME_FUNCTION = "same:stub_first_function"


@dataclass(frozen=True)
class Expect:
    """``score``: a number, "full", "zero", "partial", "not_full" (less than the maximum:
    zero when every test depends on that function), "same:<case>" (equal score and
    equal failed tests) or "at_most:<case>" (no more than that case); ``needs``: "bwrap"
    or "pids" when only a sandbox / a process limit makes the outcome hold (the case is
    skipped elsewhere)."""

    status: str = "graded"
    score: float | str | None = None
    failed: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()
    message: tuple[str, ...] = ()
    test_message: tuple[tuple[str, str], ...] = ()
    needs: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: Expect
    about: str


@dataclass
class Env:
    """Host-side targets of the hostile cases (all in a throw-away folder)."""

    root: Path
    port: int  # a TCP port listening on the host's 127.0.0.1
    marker: str  # the argv of background processes a case leaves behind, e.g. "4242.25"
    canary: Path = field(init=False)
    report: Path = field(init=False)

    def __post_init__(self):
        (self.root / "canaries").mkdir(parents=True, exist_ok=True)
        self.canary = self.root / "canaries" / "canary.txt"
        self.canary.write_text("canary")
        self.report = self.root / "reports" / "report.json"


# ---------------------------------------------------------------- notebook surgery
def read(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def dump(nb: dict) -> bytes:
    return json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8")


def grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def source_of(nb: dict, gid: str) -> str:
    for cell in nb["cells"]:
        if grade_id(cell) == gid:
            src = cell["source"]
            return "".join(src) if isinstance(src, list) else src
    raise KeyError(gid)


def with_sources(nb: dict, sources: dict[str, str]) -> dict:
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if grade_id(cell) in sources:
            cell["source"] = sources[grade_id(cell)]
    return out


def without_cell(nb: dict, gid: str) -> dict:
    out = copy.deepcopy(nb)
    out["cells"] = [c for c in out["cells"] if grade_id(c) != gid]
    return out


def renamed(nb: dict, gid: str, new: str) -> dict:
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if grade_id(cell) == gid:
            cell["metadata"]["nbgrader"]["grade_id"] = new
    return out


def make_stub(source: str) -> str:
    """An answer cell with its solution regions replaced by nbgrader's stub."""
    pattern = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION\n?",
                         re.S | re.M)
    return pattern.sub(lambda m: "".join(f"{m.group(1)}{line}\n"
                                         for line in STUB_BODY.splitlines()), source + "\n")


def first_function(source: str) -> str:
    tree = ast.parse(reference.strip_markers(source))
    return next(n.name for n in tree.body if isinstance(n, ast.FunctionDef))


def answer_ids(nb: dict) -> list[str]:
    return [grade_id(c) for c in nb["cells"]
            if c.get("cell_type") == "code"
            and c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and not c["metadata"]["nbgrader"].get("grade")]


def test_ids(nb: dict) -> list[str]:
    return [grade_id(c) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")
            and not c["metadata"]["nbgrader"].get("solution")]


# ---------------------------------------------------------------- hostile code
LOOP = "while True:\n    pass\n"
LOOP_UNSTOPPABLE = (
    "while True:  # swallows the alarm: only the parent's kill ends it\n"
    "    try:\n"
    "        while True:\n"
    "            pass\n"
    "    except BaseException:\n"
    "        pass\n"
)
MEMORY_BOMB = "import numpy as _np\n_hog = []\nwhile True:\n    _hog.append(_np.empty(2**27))\n"
FORK_BOMB = "import os as _os\nwhile True:\n    _os.fork()\n"
SYS_EXIT = "import sys as _sys\n_sys.exit('bye')\n"
OS_EXIT = "import os as _os\n_os._exit(3)\n"
NOISE = ("import os as _os, sys as _sys\n_os.write(1, b'x' * 3_000_000)\n"
         "print('y' * 3_000_000)\n_sys.stderr.write('z' * 100_000)\n")
MAGICS = "%matplotlib inline\n!echo hello\n"
ALWAYS_EQUAL = '''
class _AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def {f}(*args, **kwargs):
    return _AlwaysEqual()
'''
NDARRAY_SUBCLASS = '''
import numpy as _np


class _Cheat(_np.ndarray):
    def __eq__(self, other):
        return _np.ones(_np.shape(other), dtype=bool)


def {f}(*args, **kwargs):
    return _np.zeros(3).view(_Cheat)
'''
MONKEYPATCH = '''import numpy as np
import numpy.testing
import rnnlab.checking as _rc

np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda *a, **k: np.True_
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
_rc.compare = lambda *a, **k: None
_rc.judge = lambda check, out, expected: _rc.Result(check.name, True)
_rc.to_plain = lambda value, _depth=0: value
'''
LOOP_IN_FUNCTION = "\n\ndef {f}(*args, **kwargs):\n    while True:\n        pass\n"
MEMORY_IN_FUNCTION = ("\n\ndef {f}(*args, **kwargs):\n    hog = []\n    while True:\n"
                      "        hog.append(bytearray(2**26))\n")
OS_EXIT_IN_FUNCTION = "\n\ndef {f}(*args, **kwargs):\n    import os\n    os._exit(0)\n"
NOT_IMPLEMENTED = "\n\ndef {f}(*args, **kwargs):\n    raise NotImplementedError()\n"
# a one-mistake lab02 submission's pad_sequences, shared by the tests that compare outputs
PAD_POST_ALWAYS = """import numpy as np


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    maxlen = max((len(s) for s in sequences), default=0) if maxlen is None else maxlen
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for row, seq in enumerate(sequences):
        kept = list(seq)[-maxlen:] if truncating == "pre" else list(seq)[:maxlen]
        out[row, :len(kept)] = kept  # always post-padded
    return out
"""
PATCH_WHEN_CALLED = '''


def {f}(*args, **kwargs):
    """Does nothing right, but rewrites what a probe would compare with, when called."""
    import builtins
    import numpy
    import rnnlab.checking
    numpy.array_equal = numpy.allclose = lambda *a, **k: True
    numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), bool)
    builtins.isinstance = lambda *a: True
    rnnlab.checking.compare = lambda *a, **k: None
    return None
'''


FORGED_REPLIES = '''import json as _json, os as _os
_lines = b"".join(
    _json.dumps({"id": i, "ok": True, "slow": False, "out": 0, "error": None}).encode() + b"\\n"
    for i in range(1, 400))
for _fd in range(3, 12):  # the worker's protocol pipe is one of these
    try:
        _os.write(_fd, _lines)
    except OSError:
        pass
'''


def remount_and_plant(env: Env) -> str:
    """Root's first move in a careless sandbox: make the read-only binds writable (directly,
    or from a new user namespace) and drop a .pth file that every later Python process of
    the venv would run, the grader's included."""
    return f'''import ctypes as _ct, os as _os, site as _site, sys as _sys
_libc = _ct.CDLL(None, use_errno=True)
_MS_REMOUNT, _MS_BIND = 32, 4096
_rnnlab = _os.path.dirname(__import__("rnnlab").__file__)
_targets = [*_site.getsitepackages(), _rnnlab, _sys.base_prefix, "/usr"]
with open("/proc/self/mountinfo") as _f:  # every mount point, whatever the binds are
    _targets += [_line.split()[4] for _line in _f]
for _p in _targets:
    _libc.mount(None, _p.encode(), None, _MS_REMOUNT | _MS_BIND, None)
if _libc.unshare(0x10000000 | 0x00020000) == 0:  # CLONE_NEWUSER | CLONE_NEWNS
    for _p in _targets:
        _libc.mount(None, _p.encode(), None, _MS_REMOUNT | _MS_BIND, None)
_planted = []
for _p in _site.getsitepackages():
    try:
        with open(_os.path.join(_p, "zz_pwned_{env.marker}.pth"), "w") as _f:
            _f.write("import os\\n")
        _planted.append(_p)
    except OSError:
        pass
try:
    with open(_os.path.join(_rnnlab, "pwned_{env.marker}.py"), "w") as _f:
        _f.write("x = 1\\n")
    _planted.append("rnnlab")
except OSError:
    pass
if _planted:
    raise RuntimeError("PLANTED " + " ".join(_planted))
'''


OPEN_BY_HANDLE = '''import ctypes as _ct, os as _os
_libc = _ct.CDLL(None, use_errno=True)


class _Handle(_ct.Structure):
    _fields_ = [("handle_bytes", _ct.c_uint), ("handle_type", _ct.c_int),
                ("f_handle", _ct.c_ubyte * 128)]


_h = _Handle(handle_bytes=128)
_mount_id = _ct.c_int()
_path = _os.path.join(_os.path.dirname(__import__("rnnlab").__file__), "__init__.py")
if _libc.name_to_handle_at(-100, _path.encode(), _ct.byref(_h), _ct.byref(_mount_id), 0) == 0:
    _mount = _os.open(_os.path.dirname(_path), _os.O_RDONLY)  # a file of the same filesystem
    _fd = _libc.open_by_handle_at(_mount, _ct.byref(_h), _os.O_RDONLY)
    if _fd >= 0:  # a handle opens a file whatever the mount namespace hides
        raise RuntimeError("OPENED BY HANDLE: CAP_DAC_READ_SEARCH inside the sandbox")
'''


def read_secrets(paths: list[str]) -> str:
    return f'''_stolen = []
for _p in {paths!r}:
    try:
        with open(_p, "rb") as _f:
            _stolen.append(_p + ": " + _f.read(400).decode("utf-8", "replace"))
    except OSError:
        pass
if _stolen:
    raise RuntimeError("LEAKED " + " | ".join(_stolen))
'''


def write_files(env: Env) -> str:
    targets = [str(env.canary), str(env.report), f"../escape-{env.marker}.txt",
               f"/tmp/../escape-{env.marker}.txt", str(env.root / f"escape-{env.marker}.txt")]
    return f'''import os as _os, shutil as _sh
for _p in {targets!r}:
    try:
        with open(_p, "w") as _f:
            _f.write("pwned")
    except OSError:
        pass
for _p in [{str(env.canary)!r}]:
    try:
        _os.remove(_p)
    except OSError:
        pass
_sh.rmtree({str(env.canary.parent)!r}, ignore_errors=True)
'''


def network(env: Env) -> str:
    return f'''import socket as _socket
for _addr in [("127.0.0.1", {env.port}), ("1.1.1.1", 53)]:
    try:
        _socket.create_connection(_addr, timeout=2).close()
    except OSError:
        continue
    raise RuntimeError(f"NETWORK REACHABLE {{_addr}}")
'''


def background(env: Env) -> str:
    return f'''import os as _os, subprocess as _sp
_sp.Popen(["sleep", "{env.marker}1"], start_new_session=True,
          stdout=_sp.DEVNULL, stderr=_sp.DEVNULL)
if _os.fork() == 0:
    _os.setsid()
    if _os.fork() == 0:
        _os.execv("/bin/sleep", ["sleep", "{env.marker}2"])
    _os._exit(0)
'''


# ---------------------------------------------------------------- the generic corpus
def first_graded_cell(assignment: str, nb: dict, answers: list[str]) -> str:
    """The first answer cell that a test cell grades (a check calls one of its functions):
    Lab03's first cells are pastes of earlier notebooks, checked but not graded there."""
    import importlib

    module = importlib.import_module(f"rnnlab.checks.{assignment}")
    code = "\n".join(c.code for checks in module.CHECKS.values() for c in checks)
    for gid in answers:
        names = re.findall(r"^def (\w+)\(", source_of(nb, gid), flags=re.M)
        if any(re.search(rf"\b{n}\(", code) for n in names):
            return gid
    return answers[0]


def release_notebook(assignment: str) -> Path:
    return REPO / "notebooks" / assignment / f"{assignment}.ipynb"


def generic_cases(assignment: str, env: Env, solution: Path | None = None,
                  stub: Path | None = None, others: list[str] = ()) -> list[Case]:
    """Every generic case of ``assignment`` (``others``: another student's submission
    files, which a hostile case tries to read)."""
    solution = Path(solution or reference.source_notebook(assignment))
    stub = Path(stub or release_notebook(assignment))
    sol = read(solution)
    answers = answer_ids(sol)
    first = first_graded_cell(assignment, sol, answers)
    first_src = source_of(sol, first)
    if stub.exists():
        stub_nb = read(stub)
        stub_first = source_of(stub_nb, first)
    else:  # no release yet: build the stub ourselves
        stub_nb = with_sources(sol, {g: make_stub(source_of(sol, g)) for g in answers})
        stub_first = make_stub(first_src)
    f = first_function(first_src)
    sol_first = reference.strip_markers(first_src) + "\n"

    def cell(src: str) -> bytes:
        return dump(with_sources(sol, {first: src}))

    hidden = REPO / "autograder" / "hidden" / f"{assignment}.py"
    secrets = [str(solution), str(hidden), str(REPO / "autograder" / "reference.py"),
               str(env.report), *others]
    v3 = nbformat.writes(nbformat.convert(nbformat.read(solution, as_version=4), 3))
    huge = copy.deepcopy(sol)
    huge["cells"].append({"cell_type": "code", "execution_count": 1, "metadata": {},
                          "source": "print('x' * 10)", "outputs": [
                              {"output_type": "stream", "name": "stdout",
                               "text": "x" * (12 * 2**20)}]})
    forged = copy.deepcopy(sol)
    for c in forged["cells"]:
        meta = c.get("metadata", {}).get("nbgrader")
        if meta and meta.get("grade"):
            meta["points"] = 1000
            c["source"] = "pass"
        elif meta and grade_id(c) == first:
            meta.update(grade=True, points=1000)
    duplicate = copy.deepcopy(sol)
    duplicate["cells"].append({"cell_type": "code", "execution_count": None, "outputs": [],
                               "metadata": {"nbgrader": {"grade_id": first, "solution": True,
                                                         "grade": False, "locked": False}},
                               "source": OS_EXIT})
    full, zero = Expect(score="full"), Expect(score="zero")
    C = Case  # noqa: N806 - short constructor for the table below
    cases = [
        C("solution", dump(sol), full, "the source notebook itself"),
        C("stub", dump(stub_nb), zero, "the release, nothing implemented"),
        C("stub_first_cell", cell(stub_first), Expect(score="not_full"),
          "oracle: first graded answer cell left as in the release"),
        C("stub_first_function", cell(sol_first + NOT_IMPLEMENTED.format(f=f)),
          Expect(score="not_full"), "oracle: first graded function raises NotImplementedError"),
        # malformed files
        C("empty", b"", Expect("error", 0, message=("空",)), "empty file"),
        C("not_json", b"print('hello')\n{", Expect("error", 0, message=("JSON",)), "text"),
        C("truncated", dump(sol)[:5000], Expect("error", 0, message=("JSON",)), "cut short"),
        C("json_not_notebook", b'{"hello": "world"}', Expect("error", 0, message=("notebook",)),
          "JSON without cells"),
        C("json_list", b"[1, 2, 3]", Expect("error", 0, message=("notebook",)), "a JSON list"),
        C("binary", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64,
          Expect("error", 0, message=("二進位",)), "a PNG-like binary"),
        C("deeply_nested", b"[" * 100_000 + b"]" * 100_000, Expect("error", 0),
          "JSON nested beyond the parser's recursion limit"),
        C("nbformat_5", dump(dict(sol, nbformat=5)), Expect("error", 0, message=("nbformat",)),
          "a future nbformat"),
        C("nbformat_v3", v3.encode("utf-8"), Expect(score="full", message=("nbformat 3",)),
          "old nbformat 3, converted"),
        C("huge_outputs", dump(huge), full, "12 MB of outputs: still graded"),
        C("cell_deleted", dump(without_cell(sol, first)),
          Expect(score=SAME_CELL, message=("找不到答案 cell",)), "first answer cell deleted"),
        C("grade_id_renamed", dump(renamed(sol, first, first + "_mine")),
          Expect(score=SAME_CELL, message=("找不到答案 cell",)), "first answer cell renamed"),
        C("forged_metadata", dump(forged), full,
          "test cells emptied and worth 1000 points, answer cell marked graded"),
        C("duplicate_grade_id", dump(duplicate), Expect(score="full", message=("多個",)),
          "a second cell claims the first answer cell's grade_id (first one wins)"),
        C("magics", cell(MAGICS + sol_first), full, "IPython magics in an answer cell"),
        C("noisy_output", cell(NOISE + sol_first), full, "megabytes of output on fd 1 and 2"),
        # hostile: answer cell
        C("loop_at_import", cell(LOOP + sol_first),
          Expect(score=SAME_CELL, message=("infinite loop",)), "infinite loop at import"),
        C("loop_at_import_unstoppable", cell(LOOP_UNSTOPPABLE + sol_first),
          Expect(score=SAME_CELL, message=("infinite loop",)),
          "an infinite loop that swallows the alarm"),
        C("memory_bomb_at_import", cell(MEMORY_BOMB + sol_first),
          Expect(score=SAME_CELL, message=("MemoryError",)), "allocates until the limit"),
        C("fork_bomb", cell(FORK_BOMB + sol_first), Expect(score=SAME_CELL, needs="pids"),
          "while True: os.fork()"),
        C("sys_exit", cell(SYS_EXIT + sol_first),
          Expect(score=SAME_CELL, message=("sys.exit",)), "sys.exit() in a cell"),
        C("os_exit", cell(OS_EXIT + sol_first),
          Expect(score=SAME_CELL, message=("os._exit",)), "os._exit() in a cell"),
        C("read_secrets", cell(read_secrets(secrets) + sol_first),
          Expect(score="full", needs="bwrap"),
          "reads the solution, hidden checks, harness, report, other submissions"),
        C("write_files", cell(write_files(env) + sol_first), Expect(score="full", needs="bwrap"),
          "overwrites/deletes host files, the report, writes to ../"),
        C("network", cell(network(env) + sol_first), Expect(score="full", needs="bwrap"),
          "connects to the host's localhost and the internet"),
        C("remount_and_plant", cell(remount_and_plant(env) + sol_first),
          Expect(score="full", needs="bwrap"),
          "remounts the read-only binds writable (also from a new user namespace) and "
          "plants a .pth file in site-packages"),
        C("open_by_handle", cell(OPEN_BY_HANDLE + sol_first), Expect(score="full", needs="bwrap"),
          "open_by_handle_at: reads files past the mount namespace with CAP_DAC_READ_SEARCH"),
        C("forged_replies", cell(FORGED_REPLIES + stub_first), Expect(score=SAME_CELL),
          "writes fake 'passed' replies for every request id into the protocol pipe, the "
          "function left unfinished: the replies lack the requests' nonces and are ignored"),
        C("background_process", cell(background(env) + sol_first), full,
          "leaves a sleep and a double-forked daemon running"),
        # hostile: the first function
        C("loop_in_function", cell(sol_first + LOOP_IN_FUNCTION.format(f=f)),
          Expect(score=SAME_FUNCTION), "infinite loop when called"),
        C("memory_bomb_in_function", cell(sol_first + MEMORY_IN_FUNCTION.format(f=f)),
          Expect(score=SAME_FUNCTION), "allocates until the limit when called"),
        C("os_exit_in_function", cell(sol_first + OS_EXIT_IN_FUNCTION.format(f=f)),
          Expect(score=SAME_FUNCTION), "kills its process when called"),
        C("always_equal", cell(sol_first + ALWAYS_EQUAL.format(f=f)),
          Expect(score=SAME_FUNCTION), "returns an object whose __eq__ is always True"),
        C("ndarray_subclass", cell(sol_first + NDARRAY_SUBCLASS.format(f=f)),
          Expect(score=SAME_FUNCTION), "returns an ndarray subclass faking =="),
        C("patch_when_called", cell(sol_first + PATCH_WHEN_CALLED.format(f=f)),
          Expect(score=SAME_FUNCTION),
          "rewrites numpy's comparisons, isinstance and rnnlab's compare while it runs"),
        C("monkeypatch_numpy",
          dump(with_sources(stub_nb, {first: MONKEYPATCH + stub_first
                                      + ALWAYS_EQUAL.format(f=f)})),
          zero, "patches numpy.allclose/testing and rnnlab.checking, on the stub"),
    ]
    return cases


def available() -> list[str]:
    """Assignments with a source notebook (their release may still be missing)."""
    from autograder.harness import known_assignments

    return known_assignments()
