"""Gradescope: the autograder bundle (``make gradescope``) and what it runs per submission.

``build_bundle(ID, ZIP)`` writes a zip with, at its root, ``setup.sh`` (installs Python,
the pinned grading packages and bubblewrap on Gradescope's Ubuntu image), ``run_autograder``
(grades ``submission/`` and writes ``results/results.json``), the grading spec of the
assignment (probes, inputs and expected values: no solution code, no hidden-check module)
and the code grading needs (``rnnlab`` and the harness, without ``autograder.hidden``).

``python -m autograder.gradescope run ROOT`` is what ``run_autograder`` calls: Gradescope's
layout under ROOT (``${GRADESCOPE_ROOT:-/autograder}``): the bundle unzipped in ``source/``,
the student's files in ``submission/`` (any ``.ipynb`` name), the results in ``results/``.
It never crashes: a missing or malformed submission gets a results.json with 0 points and a
message saying why.

Visibility: each test cell is one visible test: its score and its feedback, with the causes
found by hidden checks summarised as a count. Their details (which rule failed, got and
expected) are a second test per cell, worth 0 points, ``after_published``, written only
when a hidden cause was among the causes shown (so it never repeats the visible test). Like
nbgrader's hidden tests, students learn them with their grades, so they cannot tune their
code to the hidden inputs before the deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
import zipfile
from pathlib import Path

ROOT_DEFAULT = "/autograder"
BUNDLE_CONFIG = "bundle.json"
GRADING_PACKAGES = ["numpy", "pandas", "nbformat"]  # what grading imports, pinned below
LIB_FILES = ["__init__.py", "harness.py", "sandbox.py", "worker.py", "submissions.py",
             "results.py", "gradescope.py"]

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${GRADESCOPE_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export DEBIAN_FRONTEND=noninteractive
# bubblewrap: the grading sandbox; Python >= 3.11 with venv
apt-get update -qq || true
apt-get install -y -qq bubblewrap >/dev/null
usable() { "$1" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; }
PY=""
for candidate in /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3; do
  if usable "$candidate"; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  apt-get install -y -qq python3.11 python3.11-venv >/dev/null || true
  usable /usr/bin/python3.11 && PY=/usr/bin/python3.11
fi
[ -n "$PY" ] || { echo "Python >= 3.11 is required: choose a newer base image"; exit 1; }
"$PY" -m venv "$ROOT/venv" 2>/dev/null || {
  apt-get install -y -qq "$(basename "$PY")-venv" >/dev/null; "$PY" -m venv "$ROOT/venv"; }
# the grader reads source/; student code (uid 65534 when namespaces are unavailable) may not
chmod 700 "$SOURCE"
"$ROOT/venv/bin/python" -m pip install -q --upgrade pip
"$ROOT/venv/bin/python" -m pip install -q -r "$SOURCE/requirements.txt"
"$ROOT/venv/bin/python" -c "import numpy, pandas, nbformat; print('grading packages OK')"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade submission/ in the sandbox and write
# results/results.json. Whatever happens, a results.json is written.
ROOT="${GRADESCOPE_ROOT:-/autograder}"
if [ -x "$ROOT/venv/bin/python3" ]; then export PATH="$ROOT/venv/bin:$PATH"; fi
export PYTHONPATH="$ROOT/source/lib"
mkdir -p "$ROOT/results"
python3 -m autograder.gradescope run "$ROOT"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  printf '{"score": 0, "output": "The autograder failed (exit %s): %s"}\\n' "$status" \\
    "please tell your instructor." > "$ROOT/results/results.json"
fi
exit 0
"""


# ---------------------------------------------------------------- building the bundle
def requirements_text(lock: Path) -> str:
    """The pinned grading packages and their dependencies, from requirements.lock."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    deps = ["numpy", "pandas", "python-dateutil", "six", "tzdata", "nbformat",
            "fastjsonschema", "jsonschema", "jsonschema-specifications", "referencing",
            "rpds-py", "attrs", "jupyter-core", "platformdirs", "traitlets"]
    lines = [f"{name}=={pins[name]}" for name in deps if name in pins]
    missing = [name for name in GRADING_PACKAGES if name not in pins]
    if missing:
        raise RuntimeError(f"requirements.lock lacks {missing}")
    return "# the packages grading needs, pinned as in the course's requirements.lock\n" + \
        "\n".join(lines) + "\n"


def rnnlab_files(root: Path, spec_text: str) -> list[Path]:
    """The parts of rnnlab that grading runs: the check machinery, the public checks, and
    the modules that the checks' probes import (no figures, data or training code)."""
    import re

    wanted = {root / "__init__.py", root / "checking.py"}
    wanted |= {p for p in (root / "checks").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    text = spec_text + "".join(p.read_text(encoding="utf-8") for p in wanted
                               if p.suffix == ".py")
    for module in set(re.findall(r"rnnlab\.([a-z_]+)", text)):
        if (root / f"{module}.py").is_file():
            wanted.add(root / f"{module}.py")
    return sorted(wanted)


def build_bundle(assignment: str, out: Path, isolation: str = "auto") -> Path:
    """Write Gradescope's autograder zip for ``assignment`` to ``out``.

    ``isolation``: ``"auto"`` (bubblewrap; if Gradescope's container cannot create
    namespaces, uid isolation: student code runs as uid 65534 while ``source/`` and
    ``results/`` are root-only), ``"bwrap"`` (bubblewrap or refuse) or ``"uid"``.
    """
    import rnnlab
    from autograder import harness, reference

    if isolation not in ("auto", "bwrap", "uid"):
        raise ValueError(f"isolation must be auto, bwrap or uid, not {isolation!r}")
    spec = harness.load_assignment(assignment)
    package = Path(harness.__file__).resolve().parent
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, data: bytes | str, executable: bool = False) -> None:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if executable else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, data)

        add("setup.sh", SETUP_SH, executable=True)
        add("run_autograder", RUN_AUTOGRADER, executable=True)
        add("requirements.txt", requirements_text(reference.REPO_ROOT / "requirements.lock"))
        add(BUNDLE_CONFIG, json.dumps({"assignment": assignment, "isolation": isolation,
                                       "max_score": spec.max_score}, indent=1))
        spec_text = json.dumps(harness.spec_to_json(spec), ensure_ascii=False)
        add(f"spec/{assignment}.json", spec_text)
        for name in LIB_FILES:
            add(f"lib/autograder/{name}", (package / name).read_bytes())
        root = Path(rnnlab.__file__).resolve().parent
        for path in rnnlab_files(root, spec_text):
            add(f"lib/rnnlab/{path.relative_to(root)}", path.read_bytes())
    os.replace(tmp, out)
    return out


# ---------------------------------------------------------------- grading one submission
def _results(score: float, output: str, tests: list[dict], extra: dict) -> dict:
    return {"score": round(score, 2), "output": output, "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
            "extra_data": extra}


def _find_notebook(folder: Path, assignment: str) -> tuple[Path | None, str]:
    """The submitted notebook: the only .ipynb, or the one named after the assignment."""
    found = sorted(p for p in folder.rglob("*.ipynb")
                   if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    if not found:
        names = ", ".join(sorted(p.name for p in folder.rglob("*") if p.is_file())[:10])
        return None, ("沒有找到 .ipynb 檔案：請上傳你的 notebook"
                      f"（{assignment}.ipynb）。收到的檔案：{names or '（無）'}")
    named = [p for p in found if p.name == f"{assignment}.ipynb"]
    if len(found) == 1 or len(named) == 1:
        return (named or found)[0], ""
    return None, ("上傳了多個 notebook，無法判斷要評哪一個：請只上傳 "
                  f"{assignment}.ipynb。收到：{', '.join(p.name for p in found)}")


def tests_of(report) -> list[dict]:
    """Gradescope tests of one graded submission (see the module docstring)."""
    tests = []
    for number, test in enumerate(report.tests, start=1):
        hidden_failed = [c for c in test.checks if c["kind"] == "hidden" and not c["passed"]]
        visible, hiding = [], False
        for line in test.feedback:  # a hidden cause goes, with its detail lines
            if line.startswith("  - ") or not line.startswith("    "):
                hiding = "［隱藏測試" in line
            if not hiding:
                visible.append(line)
        # Only when a hidden cause was taken out is there anything to publish later; a
        # hidden failure beyond the causes shown is already in "另有 N 項檢查未通過".
        withheld = bool(hidden_failed) and len(visible) < len(test.feedback)
        if withheld:
            visible.append(f"  （{len(hidden_failed)} 項隱藏測試未通過：細節在成績公布後顯示）")
        tests.append({"name": test.name, "number": str(number), "score": test.points,
                      "max_score": test.max_points,
                      "status": "passed" if test.passed else "failed",
                      "output": "\n".join(visible), "visibility": "visible"})
        if withheld:
            tests.append({"name": f"{test.name}（隱藏測試的細節）", "number": f"{number}.1",
                          "score": 0.0, "max_score": 0.0, "status": "failed",
                          "output": test.message, "visibility": "after_published"})
    return tests


def run(root: Path) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns it."""
    started = time.monotonic()
    root = Path(root)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = _grade(root)
    except Exception as exc:  # noqa: BLE001 - never a crashed autograder
        data = _results(0.0, f"評分程式發生錯誤，請通知老師 (autograder error): "
                             f"{type(exc).__name__}: {exc}", [], {})
    data["execution_time"] = round(time.monotonic() - started, 1)
    tmp = results.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, results)
    return data


def _grade(root: Path) -> dict:
    from autograder import harness
    from autograder.sandbox import Limits, SandboxError, detect_isolation
    from autograder.submissions import Submission

    source = root / "source"
    config = json.loads((source / BUNDLE_CONFIG).read_text(encoding="utf-8"))
    assignment = config["assignment"]
    spec = harness.spec_from_json(
        json.loads((source / "spec" / f"{assignment}.json").read_text(encoding="utf-8")))
    empty = [{"name": t.grade_id, "score": 0.0, "max_score": t.points, "status": "failed",
              "output": "未評分", "visibility": "visible"} for t in spec.tests]
    notebook, problem = _find_notebook(root / "submission", assignment)
    if notebook is None:
        return _results(0.0, problem, empty, {"assignment": assignment})
    protect = (source, root / "results", root / "submission")
    try:
        isolation = detect_isolation(
            "bwrap" if config["isolation"] in ("auto", "bwrap") else "uid", protect=protect)
    except SandboxError as exc:
        if config["isolation"] != "auto" or os.geteuid() != 0:
            raise
        isolation = detect_isolation("uid", protect=protect)
        isolation.warnings.insert(0, f"bubblewrap unusable here ({exc})")
    if isolation.kind == "uid":  # what uid 65534 must not read or write
        for path in (source, root / "results"):
            path.chmod(0o700)
    report = harness.grade_submission(spec, Submission(notebook.stem, notebook),
                                      Limits(timeout=120), isolation)
    output = "\n".join(report.notes)
    extra = {"assignment": assignment, "isolation": isolation.describe(),
             "status": report.status}
    return _results(report.score, output, tests_of(report), extra)


def unzip(bundle: Path, source: Path) -> None:
    """Unzip a bundle as Gradescope does (keeping the executable bits)."""
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                target.chmod(mode)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "run":
        data = run(Path(argv[1]))
        print(f"score {data['score']}; {len(data.get('tests', []))} tests; "
              f"{data.get('extra_data', {}).get('isolation', {}).get('kind', '?')} isolation")
        return 0
    print("usage: python -m autograder.gradescope run ROOT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

