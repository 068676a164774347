"""The student's platform: `python -m rnnlab` (setup, lab, data, check without make), the
course kernel (Run All stops at an error under load; the same language_info everywhere),
Chinese figure labels where a CJK font exists, the zh-TW translations layered over the
language pack, the zh-TW Validate report, and the student copy's README/Makefile builder."""

from __future__ import annotations

import gettext
import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from rnnlab import cli, fonts, l10n, terminal_check, validate
from rnnlab.checking import VERDICT_MIME
from rnnlab.kernel import LANGUAGE_INFO

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- python -m rnnlab
def test_the_environment_is_the_running_one_in_a_venv_else_dot_venv(monkeypatch):
    monkeypatch.delenv("RNNLAB_VENV", raising=False)
    monkeypatch.setattr(cli, "in_virtual_env", lambda: True)
    assert cli.target_env(None) is None
    assert cli.target_env("current") is None
    assert cli.target_env(".venv") == cli.REPO_ROOT / ".venv"
    monkeypatch.setattr(cli, "in_virtual_env", lambda: False)
    assert cli.target_env(None) == cli.REPO_ROOT / ".venv"
    monkeypatch.setenv("RNNLAB_VENV", "current")
    assert cli.target_env(None) is None


def test_lab_command_is_jupyterlab_of_this_environment(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(cli, "_is_root", lambda: True)
    cmd = cli.lab_command("/x/notebooks", 8890, ["--no-browser", "--ServerApp.ip=127.0.0.1"])
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--notebook-dir=/x/notebooks" in cmd and "--port=8890" in cmd
    assert "--allow-root" in cmd and cmd.count("--no-browser") == 1
    monkeypatch.setattr(cli, "_is_root", lambda: False)
    monkeypatch.setenv("DISPLAY", ":0")
    assert "--no-browser" not in cli.lab_command("nb", 8888, [])


def test_unknown_options_are_refused_except_jupyterlabs():
    with pytest.raises(SystemExit):
        cli.main(["check", "--venv", "current", "--no-such-option"])
    args, extra = cli.build_parser().parse_known_args(
        ["lab", "--port", "9", "--ServerApp.ip=127.0.0.1", "--no-browser"])
    assert args.port == 9 and extra == ["--ServerApp.ip=127.0.0.1", "--no-browser"]


@pytest.mark.parametrize("mode, enabled_lab, enabled_server", [
    ("student", set(), set()),
    ("hub", {"assignment-list", "menu"}, {"assignment_list"}),
    ("instructor", set(cli.NBGRADER_LAB), set(cli.NBGRADER_SERVER)),
])
def test_nbgrader_interface_per_mode(tmp_path, monkeypatch, mode, enabled_lab, enabled_server):
    """Students keep only Validate (the course's, in zh-TW); on JupyterHub also the
    Assignments list; instructors all of nbgrader."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    etc = tmp_path / "etc" / "jupyter"
    (etc / "labconfig").mkdir(parents=True)
    (etc / "labconfig" / "page_config.json").write_text(json.dumps(
        {"lockedExtensions": {"@jupyter/nbgrader:formgrader": True}, "other": 1}))
    cli.configure_nbgrader(mode)
    page = json.loads((etc / "labconfig" / "page_config.json").read_text())
    assert page["other"] == 1
    for name in cli.NBGRADER_LAB:
        assert page["disabledExtensions"][f"@jupyter/nbgrader:{name}"] is (name not in enabled_lab)

    def server(name):
        data = json.loads((etc / "jupyter_server_config.d" / f"{name}.json").read_text())
        return data["ServerApp"]["jpserver_extensions"][name]

    for name in cli.NBGRADER_SERVER:
        assert server(f"nbgrader.server_extensions.{name}") is (name in enabled_server)
    assert server("rnnlab.validate") is True
    assert server("nbgrader.server_extensions.validate_assignment") is False
    assert json.loads((etc / "jupyter_lab_config.json").read_text())["LabApp"]["custom_css"]


def test_setup_redoes_its_work_when_an_input_or_the_mode_changes():
    assert cli._inputs_digest("student") == cli._inputs_digest("student")
    assert cli._inputs_digest("student") != cli._inputs_digest("hub")


def test_this_environment_was_set_up_by_the_cli():
    """`make setup` ran `python -m rnnlab setup` here: the kernel config, the lab settings
    and the stamp are where JupyterLab and the kernel read them."""
    prefix = Path(sys.prefix)
    config = json.loads((prefix / "etc/ipython/ipython_kernel_config.json").read_text())
    assert config["IPKernelApp"]["kernel_class"] == "rnnlab.kernel.CourseKernel"
    assert config["Kernel"]["stop_on_error_timeout"] == cli.STOP_ON_ERROR_TIMEOUT
    settings = prefix / "share/jupyter/lab/settings/overrides.json"
    assert json.loads(settings.read_text()) == json.loads(
        (ROOT / "jupyter/overrides.json").read_text())
    kernel = json.loads((prefix / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert kernel["display_name"] == "Python 3 (ch19)"
    assert Path(kernel["argv"][0]).exists(), "the kernelspec points at a Python that is gone"


# ---------------------------------------------------------------- the course kernel
def _run_all_with_a_late_request(kernel_class: str | None, delay: float):
    """The failing cell's request, then one created with it (the same Run All) that
    reaches the kernel ``delay`` seconds later, then one run after reading the error."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    extra = [f"--IPKernelApp.kernel_class={kernel_class}"] if kernel_class else []
    km.start_kernel(extra_arguments=extra)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        content = {"silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        failing = kc.session.msg("execute_request", dict(content, code="1 / 0"))
        late = kc.session.msg("execute_request", dict(content, code="x = 1"))
        kc.shell_channel.send(failing)
        time.sleep(delay)
        kc.shell_channel.send(late)
        replies: dict = {}

        def reply(msg_id: str) -> dict:
            while msg_id not in replies:
                msg = kc.get_shell_msg(timeout=30)
                replies[msg["parent_header"].get("msg_id")] = msg["content"]
            return replies[msg_id]

        first = reply(failing["header"]["msg_id"])["status"]
        second = reply(late["header"]["msg_id"])["status"]
        time.sleep(1.0)  # the student reads the error, then runs a cell
        after = reply(kc.execute("y = 2", stop_on_error=True))["status"]
        info = reply(kc.kernel_info())["language_info"]
        return first, second, after, info
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.slow
def test_run_all_stops_at_an_error_however_late_the_next_cell_arrives():
    # the environment's kernel (its config selects the course kernel)
    failing, late, after, info = _run_all_with_a_late_request(None, 0.5)
    assert (failing, late, after) == ("error", "aborted", "ok")
    assert info == LANGUAGE_INFO
    # why: IPython's own kernel runs the late request of the same Run All
    failing, late, _, _ = _run_all_with_a_late_request("ipykernel.ipkernel.IPythonKernel", 0.5)
    assert (failing, late) == ("error", "ok")


# ---------------------------------------------------------------- figures
def test_figure_labels_follow_the_installed_fonts(monkeypatch):
    import matplotlib

    rc = dict(matplotlib.rcParams)
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    assert fonts.label("時間步 t", "time step t") == "time step t"
    assert not fonts.use_cjk_font(rc)
    monkeypatch.setattr(fonts, "cjk_family", lambda: "Noto Sans CJK TC")
    assert fonts.use_cjk_font(rc) and rc["font.family"] == ["DejaVu Sans", "Noto Sans CJK TC"]
    monkeypatch.setenv(fonts.ENV_VAR, "en")
    assert fonts.label("時間步 t", "time step t") == "time step t"


def test_chinese_labels_render_where_a_cjk_font_is_installed(tmp_path):
    import warnings

    import matplotlib

    if fonts.cjk_family() is None:
        pytest.skip("no CJK font on this machine (make setup installs fonts-noto-cjk as root)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():
        title = fonts.label("梯度的範數 gradient norm", "gradient norm")
        fig, ax = plt.subplots(figsize=(3, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font" fails the test
            ax.set_title(title)
            fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    assert title.startswith("梯度")


# ---------------------------------------------------------------- translations
def test_the_overlay_comes_first_and_falls_back_to_the_pack():
    class Pack(gettext.NullTranslations):
        def gettext(self, message):
            return {"Cancel": "取消"}.get(message, message)

        def pgettext(self, context, message):
            return message

    overlay = l10n.Overlay(l10n.catalog())
    overlay.add_fallback(Pack())
    assert overlay.pgettext("menu", "File") == "檔案"
    assert overlay.gettext("Run All Above Selected Cell") == "執行選取的儲存格上方的所有儲存格"
    assert overlay.gettext("Not in any catalog") == "Not in any catalog"
    catalog = l10n.catalog()
    assert all(len(catalog[k]) == 2 for k in l10n.PLURALS)  # JupyterLab needs both forms
    assert all(len(catalog[k]) == 1 for k in l10n.STRINGS if k not in l10n.PLURALS)


def test_install_layers_the_catalog_over_the_language_pack():
    from jupyterlab_server import translations_handler

    l10n.install()
    l10n.install()  # idempotent
    data, message = translations_handler.get_language_pack("zh_TW")
    assert not message
    assert data["jupyterlab"]["menu\x04Kernel"] == ["核心"]
    assert data["jupyterlab"]["Cancel"] == ["取消"]  # the pack's entries stay
    assert data["notebook"]["Open in Jupyter Notebook"] == ["在 Jupyter Notebook 中開啟"]
    english, _ = translations_handler.get_language_pack("en")
    assert "menu\x04Kernel" not in english.get("jupyterlab", {})


# ---------------------------------------------------------------- python -m rnnlab check
def test_check_runs_the_public_checks_of_each_notebook(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "notebooks"
    for aid in ("lab02_tokenize",):
        (folder / aid).mkdir(parents=True)
        shutil.copy(ROOT / "notebooks" / aid / f"{aid}.ipynb", folder / aid)
    monkeypatch.setattr(terminal_check, "NOTEBOOKS", folder)
    assert terminal_check.main([], details=True) == 0
    out = capsys.readouterr().out
    assert "lab02_tokenize" in out and "  tokenize" in out and "0/2" in out
    assert "還沒完成" in out  # --details: each failing test's feedback
    rows, errors = terminal_check.check_notebook(
        ROOT / "solutions" / "lab02_tokenize" / "lab02_tokenize.ipynb")
    assert not errors and rows and all(r.passed == r.total > 0 for r in rows)
    assert sum(r.points for r in rows) == sum(r.max_points for r in rows)


def test_check_table_aligns_chinese_and_names_unknown_notebooks():
    rows = [terminal_check.Row("lab02_tokenize", "test_tokenize", 2, 11, 11, 2.0)]
    lines = terminal_check.table(rows)
    assert lines[1] == "lab02_tokenize" and lines[2].endswith("2/2  ✓")
    assert terminal_check._width("函式") == 4
    with pytest.raises(SystemExit, match="找不到 notebook"):
        terminal_check.notebook_paths(["no_such_lab"])
    assert terminal_check._public_call(
        'run_public("lab02_tokenize", "test_tokenize", globals(), points=2)'
    ) == ("lab02_tokenize", "test_tokenize", 2.0)


# ---------------------------------------------------------------- Validate
def _graded_notebook(verdicts: list[dict]):
    nb = nbformat.v4.new_notebook()
    for v in verdicts:
        cell = nbformat.v4.new_code_cell("run_public(...)")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": v["grade_id"], "points": v["max_points"],
                                     "schema_version": 3}
        cell.outputs = [nbformat.v4.new_output("execute_result", {
            "text/plain": repr(v["points"]), VERDICT_MIME: v}, execution_count=1)]
        nb.cells.append(cell)
    return nb


def test_validate_report_puts_the_verdicts_first():
    ok = {"grade_id": "test_tokenize", "points": 2, "max_points": 2, "passed": True,
          "lines": ["✓ test_tokenize：2/2 分"], "checks": []}
    bad = {"grade_id": "test_build_vocab", "points": 1.5, "max_points": 3, "passed": False,
           "lines": ["✗ test_build_vocab：1.5/3 分（4/8 項檢查通過）", "  - 出現次數 <多> 的字"],
           "checks": []}
    report = validate.report(_graded_notebook([ok, bad]), lambda cell: "")
    summary, entry = report["failed"]
    assert summary["source"] == "驗證結果：1/2 個測試全部通過，公開測試 3.5/5 分"
    assert entry["source"].startswith("✗ test_build_vocab")
    assert "&lt;多&gt;" in entry["error"]  # the causes are escaped HTML
    assert validate.report(_graded_notebook([ok]), lambda cell: "") == {}


# ---------------------------------------------------------------- the student copy
def test_student_build_fills_the_readme_and_replaces_the_makefile(tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(ROOT / "student", dist / "student")
    (dist / "README.md").write_text(
        "# instructors\n<!-- BEGIN GENERATED: assignments -->\n| a |\n"
        "<!-- END GENERATED: assignments -->\n<!-- BEGIN GENERATED: points -->\n| p |\n"
        "<!-- END GENERATED: points -->\n", encoding="utf-8")
    (dist / "Makefile").write_text("release:\n")
    spec = importlib.util.spec_from_file_location("student_build", dist / "student/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(dist)
    readme = (dist / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 第 19 章") and "| a |" in readme and "| p |" in readme
    assert (dist / "Makefile").read_text() == (ROOT / "student/Makefile").read_text()
    assert not (dist / "student").exists()
