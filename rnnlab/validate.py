"""The course's Jupyter server extension: nbgrader's Validate in zh-TW, verdicts first.

nbgrader's Validate button (its labextension) posts the notebook's path to
``/assignments/validate`` and shows the JSON answer in a dialog: for each failing cell,
"The following cell failed:", the cell's source and its error. For a test cell that earns
partial credit nbgrader only says "Partial credit; passed some but not all of the
tests". This extension answers that URL instead of nbgrader's handler
(``python -m rnnlab setup`` disables ``nbgrader.server_extensions.validate_assignment``
and enables this module): the notebook runs as nbgrader runs it, then the dialog lists

1. a summary: how many test cells pass and the points of the public checks;
2. each test cell that does not pass: its verdict line (``✗ test_tokenize：1.5/2 分``)
   in place of the source, and the likely causes in place of the error,

all in zh-TW, while the notebook runs in a worker thread (JupyterLab stays responsive).
It also serves the course's stylesheet (``custom/custom.css``: the dialog's remaining
English in zh-TW) and completes JupyterLab's zh-TW translations (:mod:`rnnlab.l10n`).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from rnnlab.checking import VERDICT_MIME

CUSTOM_DIR = Path(__file__).resolve().parent / "custom"  # custom.css, linked by JupyterLab
SUMMARY_NOTE = ("這裡只跑公開測試；評分時還有隱藏測試（不同的輸入）。"
                "每個測試的說明也在它的 cell 下方。")


def _grade_cells(nb) -> list:
    from nbgrader import utils

    return [c for c in nb.cells if c.cell_type == "code" and utils.is_grade(c)]


def _verdict(cell) -> dict | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "execute_result" and VERDICT_MIME in output.get("data",
                                                                                       {}):
            data = output["data"][VERDICT_MIME]
            return json.loads(data) if isinstance(data, str) else dict(data)
    return None


def _num(x: float) -> str:
    return f"{float(x):g}"


def _causes_html(lines: list[str]) -> str:
    if not lines:
        return html.escape("（沒有更多說明）")
    return "\n".join(f"<span class='rnnlab-cause'>{html.escape(line)}</span>" for line in lines)


def report(nb, extract_error) -> dict[str, Any]:
    """The dialog's content for an executed notebook ``nb``.

    extract_error: nbgrader's text for a cell without a verdict (its error, or its
    traceback). Returns ``{}`` when every test cell passes (nbgrader's "Success!"),
    else ``{"failed": [summary, one entry per failing test cell]}``.
    """
    from nbgrader import utils

    rows, failed = [], []
    for cell in _grade_cells(nb):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
        verdict = _verdict(cell)
        if verdict is not None:
            rows.append((verdict["points"], verdict["max_points"], bool(verdict["passed"])))
            if not verdict["passed"]:
                head, *causes = verdict["lines"] or [f"✗ {grade_id}"]
                failed.append({"source": head, "error": _causes_html(causes)})
            continue
        score, max_score = utils.determine_grade(cell, None)
        score = score or 0.0
        rows.append((score, max_score, score >= max_score))
        if score < max_score:
            failed.append({
                "source": (f"✗ {grade_id}：{_num(score)}/{_num(max_score)} 分"
                           "（測試 cell 沒有正常結束）"),
                "error": html.escape(extract_error(cell) or "（沒有輸出）"),
            })
    if not failed:
        return {}
    earned = round(sum(r[0] for r in rows), 2)
    total = sum(r[1] for r in rows)
    passed = sum(r[2] for r in rows)
    summary = {
        "source": (f"驗證結果：{passed}/{len(rows)} 個測試全部通過，公開測試 "
                   f"{_num(earned)}/{_num(total)} 分"),
        "error": (f"<span class='rnnlab-note'>{html.escape(SUMMARY_NOTE)}</span>\n"
                  f"<span class='rnnlab-note'>下面是還沒全部通過的 {len(failed)} 個測試："
                  "先看第一個。</span>"),
    }
    return {"failed": [summary, *failed]}


def course_validator(config=None):
    """nbgrader's Validator, answering with :func:`report`."""
    from nbformat import current_nbformat
    from nbformat import read as read_nb
    from nbgrader import utils
    from nbgrader.validator import Validator

    class CourseValidator(Validator):
        def validate(self, filename: str) -> dict[str, Any]:
            self.log.info("Validating '%s' (rnnlab)", os.path.abspath(filename))
            dirname, basename = os.path.split(filename)
            with utils.chdir(dirname or "."):
                nb = read_nb(basename, as_version=current_nbformat)
            type_changed = self._get_type_changed_cells(nb)
            if type_changed:
                return {"type_changed": [{
                    "source": "（這個 cell 的類型被改了：請改回原本的類型）\n" + c.source.strip(),
                    "old_type": c.cell_type,
                    "new_type": c.metadata.nbgrader.cell_type} for c in type_changed]}
            with utils.chdir(dirname or "."):
                nb = self._preprocess(nb)
            changed = self._get_changed_cells(nb)
            if changed and not self.ignore_checksums:
                return {"changed": [{
                    "source": ("（這個測試 cell 被改過了：評分時會換回原本的內容。"
                               "請用 Edit → Undo 復原，或從原本的 notebook 複製回來）\n"
                               + c.source.strip())} for c in changed]}
            return report(nb, self._extract_error)

    return CourseValidator(config=config)


def _handlers():
    from jupyter_server.utils import ensure_async
    from nbgrader.server_extensions.validate_assignment.handlers import (
        NbGraderVersionHandler,
        ValidateAssignmentHandler,
    )
    from tornado import web
    from tornado.ioloop import IOLoop

    class CourseValidateHandler(ValidateAssignmentHandler):
        """nbgrader's handler (same URL, same JSON), with the course's validator, run in
        a worker thread."""

        def _run(self, path: str) -> dict:
            root = Path(self.root_dir).resolve()
            target = (root / path).resolve()
            if not target.is_relative_to(root):
                raise web.HTTPError(403, "Access denied: path outside allowed directory")
            try:
                result = course_validator(self.load_config()).validate(str(target))
            except Exception:  # noqa: BLE001 - shown in the dialog, as nbgrader does
                import traceback

                self.log.error(traceback.format_exc())
                return {"success": False, "value": "驗證時發生錯誤 (validation error):\n"
                        + traceback.format_exc()}
            return {"success": True, "value": result}

        @web.authenticated
        async def post(self):
            try:
                path = self.get_argument("path")
            except web.MissingArgumentError:
                path = self.get_json_body()["path"]
            output = await ensure_async(IOLoop.current().run_in_executor(None, self._run, path))
            self.finish(json.dumps(output))

    return [(r"/assignments/validate", CourseValidateHandler),
            (r"/nbgrader_version", NbGraderVersionHandler)]


def _jupyter_server_extension_points():
    return [{"module": "rnnlab.validate"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    from rnnlab import l10n

    web_app = serverapp.web_app
    web_app.settings["root_dir"] = serverapp.root_dir
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base_url, pattern), handler)
                                 for pattern, handler in _handlers()])
    # JupyterLab links custom/custom.css (LabApp.custom_css) from these folders, first
    # match wins; the list is read on each request, so the course's comes first from now
    paths = web_app.settings.setdefault("static_custom_path", [])
    if str(CUSTOM_DIR) not in paths:
        paths.insert(0, str(CUSTOM_DIR))
    l10n.install()
    serverapp.log.info("rnnlab: zh-TW Validate, course stylesheet and translations loaded")
