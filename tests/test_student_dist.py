"""`make student-dist`: the repository students get holds no solution and no hidden test, its
README and Makefile are the students' (only commands that work there), and a fresh copy
passes its own commands: every command its `make help` lists, and the same commands with
`python -m rnnlab` on a machine without make.

`make student-dist` archives the committed HEAD: the tests run it in a scratch clone of
the working tree, committed there (never in the repository itself).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDENT_COMMANDS = {"help", "setup", "lab", "data", "check"}
INSTRUCTOR_ONLY = ("release", "autograde", "feedback", "grade", "student-dist", "setup-bench",
                   "test", "test-fast", "test-browser", "lint", "bench", "sandbox", "gradescope")


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The working tree (tracked and new files, git-ignored ones left out), committed in a
    scratch repository: what HEAD will be once this work is committed."""
    target = tmp_path_factory.mktemp("clone") / "course"
    files = _git(ROOT, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "scratch")
    return target


@pytest.fixture(scope="module")
def dist(clone, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("dist") / "student"
    subprocess.run(["make", "-s", "student-dist", f"DIST={target}"], cwd=clone, check=True,
                   capture_output=True)
    return target


def test_only_student_files_are_shipped(dist):
    top = {p.name for p in dist.iterdir()}
    assert {"notebooks", "rnnlab", "Makefile", "README.md", "requirements.lock",
            "environment.yml", "pyproject.toml", "jupyter"} <= top
    assert not top & {"solutions", "autograder", "tests", "benchmarks", ".ci", "student",
                      "deploy"}
    assert not list(dist.rglob("SMSSpamCollection"))
    released = {p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()}
    assert {p.name for p in (dist / "notebooks").iterdir()} == released


def test_no_solution_or_hidden_test_text_ships(dist):
    for path in list(dist.rglob("*.py")) + list(dist.rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        for secret in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "run_hidden",
                       "import autograder", "from autograder"):
            assert secret not in text, f"{path.relative_to(dist)} contains {secret!r}"


def test_visible_tests_run_from_the_student_copy(dist):
    """A stub's visible test says the function is unfinished, importing rnnlab from the
    student copy and nothing of the instructor side."""
    code = f"""
import sys
sys.path.insert(0, {str(dist)!r})
import nbformat, rnnlab
assert rnnlab.__file__.startswith({str(dist)!r}), rnnlab.__file__
from rnnlab.checks import run_public
nb = nbformat.read({str(dist / "notebooks/lab02_tokenize/lab02_tokenize.ipynb")!r}, 4)
scope = {{}}
for cell in nb.cells:
    if cell.metadata.get("nbgrader", {{}}).get("grade_id") == "tokenize":
        exec(cell.source, scope)
print(run_public("lab02_tokenize", "test_tokenize", scope, points=2))
print("autograder" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=dist).stdout
    assert "還沒完成" in out and "NotImplementedError" in out
    assert out.strip().endswith("False")


def _help_targets(dist: Path) -> set[str]:
    out = subprocess.run(["make", "-s", "help"], cwd=dist, capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r"make (\S+)", out))


def test_make_help_lists_only_the_student_commands(dist):
    assert _help_targets(dist) == STUDENT_COMMANDS


def test_the_readme_is_the_students(dist):
    readme = (dist / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 第 19 章")
    for heading in ("安裝與開啟", "Notebook 的順序", "回饋怎麼看", "要繳交什麼", "介面語言",
                    "English summary"):
        assert heading in readme, heading
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", readme))
    assert used <= STUDENT_COMMANDS, used - STUDENT_COMMANDS
    assert "python -m rnnlab lab" in readme and "python -m rnnlab check" in readme
    for target in INSTRUCTOR_ONLY:
        assert f"make {target}" not in readme.replace("make help", "")
    for aid in (p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()):
        assert f"`{aid}`" in readme, f"{aid} missing from the notebook order / points tables"
    assert "solutions/" not in readme and "autograder" not in readme


# ---------------------------------------------------------------- the fresh copy, for real
def _base_python() -> str:
    """A Python that is not a virtual environment, as a student's machine has."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix) / "bin" / f"python{version}"
    return str(base if base.exists() else Path(sys.base_prefix) / "bin" / "python3")


def _run(cmd: list[str], cwd: Path, env: dict, timeout: float = 1200) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{cmd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def _student_env(bin_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "DISPLAY", "MAKEFLAGS",
                        "MAKELEVEL", "MFLAGS", "RNNLAB_VENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    return env


def _serves_the_course(url: str, get) -> None:
    _, body = get(f"{url}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert json.loads(body)["schema"]["properties"]["locale"]["default"] == "zh_TW"
    _, body = get(f"{url}/api/contents")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert "lab02_tokenize" in names
    _, body = get(f"{url}/nbgrader_version?version=0.9.6")  # Validate: the course's handler
    assert json.loads(body)["success"]
    _, body = get(f"{url}/lab/api/translations/zh_TW")  # the course's zh-TW entries
    assert json.loads(body)["data"]["jupyterlab"]["menu\x04File"] == ["檔案"]


@pytest.mark.slow
def test_a_fresh_student_copy_passes_its_own_commands(dist, tmp_path):
    """Without make on PATH (Windows, Anaconda): python -m rnnlab setup, data, check and
    lab do everything; then every command `make help` lists works in the same copy."""
    from test_lab_server import _get, free_port, start_lab, stop

    bin_dir = tmp_path / "bin"  # a PATH with Python and no make
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(_base_python())
    env = _student_env(bin_dir)
    nomake = {k: v for k, v in env.items()}
    nomake["PATH"] = str(bin_dir)
    assert shutil.which("make", path=nomake["PATH"]) is None
    python = str(bin_dir / "python3")

    out = _run([python, "-m", "rnnlab", "setup"], dist, nomake)
    venv = dist / ".venv"
    assert (venv / ".rnnlab-setup-stamp").read_text().startswith("student ")
    assert "SMS Spam Collection OK" in out
    kernel = json.loads((venv / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert kernel["display_name"] == "Python 3 (ch19)"
    assert kernel["argv"][0].startswith(str(venv))
    page = json.loads((venv / "etc/jupyter/labconfig/page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert page["disabledExtensions"]["@jupyter/nbgrader:create-assignment"] is True
    overrides = venv / "share/jupyter/lab/settings/overrides.json"
    assert json.loads(overrides.read_text())["@jupyterlab/translation-extension:plugin"] == {
        "locale": "zh_TW"}
    kernel_config = json.loads((venv / "etc/ipython/ipython_kernel_config.json").read_text())
    assert kernel_config["IPKernelApp"]["kernel_class"] == "rnnlab.kernel.CourseKernel"
    probe = "import autograder"
    assert subprocess.run([str(venv / "bin/python"), "-c", probe], cwd=tmp_path,
                          capture_output=True).returncode != 0  # the grader is not there

    assert "SMS Spam Collection OK" in _run([python, "-m", "rnnlab", "data"], dist, nomake)
    table = _run([python, "-m", "rnnlab", "check"], dist, nomake)
    assert "tokenize" in table and "0/2" in table and "lab03_rnn_spam" in table

    port = free_port()
    flags = ["--no-browser", "--ServerApp.ip=127.0.0.1",
             "--IdentityProvider.token=ch19-test-token"]
    proc, url = start_lab(dist, port, tmp_path / "lab-nomake.log", env=nomake,
                          command=[python, "-m", "rnnlab", "lab", f"--port={port}", *flags])
    try:
        _serves_the_course(url, _get)
    finally:
        stop(proc)

    # the same copy with make: every command its help lists
    assert _help_targets(dist) == STUDENT_COMMANDS
    assert "up to date" in _run(["make", "setup"], dist, env)
    assert "SMS Spam Collection OK" in _run(["make", "data"], dist, env)
    table = _run(["make", "check", "NOTEBOOKS=lab02_tokenize"], dist, env)
    assert "tokenize" in table and "ch19_1" not in table
    port = free_port()
    proc, url = start_lab(dist, port, tmp_path / "lab-make.log", env=env,
                          command=["make", "lab", f"PORT={port}", f"LAB_FLAGS={' '.join(flags)}"])
    try:
        _serves_the_course(url, _get)
    finally:
        stop(proc)
