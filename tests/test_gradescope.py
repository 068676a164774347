"""The Gradescope bundle (``make gradescope ASSIGNMENT=<id>``), run in a simulated Gradescope
layout: a temporary ``GRADESCOPE_ROOT`` with the bundle unzipped in ``source/``, the
student's files in ``submission/``, and ``run_autograder`` writing ``results/results.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import reference
from autograder.gradescope import build_bundle, unzip
from autograder.tests import corpus

AID = "lab02_tokenize"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return build_bundle(AID, tmp_path_factory.mktemp("dist") / f"{AID}.zip")


def _layout(tmp: Path, bundle: Path, files: dict[str, bytes], config: dict | None = None):
    root = tmp / "autograder"
    unzip(bundle, root / "source")
    if config:
        path = root / "source" / "bundle.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), **config}))
    (root / "submission").mkdir(parents=True)
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


def _run(root: Path, python: str = sys.executable) -> dict:
    """run_autograder with `python3` on PATH being ``python`` (the venv of these tests)."""
    bin_dir = root.parent / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "python3"  # a script: a symlink would lose the venv
    wrapper.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(GRADESCOPE_ROOT=str(root), PATH=f"{bin_dir}:{env['PATH']}")
    done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def _notebook(sources: dict[str, str] | None = None, stub: bool = False) -> bytes:
    path = corpus.release_notebook(AID) if stub else reference.source_notebook(AID)
    return corpus.dump(corpus.with_sources(corpus.read(path), sources or {}))


def test_the_zip_has_gradescopes_layout_and_no_solution(bundle):
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
        text = "\n".join(zf.read(n).decode("utf-8", "replace") for n in names)
    assert {"setup.sh", "run_autograder"} <= set(names)  # at the zip's root
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not [n for n in names if n.startswith(("solutions/", "lib/autograder/hidden"))]
    assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text
    nb = corpus.read(reference.source_notebook(AID))
    solution_lines = [line.strip() for gid in corpus.answer_ids(nb)
                      for line in reference.strip_markers(corpus.source_of(nb, gid))
                      .split("### BEGIN SOLUTION")[-1].splitlines()
                      if len(line.strip()) > 25 and not line.strip().startswith(("#", '"'))]
    assert solution_lines and not [line for line in solution_lines if line in text]
    assert "numpy==" in (zipfile.ZipFile(bundle).read("requirements.txt").decode())


@pytest.mark.slow
def test_solution_stub_and_one_mistake(bundle, tmp_path):
    full = _run(_layout(tmp_path / "a", bundle, {f"{AID}.ipynb": _notebook()}))
    zero = _run(_layout(tmp_path / "b", bundle, {"my work.ipynb": _notebook(stub=True)}))
    one = _run(_layout(tmp_path / "c", bundle, {f"{AID}.ipynb": _notebook(
        {"pad_sequences": corpus.PAD_POST_ALWAYS})}))
    assert full["score"] == 10 and zero["score"] == 0 and 0 < one["score"] < 10
    for data in (full, zero, one):
        assert data["extra_data"]["isolation"]["kind"] == "bwrap"
        visible = [t for t in data["tests"] if t["visibility"] == "visible"]
        assert [t["name"] for t in visible] == ["test_tokenize", "test_build_vocab",
                                               "test_texts_to_sequences", "test_pad_sequences"]
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"])
        for test in data["tests"]:
            assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
    pad = next(t for t in one["tests"] if t["name"] == "test_pad_sequences")
    assert pad["status"] == "failed" and 0 < pad["score"] < pad["max_score"]
    assert pad["output"].startswith("✗ test_pad_sequences：")
    assert "隱藏測試：不同的輸入" not in pad["output"]
    assert pad["output"].count("細節：") == pad["output"].count("  - "), pad["output"]
    details = [t for t in one["tests"] if t["visibility"] == "after_published"]
    assert all(t["max_score"] == 0 for t in details)
    for data in (full, zero, one):  # details only where they add what the visible test hid
        shown = {t["name"]: t["output"] for t in data["tests"] if t["visibility"] == "visible"}
        later = {t["name"].split("（")[0]: t["output"] for t in data["tests"]
                 if t["visibility"] == "after_published"}
        for name, text in shown.items():
            assert ("細節在成績公布後顯示" in text) == (name in later), text
            if name in later:
                assert "［隱藏測試" in later[name] and later[name] != text


@pytest.mark.slow
@pytest.mark.parametrize(("files", "fragment"), [
    ({}, "沒有找到 .ipynb"),
    ({"answers.py": b"print(1)"}, "answers.py"),
    ({"a.ipynb": b"{}", "b.ipynb": b"{}"}, "多個 notebook"),
    ({f"{AID}.ipynb": b"{\"cells\": [tru"}, "JSON"),
    ({f"{AID}.ipynb": b""}, "空"),
])
def test_a_missing_or_malformed_submission_gets_zero_and_a_message(bundle, tmp_path, files,
                                                                   fragment):
    data = _run(_layout(tmp_path, bundle, files))
    assert data["score"] == 0
    said = data["output"] + "".join(t["output"] for t in data["tests"])
    assert fragment in said


@pytest.mark.slow
def test_student_code_cannot_read_the_bundle(bundle, tmp_path):
    root = tmp_path / "autograder"
    secrets = [str(root / "source" / "spec" / f"{AID}.json"),
               str(root / "source" / "bundle.json"), str(root / "results" / "results.json")]
    nb = corpus.read(reference.source_notebook(AID))
    first = corpus.answer_ids(nb)[0]
    attack = corpus.read_secrets(secrets) + reference.strip_markers(corpus.source_of(nb, first))
    data = _run(_layout(tmp_path, bundle, {f"{AID}.ipynb": corpus.dump(
        corpus.with_sources(nb, {first: attack}))}))
    assert data["score"] == 10 and "LEAKED" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.slow
def test_setup_sh_installs_what_grading_needs_and_uid_isolation_grades(bundle, tmp_path):
    """setup.sh for real (apt's bubblewrap and Python, the pinned packages from PyPI) in the
    simulated root; then grading with uid isolation, as on a Gradescope container that
    cannot create namespaces: student code runs as uid 65534, source/ is root-only."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("setup.sh needs root and apt, as on Gradescope")
    import tempfile

    # like /autograder: a folder every user may traverse (pytest's own tmp is root-only)
    tmp_path = Path(tempfile.mkdtemp(prefix="gradescope-", dir="/tmp"))
    tmp_path.chmod(0o755)
    request_cleanup = tmp_path
    root = _layout(tmp_path, bundle, {f"{AID}.ipynb": _notebook()}, {"isolation": "uid"})
    env = dict(os.environ, GRADESCOPE_ROOT=str(root))
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "grading packages OK" in done.stdout
    try:
        data = _run(root, python=str(root / "venv" / "bin" / "python3"))
        assert data["extra_data"]["isolation"]["kind"] == "uid"
        assert data["score"] == 10, data
        assert oct((root / "source").stat().st_mode & 0o777) == "0o700"
    finally:
        shutil.rmtree(request_cleanup, ignore_errors=True)
