"""`make lab` really serves JupyterLab, in zh-TW, on the notebooks/ folder."""

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, resp.read()


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    flags = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["make", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{url}/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make lab did not serve on {url}:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
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
