"""`make lab` really serves JupyterLab, in zh-TW, on the notebooks/ folder, with the course's
Validate (zh-TW, verdicts first), stylesheet and translations; the course kernel stops Run
All at a failing cell even when the cells' requests reach it late."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "ch19-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str = TOKEN) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, resp.read()


def _post(url: str, data: dict, timeout: float = 300) -> dict:
    req = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                 headers={"Authorization": f"token {TOKEN}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def start_lab(cwd: Path, port: int, log: Path, notebook_dir: Path | None = None,
              command: list[str] | None = None, env: dict | None = None,
              token: str = TOKEN) -> tuple[subprocess.Popen, str]:
    """Start JupyterLab as a student does (``make lab`` by default, or ``command``) and
    wait until it serves; the caller stops it with :func:`stop`."""
    flags = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    if command is None:
        command = ["make", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"]
        if notebook_dir is not None:
            command.append(f"NOTEBOOK_DIR={notebook_dir}")
    base = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env or base)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # a first `make lab` may set up the environment
    while True:
        try:
            _get(f"{url}/api/status", token)
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail(f"{' '.join(command[:2])} did not serve on {url}:\n"
                            f"{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    proc, url = start_lab(ROOT, free_port(), log)
    try:
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop make and the JupyterLab it started (the whole process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.slow
def test_lab_page_is_served(lab_url):
    status, body = _get(f"{lab_url}/lab")
    assert status == 200
    assert b"JupyterLab" in body


@pytest.mark.slow
def test_ui_defaults_to_traditional_chinese(lab_url):
    _, body = _get(f"{lab_url}/lab/api/translations/")
    languages = json.loads(body)["data"]
    assert "zh_TW" in languages
    _, body = _get(f"{lab_url}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    settings = json.loads(body)
    assert settings["schema"]["properties"]["locale"]["default"] == "zh_TW"
    _, body = _get(f"{lab_url}/lab/api/translations/zh_TW")
    assert json.loads(body)["data"], "the zh-TW language pack is not installed"


@pytest.mark.slow
def test_every_released_notebook_is_listed(lab_url):
    _, body = _get(f"{lab_url}/api/contents")
    served = {item["name"] for item in json.loads(body)["content"]}
    released = {p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()}
    assert released and released <= served


@pytest.mark.slow
def test_the_menu_bar_and_the_wrong_entries_are_translated(lab_url):
    _, body = _get(f"{lab_url}/lab/api/translations/zh_TW")
    catalog = json.loads(body)["data"]["jupyterlab"]
    assert catalog["menu\x04File"] == ["檔案"]
    assert catalog["Run All Above Selected Cell"] == ["執行選取的儲存格上方的所有儲存格"]
    assert catalog["%1 and %2"] == ["%1並%2"]  # no more '重新啟動核心 and 執行所有儲存格'
    # (JupyterLab translates the menu bar's titles in the browser with these entries: the
    # browser test reads them on screen)
    assert catalog["menu\x04Kernel"] == ["核心"]


@pytest.mark.slow
def test_the_course_stylesheet_is_served(lab_url):
    _, page = _get(f"{lab_url}/lab")
    assert b"custom/custom.css" in page
    status, css = _get(f"{lab_url}/custom/custom.css")
    assert status == 200 and "驗證結果".encode() in css


@pytest.mark.slow
def test_validate_lists_verdicts_first_in_zh_tw(lab_url):
    """nbgrader's Validate button posts here: the course's handler answers, in zh-TW, with
    the summary first and each failing test cell's verdict line and likely causes."""
    before = (ROOT / "notebooks/lab02_tokenize/lab02_tokenize.ipynb").read_bytes()
    status, body = _get(f"{lab_url}/nbgrader_version?version=0.9.6")
    assert json.loads(body)["success"]
    answer = _post(f"{lab_url}/assignments/validate",
                   {"path": "lab02_tokenize/lab02_tokenize.ipynb"})
    assert answer["success"], answer
    summary, first, *rest = answer["value"]["failed"]
    assert summary["source"].startswith("驗證結果：0/4 個測試全部通過")
    assert first["source"].startswith("✗ test_tokenize")
    assert "還沒完成" in first["error"]
    assert len(rest) == 3
    assert (ROOT / "notebooks/lab02_tokenize/lab02_tokenize.ipynb").read_bytes() == before
