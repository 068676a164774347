"""Shared test set-up: the offline dataset copy, a headless matplotlib, the repo paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "sms_spam"

# These machines have no internet: unless told otherwise, use the byte-exact shared copy.
if not os.environ.get("RNNLAB_DATA_DIR") and (SHARED_DATA / "SMSSpamCollection").exists():
    os.environ["RNNLAB_DATA_DIR"] = str(SHARED_DATA)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def sms_spam_file() -> Path:
    from rnnlab.data import fetch_sms_spam

    return fetch_sms_spam()
