"""A student's workflow in JupyterLab, driven in Chromium (``make test-browser``).

JupyterLab is started by the real ``make lab`` on a copy of ``notebooks/`` (the student
saves there). In Debian's chromium, through Playwright: open a released notebook in the
course kernel, run all of it (it stops at the first failing cell), read the message of a
test cell whose function is unfinished, type a wrong answer and read the message that
names the mistake, type the right answer and see ✓, press Validate and read the dialog,
save and check the file on disk, and read the interface's language. Each step leaves a
screenshot in ``test-artefacts/browser/`` (git-ignored); ``english-ui.txt`` there lists
the menu items that are still in English.

The tests are skipped when chromium or Playwright is missing, except where
``RNNLAB_REQUIRE_BROWSER`` is set (``make test-browser``, hence CI): there they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from test_lab_server import TOKEN, free_port, start_lab, stop

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artefacts" / "browser"
AID = "lab02_tokenize"
NOTEBOOK = f"{AID}/{AID}.ipynb"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
MENU_BAR = ["檔案", "編輯", "檢視", "執行", "核心", "分頁", "設定", "說明"]

# the answer a student types first: Keras' rules, but forgot to lower-case
WRONG_TOKENIZE = '''FILTERS = '!"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n'


def tokenize(text, filters=FILTERS, lower=True, split=" "):
    for ch in filters:
        text = text.replace(ch, " ")
    return [word for word in text.split(split) if word]
'''

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> str | None:
    return os.environ.get("RNNLAB_CHROMIUM") or shutil.which("chromium") or next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
        None)


def _require(what: str):
    if os.environ.get("RNNLAB_REQUIRE_BROWSER"):
        pytest.fail(f"{what} (RNNLAB_REQUIRE_BROWSER is set: `make test-browser` installs it)")
    pytest.skip(what)


def _reference(grade_id: str) -> str:
    """The reference answer of an answer cell, as a student would type it."""
    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            lines = [ln for ln in cell.source.splitlines()
                     if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            return "\n".join(lines) + "\n"
    raise LookupError(grade_id)


def _cell_index(path: Path, grade_id: str) -> int:
    nb = nbformat.read(path, as_version=4)
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


class Student:
    """The page, the folder JupyterLab serves, and a numbered screenshot per step."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.shots: list[Path] = []

    def shot(self, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{len(self.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        self.shots.append(path)
        return path

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def output(self, index: int) -> str:
        outputs = self.cell(index).locator(".jp-OutputArea-output").all_inner_texts()
        return "\n".join(t.strip() for t in outputs)

    def dirty(self) -> bool:
        return self.page.locator(".lm-TabBar-tab.jp-mod-dirty").count() > 0

    def wait_idle(self, timeout: float = 120) -> None:
        """Until no cell is queued or running (no [*] prompt) and the kernel is idle."""
        self.page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
                     .some(p => p.textContent.includes('*'))
               && document.querySelector('.jp-Notebook-ExecutionIndicator')
                     ?.getAttribute('data-status') !== 'busy'""",
            timeout=timeout * 1000)

    def type_into(self, index: int, code: str) -> None:
        """Replace a cell's code the way a student does: click, select all, type."""
        editor = self.cell(index).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)

    def prompt(self, index: int) -> str:
        return self.cell(index).locator(".jp-InputPrompt").inner_text().strip()

    def run(self, index: int) -> str:
        """Run one cell (select it, Shift+Enter); wait for its new execution count and
        return its output's text."""
        before = self.prompt(index)
        self.cell(index).locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """([i, before]) => {
                 const p = document.querySelectorAll('.jp-Notebook .jp-Cell')[i]
                   .querySelector('.jp-InputPrompt').textContent.trim();
                 return p !== before && /\\d/.test(p);
               }""", arg=[index, before], timeout=120_000)
        return self.output(index)

    def open_menu(self, label: str):
        self.page.locator(".lm-MenuBar-itemLabel", has_text=label).first.click()
        menu = self.page.locator(".lm-Menu").last
        menu.wait_for(state="visible")
        return menu


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a copy of the released notebooks: (url, the copy)."""
    folder = tmp_path_factory.mktemp("student") / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    shutil.copytree(folder, folder.parent / "released")  # as the student got them
    log = folder.parent / "lab.log"
    proc, url = start_lab(ROOT, free_port(), log, notebook_dir=folder)
    try:
        yield url, folder
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def student(lab):
    chromium = _chromium()
    if chromium is None:
        _require("chromium is not installed (Debian: apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("Playwright is not installed (the instructor extra: make setup)")
    url, folder = lab
    if ARTEFACTS.exists():
        shutil.rmtree(ARTEFACTS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.set_default_timeout(60_000)
        page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={TOKEN}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        try:
            yield Student(page, folder)
        finally:
            browser.close()


def test_notebook_opens_in_the_course_kernel(student):
    page = student.page
    page.wait_for_selector(".jp-Toolbar-kernelName:has-text('Python 3 (ch19)')")
    opened_dirty = student.dirty()
    student.wait_idle()
    page.wait_for_function("""() => document.querySelector('.jp-Notebook-ExecutionIndicator')
                                  ?.getAttribute('data-status') === 'idle'""")
    student.shot("opened")
    assert not opened_dirty, "the notebook is marked modified (●) as soon as it opens"


def test_notebook_stays_unmodified_after_the_kernel_starts(student):
    student.page.wait_for_timeout(2000)
    if student.dirty():
        # what the kernel's start changed: JupyterLab writes the kernel's language_info
        student.page.keyboard.press("Control+s")
        student.page.wait_for_timeout(1500)
        saved = nbformat.read(student.folder / NOTEBOOK, as_version=4).metadata
        released = nbformat.read(student.folder.parent / "released" / NOTEBOOK,
                                 as_version=4).metadata
        changed = {k: (released.get(k), saved.get(k)) for k in set(released) | set(saved)
                   if released.get(k) != saved.get(k)}
        shutil.copy(student.folder.parent / "released" / NOTEBOOK, student.folder / NOTEBOOK)
        student.page.reload()
        student.page.wait_for_selector(".jp-Notebook .jp-Cell")
        student.wait_idle()
        pytest.fail(f"the notebook is marked modified (●) once the kernel starts; the "
                    f"metadata it changes (released, after): {json.dumps(changed)}")


def test_run_all_stops_at_the_first_failing_cell(student):
    """Run All from the Run menu: the test cells never raise, the first demo cell that
    calls an unfinished function does, and nothing after it runs."""
    menu = student.open_menu("執行")
    menu.locator(".lm-Menu-itemLabel", has_text=re.compile("^執行所有儲存格$")).click()
    student.page.wait_for_timeout(500)
    student.wait_idle()
    nb = nbformat.read(student.folder / NOTEBOOK, as_version=4)
    prompts = student.page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").all_inner_texts()
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    errors = [i for i in code if student.cell(i).locator(".jp-OutputArea-output[data-mime-type"
                                                        "='application/vnd.jupyter.stderr']")
              .count()]
    assert errors, "no cell failed: the stub notebook should stop at an unfinished function"
    first = errors[0]
    student.cell(first).scroll_into_view_if_needed()
    student.cell(first).locator(".jp-InputPrompt").click()  # select it: JupyterLab shows it
    student.page.wait_for_timeout(800)
    student.shot("run-all-stopped")
    ran_after = [i for i in code if i > first and re.search(r"\d", prompts[i])]
    assert not ran_after, f"Run All went on after the failing cell {first}: {ran_after}"


def test_an_unfinished_function_is_named(student):
    index = _cell_index(student.folder / NOTEBOOK, "test_tokenize")
    text = student.run(index)
    student.shot("unfinished")
    assert text.startswith("✗ test_tokenize")
    assert "還沒完成" in text and "NotImplementedError" in text


def test_a_wrong_answer_is_explained(student):
    answer = _cell_index(student.folder / NOTEBOOK, "tokenize")
    test = _cell_index(student.folder / NOTEBOOK, "test_tokenize")
    student.type_into(answer, WRONG_TOKENIZE)
    student.run(answer)
    text = student.run(test)
    student.cell(test).scroll_into_view_if_needed()
    student.shot("wrong-answer")
    first, *causes = text.splitlines()
    assert first.startswith("✗ test_tokenize") and "分" in first
    assert causes and "小寫" in causes[0], text  # names the mistake: no lower()
    assert len(text.splitlines()) <= 12


def test_the_right_answer_passes(student):
    answer = _cell_index(student.folder / NOTEBOOK, "tokenize")
    test = _cell_index(student.folder / NOTEBOOK, "test_tokenize")
    student.type_into(answer, _reference("tokenize"))
    student.run(answer)
    text = student.run(test)
    student.cell(test).scroll_into_view_if_needed()
    student.shot("right-answer")
    assert text.startswith("✓ test_tokenize"), text


def test_validate_shows_the_verdicts_in_zh_tw(student):
    page = student.page
    button = page.locator(".validate-button")
    label = button.evaluate("b => getComputedStyle(b.querySelector("
                            "'.jp-ToolbarButtonComponent-label'), '::before').content")
    assert "驗證" in label  # the button reads 驗證 Validate
    button.click()
    page.wait_for_selector("#validation-message", timeout=300_000)
    page.wait_for_timeout(500)
    student.shot("validate")
    text = page.locator("#validation-message").inner_text()
    header = page.evaluate("getComputedStyle(document.querySelector('.jp-Dialog-header'), "
                           "'::before').content")
    hidden = page.locator("#validation-message p", has_text="The following cell failed")
    english_visible = [hidden.nth(i).is_visible() for i in range(hidden.count())]
    page.locator(".jp-Dialog .jp-mod-accept").click()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert "驗證結果" in header
    assert not any(english_visible)
    assert lines[0].startswith("驗證結果：1/4 個測試全部通過"), text
    verdicts = [ln for ln in lines if ln.startswith("✗ ")]
    assert verdicts and verdicts[0].startswith("✗ test_build_vocab"), text
    assert "test_tokenize" not in text  # it passes: not listed


def test_saving_writes_the_answer_to_disk(student):
    page = student.page
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')")
    student.shot("saved")
    nb = nbformat.read(student.folder / NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    assert cells["tokenize"].source.strip() == _reference("tokenize").strip()
    verdict = [o for o in cells["test_tokenize"].outputs if o.output_type == "execute_result"]
    data = verdict[0]["data"]["application/vnd.rnnlab.verdict+json"]
    assert data["passed"] and data["points"] == data["max_points"]
    released = nbformat.read(student.folder.parent / "released" / NOTEBOOK, as_version=4)
    released_tests = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
                      if c.metadata.get("nbgrader", {}).get("grade")}
    assert {k: cells[k].source for k in released_tests} == released_tests


def test_the_interface_is_in_traditional_chinese(student):
    """The menu bar and the menus a student uses are zh-TW; what stays English is listed
    in test-artefacts/browser/english-ui.txt (README says the same)."""
    page = student.page
    bar = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    # the instructor repository also has nbgrader's menu (Formgrader, Create Assignment...)
    assert [b for b in bar if b != "Nbgrader"] == MENU_BAR, bar
    english = {}
    for label in bar:
        menu = student.open_menu(label)
        items = [t.strip() for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts()
                 if t.strip()]
        if label == "執行":
            student.shot("run-menu")
            assert "執行選取的儲存格上方的所有儲存格" in items  # was 執行所有下方區塊 ("below")
            assert not [t for t in items if " and " in t], items  # no '重新啟動核心 and …'
        english[label] = [t for t in items if not re.search(r"[\u4e00-\u9fff]", t)]
        page.keyboard.press("Escape")
    toolbar = page.locator(".jp-NotebookPanel-toolbar [title]").evaluate_all(
        "els => els.map(e => e.title).filter(Boolean)")
    english["toolbar (tooltips)"] = [t for t in toolbar if not re.search(r"[\u4e00-\u9fff]", t)]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "english-ui.txt").write_text(
        "\n".join(f"{k}: {', '.join(v) or '-'}" for k, v in english.items()) + "\n",
        encoding="utf-8")
    for label in ("檔案", "編輯", "執行", "核心"):  # the menus of the workflow: all zh-TW
        assert not english[label], (label, english[label])
