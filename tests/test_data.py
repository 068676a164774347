"""The dataset loader: verified copies, corrupt copies, offline use, real downloads."""

from __future__ import annotations

import copy
import csv
import http.server
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from hashlib import sha256
from pathlib import Path

import pandas as pd
import pytest

from rnnlab import data

GOOD_SHA = "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d"


@pytest.fixture(scope="module")
def raw_bytes(sms_spam_file) -> bytes:
    return sms_spam_file.read_bytes()


@pytest.fixture(scope="module")
def zip_bytes(raw_bytes) -> bytes:
    """A zip laid out like UCI's: the data file and its readme."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("SMSSpamCollection", raw_bytes)
        zf.writestr("readme", b"SMS Spam Collection v.1\n")
    return buf.getvalue()


class _Server:
    """Serve fixed bytes per path on 127.0.0.1 (404 for anything else)."""

    def __init__(self, files: dict[str, bytes]):
        files_ = files

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's API
                body = files_.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _registry(urls: list[str], zip_sha: str) -> dict:
    reg = copy.deepcopy(data.load_registry())
    reg["sms_spam"]["archive"]["urls"] = urls
    reg["sms_spam"]["archive"]["sha256"] = zip_sha
    return reg


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_registry_matches_the_published_hashes():
    entry = data.load_registry()["sms_spam"]
    assert entry["member"]["sha256"] == GOOD_SHA
    assert entry["archive"]["sha256"] == (
        "1587ea43e58e82b14ff1f5425c88e17f8496bfcdb67a583dbff9eefaf9963ce3")
    assert entry["archive"]["urls"][0].startswith("https://archive.ics.uci.edu/")


def test_verified_copy_is_used_without_network(sms_spam_file):
    assert sms_spam_file.name == "SMSSpamCollection"
    assert data.sha256_of(sms_spam_file) == GOOD_SHA
    assert sms_spam_file.stat().st_size == 477_907


def test_data_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    assert data.data_dir() == tmp_path
    monkeypatch.delenv(data.ENV_VAR)
    assert data.data_dir() == data.REPO_ROOT / "data"


def test_load_gives_all_5574_messages(sms_spam_file):
    df = data.load_sms_spam(sms_spam_file)
    assert list(df.columns) == ["label", "text"]
    assert len(df) == 5574
    assert df["label"].value_counts().to_dict() == {"ham": 4827, "spam": 747}
    assert df["text"].duplicated().sum() == 403
    assert df["text"].nunique() == 5171
    assert df["text"].str.contains("&lt;").any()


def test_naive_read_csv_loses_two_rows(sms_spam_file):
    naive = pd.read_csv(sms_spam_file, sep="\t", header=None)
    assert len(naive) == 5572
    fixed = pd.read_csv(sms_spam_file, sep="\t", header=None, quoting=csv.QUOTE_NONE)
    assert len(fixed) == 5574


def test_corrupt_copy_is_rejected_and_left_untouched(tmp_path, raw_bytes):
    bad = tmp_path / "SMSSpamCollection"
    bad.write_bytes(raw_bytes.replace(b"spam\t", b"ham\t", 1))
    with pytest.raises(data.ChecksumError) as err:
        data.fetch_sms_spam(tmp_path)
    text = str(err.value)
    assert str(bad) in text
    assert GOOD_SHA in text
    assert sha256(bad.read_bytes()).hexdigest() in text
    assert "python -m rnnlab.data" in text and data.ENV_VAR in text
    assert bad.read_bytes() != raw_bytes and bad.exists()  # the user's file is kept


def test_offline_without_copy_fails_fast_and_clean(tmp_path):
    folder = tmp_path / "cache"
    reg = _registry(["http://127.0.0.1:9/sms.zip", "https://archive.invalid/sms.zip"], "0" * 64)
    start = time.monotonic()
    with pytest.raises(data.DataError) as err:
        data.fetch("sms_spam", folder, reg)
    assert time.monotonic() - start < 10
    text = str(err.value)
    assert "http://127.0.0.1:9/sms.zip" in text and data.ENV_VAR in text
    assert "無法下載" in text and "could not download" in text
    assert _leftovers(folder) == []


def test_download_from_a_local_server(tmp_path, zip_bytes):
    folder = tmp_path / "cache"
    with _Server({"/sms.zip": zip_bytes}) as srv:
        reg = _registry([f"{srv.url}/sms.zip"], sha256(zip_bytes).hexdigest())
        path = data.fetch("sms_spam", folder, reg)
    assert path == folder / "SMSSpamCollection"
    assert data.sha256_of(path) == GOOD_SHA
    assert len(data.load_sms_spam(path)) == 5574
    assert not [n for n in _leftovers(folder) if n.endswith(".part")]


def test_download_falls_back_to_the_second_url(tmp_path, zip_bytes):
    folder = tmp_path / "cache"
    with _Server({"/mirror.zip": zip_bytes}) as srv:
        reg = _registry([f"{srv.url}/gone.zip", f"{srv.url}/mirror.zip"],
                        sha256(zip_bytes).hexdigest())
        path = data.fetch("sms_spam", folder, reg)
    assert data.sha256_of(path) == GOOD_SHA


def test_corrupted_download_is_rejected(tmp_path, zip_bytes):
    folder = tmp_path / "cache"
    corrupted = zip_bytes[:1000] + bytes(b ^ 0xFF for b in zip_bytes[1000:1100]) + zip_bytes[1100:]
    with _Server({"/sms.zip": corrupted}) as srv:
        reg = _registry([f"{srv.url}/sms.zip"], sha256(zip_bytes).hexdigest())
        with pytest.raises(data.DataError) as err:
            data.fetch("sms_spam", folder, reg)
    assert "sha256" in str(err.value).lower() or "hash" in str(err.value).lower()
    assert _leftovers(folder) == []


def test_archive_with_a_wrong_member_leaves_nothing(tmp_path, raw_bytes):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("SMSSpamCollection", raw_bytes + b"ham\textra line\n")
    bad_zip = buf.getvalue()
    folder = tmp_path / "cache"
    with _Server({"/sms.zip": bad_zip}) as srv:
        reg = _registry([f"{srv.url}/sms.zip"], sha256(bad_zip).hexdigest())
        with pytest.raises(data.ChecksumError):
            data.fetch("sms_spam", folder, reg)
    assert "SMSSpamCollection" not in _leftovers(folder)
    assert not [n for n in _leftovers(folder) if n.endswith(".part")]


def test_command_line_reports_the_counts():
    proc = subprocess.run([sys.executable, "-m", "rnnlab.data"], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "5,574 messages: 4,827 ham / 747 spam" in proc.stdout


def test_command_line_explains_a_corrupt_copy(tmp_path, raw_bytes):
    (tmp_path / "SMSSpamCollection").write_bytes(raw_bytes[:-10])
    env = {**os.environ, data.ENV_VAR: str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "rnnlab.data"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 1
    assert "checksum mismatch" in proc.stderr and GOOD_SHA in proc.stderr
