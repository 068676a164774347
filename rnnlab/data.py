"""Fetch, verify and load the UCI SMS Spam Collection through a sha256 registry.

The registry (URL + sha256) lives in ``data/registry.json``. Files are cached in the
repository's ``data/`` folder or in ``$RNNLAB_DATA_DIR``; nothing unverified is ever
returned, and nothing half-written is ever left in the cache.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
REGISTRY_PATH = REPO_ROOT / "data" / "registry.json"
ENV_VAR = "RNNLAB_DATA_DIR"
DOWNLOAD_TIMEOUT = 20  # seconds per connection attempt


class DataError(RuntimeError):
    """The dataset could not be provided; the message says why and what to do."""


class ChecksumError(DataError):
    """A file's sha256 differs from the registry's."""


def load_registry(path: Path = REGISTRY_PATH) -> dict:
    """Return the dataset registry (name -> archive and member entries)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def data_dir() -> Path:
    """The cache folder: ``$RNNLAB_DATA_DIR`` if set, else the repository's ``data/``."""
    return Path(os.environ.get(ENV_VAR) or REPO_ROOT / "data").expanduser()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path, expected: str) -> Path:
    """Return ``path`` if its sha256 is ``expected``; raise ChecksumError otherwise."""
    actual = sha256_of(path)
    if actual != expected:
        raise ChecksumError(
            f"檔案內容不正確 / checksum mismatch: {path}\n"
            f"  expected sha256: {expected}\n"
            f"  actual sha256:   {actual}\n"
            "The file is corrupt or not the UCI SMS Spam Collection v.1. Delete it and run "
            f"`python -m rnnlab.data` again, or point {ENV_VAR} at a folder that holds a "
            "verified copy. 請刪除此檔案後重新執行 `python -m rnnlab.data`。"
        )
    return path


def _download_archive(archive: dict, folder: Path) -> Path:
    """Download the zip from the first URL that works; pooch verifies it before caching."""
    import pooch  # imported here: loading a cached copy must not need it

    pooch.get_logger().setLevel("WARNING")  # one message of our own instead of pooch's
    errors = []
    for url in archive["urls"]:
        print(f"downloading {url} ...", file=sys.stderr)
        try:
            return Path(
                pooch.retrieve(
                    url,
                    known_hash=f"sha256:{archive['sha256']}",
                    fname=archive["fname"],
                    path=folder,
                    downloader=pooch.HTTPDownloader(timeout=DOWNLOAD_TIMEOUT, progressbar=False),
                )
            )
        except ValueError as exc:  # pooch: hash mismatch, the download was discarded
            errors.append(f"{url}: {exc}")
        except Exception as exc:  # noqa: BLE001 - network errors come in many types
            errors.append(f"{url}: {type(exc).__name__}: {str(exc)[:200]}")
    raise DataError(
        "無法下載 SMS Spam Collection 資料集 / could not download the SMS Spam Collection.\n"
        + "\n".join(f"  - {e}" for e in errors)
        + f"\nCheck your internet connection, or download {archive['urls'][0]} yourself, "
        f"unzip it and set {ENV_VAR} to the folder that holds SMSSpamCollection.\n"
        f"請確認網路連線；或手動下載上面的網址、解壓縮，並把環境變數 {ENV_VAR} 設成放置 "
        "SMSSpamCollection 的資料夾。"
    )


def _extract_member(zip_path: Path, member: dict, folder: Path) -> Path:
    """Extract one verified member of the zip atomically (temp file, then rename)."""
    target = folder / member["fname"]
    with zipfile.ZipFile(zip_path) as zf:
        names = [n for n in zf.namelist() if Path(n).name == member["fname"]]
        if not names:
            raise DataError(f"{zip_path} does not contain {member['fname']}")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{member['fname']}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, zf.open(names[0]) as src:
                out.write(src.read())
            verify(Path(tmp), member["sha256"])
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    return target


def fetch(name: str = "sms_spam", folder: Path | None = None,
          registry: dict | None = None) -> Path:
    """Return the path of the verified data file ``name``, downloading it if needed.

    A copy already in ``folder`` (default: :func:`data_dir`) is used after its sha256 is
    checked; a wrong copy raises :class:`ChecksumError` and is left untouched.
    """
    entry = (registry or load_registry())[name]
    folder = Path(folder) if folder is not None else data_dir()
    target = folder / entry["member"]["fname"]
    if target.exists():
        return verify(target, entry["member"]["sha256"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the data folder {folder}: {exc}") from exc
    zip_path = _download_archive(entry["archive"], folder)
    return _extract_member(zip_path, entry["member"], folder)


def fetch_sms_spam(folder: Path | None = None) -> Path:
    """Path of a verified ``SMSSpamCollection`` file (UCI SMS Spam Collection v.1)."""
    return fetch("sms_spam", folder)


def load_sms_spam(path: Path | None = None) -> pd.DataFrame:
    """The 5,574 messages as a DataFrame with columns ``label`` ('ham'/'spam') and ``text``.

    Every line is ``label<TAB>text``; quotes are ordinary characters (``QUOTE_NONE``),
    otherwise pandas joins lines at a ``"`` and returns 5,572 rows.
    """
    return pd.read_csv(
        path or fetch_sms_spam(),
        sep="\t",
        header=None,
        names=["label", "text"],
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )


SPLIT_SEED = 0  # the one split of the course (Lab01, Lab02 and Lab03 use it)


def split_sms(df: pd.DataFrame, seed: int = SPLIT_SEED, val: float = 0.15,
              test: float = 0.15) -> dict[str, pd.DataFrame]:
    """The course's split: duplicates removed (a repeated message would otherwise sit in
    train and test at once), then stratified by label into train / val / test (70/15/15).

    Returns ``{"train": ..., "val": ..., "test": ...}``, DataFrames with the columns of
    ``df`` and a fresh index; the same for every notebook that calls it with ``df`` from
    :func:`load_sms_spam`.
    """
    from sklearn.model_selection import train_test_split

    data = df.drop_duplicates("text").reset_index(drop=True)
    idx = np.arange(len(data))
    labels = data["label"].to_numpy()
    idx_train, idx_test = train_test_split(idx, test_size=test, stratify=labels,
                                           random_state=seed)
    idx_train, idx_val = train_test_split(idx_train, test_size=val / (1 - test),
                                          stratify=labels[idx_train], random_state=seed)
    return {name: data.iloc[part].reset_index(drop=True)
            for name, part in (("train", idx_train), ("val", idx_val), ("test", idx_test))}


def main() -> int:
    """``python -m rnnlab.data``: fetch the dataset and report what is there."""
    try:
        path = fetch_sms_spam()
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    df = load_sms_spam(path)
    counts = df["label"].value_counts()
    print(f"SMS Spam Collection OK: {path}")
    print(f"  sha256 verified, {len(df):,} messages: "
          f"{counts['ham']:,} ham / {counts['spam']:,} spam")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
