"""Finding submissions and reading their answer cells, whatever the files contain.

A submission file is untrusted input: it may be empty, binary, not JSON, JSON that is no
notebook, an old nbformat, huge, or have its answer cells deleted or renamed. Reading it
never executes anything; problems become a :class:`SubmissionError` with a clear message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MAX_NOTEBOOK_BYTES = 64 * 2**20


class SubmissionError(Exception):
    """The file cannot be graded; the message says why (zh-TW, for the student)."""


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    timestamp: str = ""  # nbgrader's timestamp.txt, when present


def _timestamp(folder: Path) -> str:
    stamp = folder / "timestamp.txt"
    try:
        return stamp.read_text(encoding="utf-8").strip()[:64] if stamp.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _pick_notebook(folder: Path, assignment: str) -> Path | None:
    """The assignment's notebook in an nbgrader submission folder."""
    named = folder / f"{assignment}.ipynb"
    if named.is_file():
        return named
    found = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    return found[0] if len(found) == 1 else None


def discover(paths: list[str | Path], assignment: str) -> tuple[list[Submission], list[str]]:
    """Submissions under ``paths`` and the problems found (a missing path...).

    A path is a notebook file (student = the file name without ``.ipynb``, or the
    ``<student>`` of ``submitted/<student>/<assignment>/``), a student's folder
    (``<student>/`` or ``<student>/<assignment>/``), or a folder holding
    ``[submitted/]<student>/<assignment>/*.ipynb`` and/or ``<student>.ipynb`` files. Every
    path yields at least one submission or a problem: nothing is left out silently.
    """
    subs: list[Submission] = []
    problems: list[str] = []
    seen: set[Path] = set()

    def add(student: str, path: Path, timestamp: str = "") -> int:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            subs.append(Submission(student, path, timestamp))
        return 1

    def add_folder(student: str, folder: Path) -> int:
        notebook = _pick_notebook(folder, assignment)
        if notebook is None:
            # report it: a student without a gradable notebook still gets a row
            notebook = folder / f"{assignment}.ipynb"
        return add(student, notebook, _timestamp(folder))

    for raw in paths:
        path = Path(raw)
        if path.is_file():
            parent = path.parent
            if parent.name == assignment and parent.parent.parent.name == "submitted":
                add(parent.parent.name, path, _timestamp(parent))
            else:
                add(path.name.removesuffix(".ipynb"), path)
        elif path.is_dir():
            found = 0
            if path.name == assignment and path.parent.name:
                found += add_folder(path.parent.resolve().name, path)  # <student>/<id>/
            elif (path / assignment).is_dir():
                found += add_folder(path.resolve().name, path / assignment)  # <student>/
            else:
                root = path / "submitted" if (path / "submitted").is_dir() else path
                for student_dir in sorted(p for p in root.iterdir() if p.is_dir()):
                    if (student_dir / assignment).is_dir():
                        found += add_folder(student_dir.name, student_dir / assignment)
                for notebook in sorted(path.glob("*.ipynb")):
                    if notebook.is_file():
                        found += add(notebook.name.removesuffix(".ipynb"), notebook)
            if not found:
                problems.append(
                    f"{path}: no submission of {assignment} here (expected a notebook, "
                    f"[submitted/]<student>/{assignment}/*.ipynb, <student>/{assignment}/ or "
                    "<student>.ipynb files)")
        else:
            problems.append(f"{path}: no such file or directory")
    return subs, problems


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise SubmissionError("cell 的 source 格式不正確")


def _convert_old(nb: dict, text: str) -> dict:
    """An nbformat < 4 notebook converted to v4 (nbformat's own converter)."""
    import nbformat

    try:
        converted = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any converter failure is the file's problem
        raise SubmissionError(
            f"舊版 notebook 格式 (nbformat {nb.get('nbformat')}) 無法轉換：{exc}") from None
    return json.loads(nbformat.writes(converted))


def _looks_binary(data: bytes) -> bool:
    head = data[:65536]
    control = sum(b < 9 or 13 < b < 32 for b in head)
    return b"\0" in head or control > len(head) // 100


def read_answer_cells(path: Path, wanted: list[str], max_bytes: int = MAX_NOTEBOOK_BYTES
                      ) -> tuple[dict[str, str], list[str]]:
    """The sources of the code cells whose nbgrader ``grade_id`` is in ``wanted``.

    Only the grade_id is read from the submission's metadata; the first code cell carrying
    it wins. Returns ``(sources, notes)``; raises SubmissionError for an unreadable file.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SubmissionError(f"無法讀取檔案：{exc.strerror or exc}") from None
    if size == 0:
        raise SubmissionError("檔案是空的 (empty file)：請重新繳交存檔後的 .ipynb")
    if size > max_bytes:
        raise SubmissionError(
            f"檔案太大（{size / 2**20:.1f} MB > {max_bytes / 2**20:.0f} MB）：請清除輸出 "
            "(Clear All Outputs) 後再繳交")
    return answer_cells_of(path.read_bytes(), wanted)


def answer_cells_of(data: bytes, wanted: list[str]) -> tuple[dict[str, str], list[str]]:
    """:func:`read_answer_cells` on a notebook's bytes (an nbgrader preprocessor has no
    file to read)."""
    if not data:
        raise SubmissionError("檔案是空的 (empty file)：請重新繳交存檔後的 .ipynb")
    if _looks_binary(data):
        raise SubmissionError("不是文字檔（二進位檔案）：請繳交 Jupyter notebook (.ipynb)")
    # a few undecodable bytes (a file cut short in a character) still get the JSON message
    text = data.decode("utf-8-sig", errors="replace")
    try:
        nb = json.loads(text)
    except RecursionError:
        raise SubmissionError("JSON 巢狀太深，不是 notebook") from None
    except ValueError as exc:
        raise SubmissionError(
            f"不是有效的 JSON（{exc}）：檔案可能損毀，請重新下載再繳交") from None
    if not isinstance(nb, dict) or not ("cells" in nb or "worksheets" in nb):
        raise SubmissionError("是 JSON 但不是 Jupyter notebook（沒有 cells）")
    version = nb.get("nbformat")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SubmissionError("是 JSON 但不是 Jupyter notebook（沒有 nbformat 版本）")
    notes = []
    if version < 4:
        nb = _convert_old(nb, text)
        notes.append(f"已將舊版 notebook 格式 (nbformat {version}) 轉換為 v4")
    elif version > 4:
        raise SubmissionError(f"不支援的 notebook 格式 nbformat {version}")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise SubmissionError("notebook 的 cells 不是 list")
    found: dict[str, str] = {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        if isinstance(gid, str) and gid in wanted:
            if gid in found:
                notes.append(f"有多個 grade_id 為 {gid!r} 的 cell，只使用第一個")
                continue
            found[gid] = _source(cell)
    return found, notes
