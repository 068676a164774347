"""The zh-TW JupyterLab interface, completed where the language pack stops.

The zh-TW language pack (jupyterlab-language-pack-zh-TW 4.5.post3) translates about 500
of JupyterLab's strings: the menu bar stays English (File, Edit, View...), menus mix
languages, and a few entries are wrong ('Run All Above Selected Cell' reads 執行所有下方區塊,
"below"). :data:`CATALOG` adds what a student of this course sees (the menu bar, the
File, Edit, View, Run, Kernel and Settings menus, the notebook's toolbar, the kernel and
save dialogs) and corrects those entries, in Taiwan's usage (儲存格 cell, 核心 kernel,
筆記本 notebook).

:func:`install` (called by the course's server extension, :mod:`rnnlab.validate`) layers
it over the language pack, without changing any installed file: the catalogs JupyterLab
fetches (``/lab/api/translations/zh_TW``, domain ``jupyterlab``) and the server-side
translation of settings schemas (the menu bar's titles) both see these entries first.
Only zh_TW is touched: another language, or English, is exactly as installed.
"""

from __future__ import annotations

import gettext

LOCALE = "zh_TW"
DOMAIN = "jupyterlab"
CONTEXT = "\x04"  # gettext's context separator: "menu\x04File"

# the menu bar's titles come from settings schemas, translated in the "menu" context
MENU_BAR = {
    "File": "檔案",
    "Edit": "編輯",
    "View": "檢視",
    "Run": "執行",
    "Kernel": "核心",
    "Tabs": "分頁",
    "Settings": "設定",
    "Help": "說明",
    "Language": "語言",
    "New": "新增",
    "Appearance": "外觀",
    "Theme": "佈景主題",
    "Save and Export Notebook As…": "另存並匯出筆記本為…",
    "Export Notebook As…": "匯出筆記本為…",
    "Text Editor Key Map": "文字編輯器按鍵配置",
    "Text Editor Theme": "文字編輯器佈景主題",
    "Text Editor Indentation": "文字編輯器縮排",
    "Console Run Keystroke": "主控台執行按鍵",
    "Open Recent": "最近開啟的檔案",
    "Save and Export Notebook As": "另存並匯出筆記本為",
    "Workspaces": "工作區",
    "Code Folding": "程式碼摺疊",
    "Text Editor Syntax Highlighting": "文字編輯器語法標示",
    "Terminal Theme": "終端機佈景主題",
}

# everything else: the labels of menu items, toolbar buttons and dialogs
STRINGS = {
    "New Launcher": "新增啟動器",
    "Open from Path…": "從路徑開啟…",
    "Open from URL…": "從網址開啟…",
    "Close Tab": "關閉分頁",
    "Close and Shut Down Notebook": "關閉筆記本並關閉核心",
    "Close and Shut Down Notebook…": "關閉筆記本並關閉核心…",
    "Close All Tabs": "關閉所有分頁",
    "Save Notebook": "儲存筆記本",
    "Save": "儲存",
    "Save Notebook As…": "另存筆記本為…",
    "Save As…": "另存為…",
    "Save All": "全部儲存",
    "Rename Notebook…": "重新命名筆記本…",
    "Rename…": "重新命名…",
    "Reload Notebook from Disk": "從磁碟重新載入筆記本",
    "Revert Notebook to Checkpoint…": "將筆記本還原到檢查點…",
    "Download": "下載",
    "Print…": "列印…",
    "Log Out": "登出",
    "Shut Down": "關閉伺服器",
    "Notebook": "筆記本",
    "Console": "主控台",
    "Terminal": "終端機",
    "Text File": "文字檔",
    "Markdown File": "Markdown 檔案",
    "Python File": "Python 檔案",
    "New Console for Notebook": "為筆記本開啟新的主控台",
    "Trust Notebook": "信任筆記本",
    "Undo": "復原",
    "Redo": "重做",
    "Cut Cell": "剪下儲存格",
    "Copy Cell": "複製儲存格",
    "Cut Cells": "剪下儲存格",
    "Copy Cells": "複製儲存格",
    "Paste Cell Below": "在下方貼上儲存格",
    "Paste Cell Above": "在上方貼上儲存格",
    "Paste Cells Below": "在下方貼上儲存格",
    "Paste Cells Above": "在上方貼上儲存格",
    "Paste Cell and Replace": "貼上並取代儲存格",
    "Paste Cells and Replace": "貼上並取代儲存格",
    "Delete Cell": "刪除儲存格",
    "Delete Cells": "刪除儲存格",
    "Select All Cells": "選取所有儲存格",
    "Deselect All Cells": "取消選取所有儲存格",
    "Move Cell Up": "上移儲存格",
    "Move Cell Down": "下移儲存格",
    "Move Cells Up": "上移儲存格",
    "Move Cells Down": "下移儲存格",
    "Split Cell": "分割儲存格",
    "Merge Selected Cells": "合併選取的儲存格",
    "Merge Cell Above": "與上方儲存格合併",
    "Merge Cell Below": "與下方儲存格合併",
    "Clear Output": "清除輸出",
    "Clear Outputs of All Cells": "清除所有儲存格的輸出",
    "Clear Cell Output": "清除儲存格輸出",
    "Clear Outputs of Selected Cells": "清除選取儲存格的輸出",
    "Find…": "尋找…",
    "Find Next": "尋找下一個",
    "Find Previous": "尋找上一個",
    "Find and Replace…": "尋找並取代…",
    "Undo Cell Operation": "復原儲存格操作",
    "Redo Cell Operation": "重做儲存格操作",
    "Presentation Mode": "簡報模式",
    "Simple Interface": "簡單介面",
    "Show Left Sidebar": "顯示左側欄",
    "Show Right Sidebar": "顯示右側欄",
    "Show Status Bar": "顯示狀態列",
    "Show Log Console": "顯示記錄主控台",
    "Show Line Numbers": "顯示行號",
    "Collapse Selected Code": "摺疊選取的程式碼",
    "Collapse Selected Outputs": "摺疊選取的輸出",
    "Collapse All Code": "摺疊所有程式碼",
    "Collapse All Outputs": "摺疊所有輸出",
    "Expand Selected Code": "展開選取的程式碼",
    "Expand Selected Outputs": "展開選取的輸出",
    "Expand All Code": "展開所有程式碼",
    "Expand All Outputs": "展開所有輸出",
    "Render Side-by-Side": "並排顯示",
    "Enable Scrolling for Outputs": "輸出可捲動",
    "Disable Scrolling for Outputs": "輸出不捲動",
    "Table of Contents": "目錄",
    "File Browser": "檔案瀏覽器",
    "Property Inspector": "屬性檢視器",
    "Running Terminals and Kernels": "執行中的終端機與核心",
    "Command Palette": "指令面板",
    "Show Minimap": "顯示縮圖",
    "Activate Command Palette": "開啟指令面板",
    "Fullscreen Mode": "全螢幕模式",
    "Show Header": "顯示標題列",
    "Run Selected Cell": "執行選取的儲存格",
    "Run Selected Cells": "執行選取的儲存格",
    "Run Selected Cell and Insert Below": "執行選取的儲存格並在下方插入",
    "Run Selected Cell and Do not Advance": "執行選取的儲存格（不移動）",
    "Run Selected Cells and Do not Advance": "執行選取的儲存格（不移動）",
    "Run Selected Text or Current Line in Console": "在主控台執行選取的文字或目前這一行",
    "Run Selected Cell and All Below": "執行選取的儲存格與下方所有儲存格",
    "Run All Above Selected Cell": "執行選取的儲存格上方的所有儲存格",
    "Run All Cells": "執行所有儲存格",
    "Run All": "全部執行",
    "Render All Markdown Cells": "顯示所有 Markdown 儲存格",
    "Restart Kernel and Run All Cells…": "重新啟動核心並執行所有儲存格…",
    "Restart Kernel and Run up to Selected Cell…": "重新啟動核心並執行到選取的儲存格…",
    "Restart the kernel and run all cells": "重新啟動核心並執行所有儲存格",
    "Restart the kernel, then re-run the whole notebook": "重新啟動核心，再重新執行整本筆記本",
    "Run this cell and advance": "執行這個儲存格並移到下一個",
    "Run the selected cells and advance": "執行選取的儲存格並移到下一個",
    "Interrupt Kernel": "中斷核心",
    "Restart Kernel…": "重新啟動核心…",
    "Restart Kernel and Clear Outputs of All Cells…": "重新啟動核心並清除所有儲存格的輸出…",
    "Restart Kernel and Clear…": "重新啟動核心並清除輸出…",
    "Restart Kernel and Run All": "重新啟動核心並全部執行",
    "Shut Down Kernel": "關閉核心",
    "Shut Down All Kernels…": "關閉所有核心…",
    "Change Kernel…": "更換核心…",
    "Reconnect to Kernel": "重新連線到核心",
    "Interrupt the kernel": "中斷核心",
    "Restart the kernel": "重新啟動核心",
    "Restart Kernel?": "要重新啟動核心嗎？",
    "Restart": "重新啟動",
    "Do you want to restart the kernel of %1? All variables will be lost.":
        "要重新啟動 %1 的核心嗎？所有的變數都會消失。",
    "Do you want to restart the current kernel? All variables will be lost.":
        "要重新啟動目前的核心嗎？所有的變數都會消失。",
    "Kernel Restarting": "核心重新啟動中",
    "Kernel Idle": "核心閒置",
    "Kernel Busy": "核心忙碌中",
    "Select Kernel": "選擇核心",
    "Select kernel for: \"%1\"": "為「%1」選擇核心",
    "Start a new kernel for %1": "為 %1 啟動新的核心",
    "Activate Next Tab": "切換到下一個分頁",
    "Activate Previous Tab": "切換到上一個分頁",
    "Activate Previously Used Tab": "切換到上次使用的分頁",
    "Settings Editor": "設定編輯器",
    "Advanced Settings Editor": "進階設定編輯器",
    "Autosave Documents": "自動儲存文件",
    "Theme Scrollbars": "佈景主題捲軸",
    "Increase Code Font Size": "放大程式碼字型",
    "Decrease Code Font Size": "縮小程式碼字型",
    "Increase Content Font Size": "放大內容字型",
    "Decrease Content Font Size": "縮小內容字型",
    "Increase UI Font Size": "放大介面字型",
    "Decrease UI Font Size": "縮小介面字型",
    "Use Theme: JupyterLab Light": "使用佈景主題：JupyterLab 淺色",
    "Use Theme: JupyterLab Dark": "使用佈景主題：JupyterLab 深色",
    "Synchronize Styling Theme with System Settings": "佈景主題跟隨系統設定",
    "About %1": "關於 %1",
    "Show Keyboard Shortcuts": "顯示鍵盤快捷鍵",
    "Show Keyboard Shortcuts…": "顯示鍵盤快捷鍵…",
    "Jupyter Reference": "Jupyter 參考文件",
    "JupyterLab Reference": "JupyterLab 參考文件",
    "JupyterLab FAQ": "JupyterLab 常見問題",
    "Markdown Reference": "Markdown 參考文件",
    "Licenses": "授權",
    "Launch Classic Notebook": "開啟傳統版 Notebook",
    "Save and create checkpoint": "儲存並建立檢查點",
    "Insert a cell below": "在下方插入儲存格",
    "Cut the selected cells": "剪下選取的儲存格",
    "Copy the selected cells": "複製選取的儲存格",
    "Paste cells from the clipboard": "從剪貼簿貼上儲存格",
    "Run the selected cells and advance (Shift+Enter)":
        "執行選取的儲存格並移到下一個 (Shift+Enter)",
    "Select the cell type": "選擇儲存格類型",
    "Code": "程式碼",
    "Markdown": "Markdown",
    "Raw": "原始",
    "Insert Cell Above": "在上方插入儲存格",
    "Insert Cell Below": "在下方插入儲存格",
    "Change to Code Cell Type": "改成程式碼儲存格",
    "Change to Markdown Cell Type": "改成 Markdown 儲存格",
    "Change to Raw Cell Type": "改成原始儲存格",
    "Edit Mode": "編輯模式",
    "Command Mode": "命令模式",
    "Notebook trusted": "筆記本已信任",
    "Notebook not trusted": "筆記本未受信任",
    "Save your work": "儲存你的工作",
    "Saving…": "儲存中…",
    "Saving completed": "已儲存",
    "Saving started": "開始儲存",
    "Save changes in \"%1\" before closing?": "關閉前要儲存「%1」的變更嗎？",
    "Discard": "放棄變更",
    "Cancel": "取消",
    "Ok": "確定",
    "OK": "確定",
    "Close": "關閉",
    "File Changed": "檔案已變更",
    "Overwrite": "覆寫",
    "Revert": "還原",
    "Unsaved changes": "未儲存的變更",
    "Modified": "修改時間",
    "Last Modified": "最後修改時間",
    "%1 and %2": "%1並%2",
    "New View for Notebook": "為筆記本開新檢視",
    "Duplicate Notebook": "複製筆記本",
    "Workspaces": "工作區",
    "Restart Kernel and Debug…": "重新啟動核心並除錯…",
    "Sessions and Tabs": "工作階段與分頁",
    "Debugger Panel": "除錯面板",
    "Show Notifications": "顯示通知",
    "Show Hidden Files": "顯示隱藏檔案",
    "Match Brackets": "標示對應的括號",
    "Code Folding": "程式碼摺疊",
    "Text Editor Syntax Highlighting": "文字編輯器語法標示",
    "Show Active File in File Browser": "在檔案瀏覽器中顯示目前的檔案",
    "Auto Close Brackets": "自動補上右括號",
    "Terminal Theme": "終端機佈景主題",
    "Save Widget State Automatically": "自動儲存 widget 狀態",
    "Show Contextual Help": "顯示相關說明",
    "Jupyter Forum": "Jupyter 論壇",
    "Enable Debugger": "啟用除錯器",
    "Disable Debugger": "停用除錯器",
    "More commands": "更多指令",
    "Open in Jupyter Notebook": "在 Jupyter Notebook 中開啟",
    "Launch Jupyter Notebook File Browser": "開啟 Jupyter Notebook 檔案瀏覽器",
    "Save %1": "儲存 %1",
    "Save %1 As…": "另存 %1 為…",
    "Rename%1…": "重新命名%1…",
    "Revert %1 to Checkpoint…": "將 %1 還原到檢查點…",
    "Rename %1…": "重新命名 %1…",
    "Duplicate %1": "複製 %1",
    "New View for %1": "為 %1 開新檢視",
}


# strings JupyterLab translates with a plural form (its catalog then needs two forms)
PLURALS = {
    "Run Selected Cell": "執行選取的儲存格",
    "Run Selected Cell and Insert Below": "執行選取的儲存格並在下方插入",
    "Run Selected Cell and Do not Advance": "執行選取的儲存格（不移到下一個）",
    "Cut Cell": "剪下儲存格",
    "Copy Cell": "複製儲存格",
    "Paste Cell Below": "在下方貼上儲存格",
    "Paste Cell Above": "在上方貼上儲存格",
    "Paste Cell and Replace": "貼上並取代儲存格",
    "Delete Cell": "刪除儲存格",
    "Move Cell Up": "上移儲存格",
    "Move Cell Down": "下移儲存格",
    "Cut this cell": "剪下這個儲存格",
    "Copy this cell": "複製這個儲存格",
    "Paste this cell from the clipboard": "從剪貼簿貼上儲存格",
    "Run this cell and advance": "執行這個儲存格並移到下一個",
    "Cut this cell (X)": "剪下這個儲存格 (X)",
    "Copy this cell (C)": "複製這個儲存格 (C)",
    "Paste this cell from the clipboard (V)": "從剪貼簿貼上儲存格 (V)",
    "Run this cell and advance (Shift+Enter)": "執行這個儲存格並移到下一個 (Shift+Enter)",
}


# other translation domains: Jupyter Notebook's lab extension and ipywidgets' settings
OTHER_DOMAINS = {
    "notebook": {
        "Launch Jupyter Notebook File Browser": "開啟 Jupyter Notebook 檔案瀏覽器",
        "Open in Jupyter Notebook": "在 Jupyter Notebook 中開啟",
        "Open in %1": "在 %1 中開啟",
    },
    "jupyterlab_widgets": {"Save Widget State Automatically": "自動儲存 widget 狀態"},
}


def catalog(domain: str = DOMAIN) -> dict[str, list[str]]:
    """The entries in JupyterLab's JSON catalog format (``{msgid: [translation]}``,
    ``"menu\\x04File"`` for a string in the ``menu`` context)."""
    if domain != DOMAIN:
        return {key: [value] for key, value in OTHER_DOMAINS.get(domain, {}).items()}
    entries = {key: [value] for key, value in STRINGS.items()}
    entries.update({key: [value, value] for key, value in PLURALS.items()})
    for key, value in MENU_BAR.items():
        entries[f"menu{CONTEXT}{key}"] = [value]
        entries.setdefault(key, [value])
    return entries


def merged(pack: dict, domain: str = DOMAIN) -> dict:
    """A language pack's catalog of ``domain`` with :func:`catalog` over it."""
    out = dict(pack)
    out.update(catalog(domain))
    return out


class Overlay(gettext.NullTranslations):
    """gettext over the language pack's ``.mo``: :func:`catalog` first, then the pack."""

    def __init__(self, entries: dict[str, list[str]]):
        super().__init__()
        self._entries = entries

    def gettext(self, message):
        hit = self._entries.get(message)
        if hit:
            return hit[0]
        return self._fallback.gettext(message) if self._fallback else message

    def pgettext(self, context, message):
        hit = self._entries.get(f"{context}{CONTEXT}{message}") or self._entries.get(message)
        if hit:
            return hit[0]
        return self._fallback.pgettext(context, message) if self._fallback else message


def install() -> None:
    """Layer :func:`catalog` over the zh_TW language pack in this server process."""
    from jupyterlab_server import translation_utils, translations_handler

    if getattr(translation_utils, "_rnnlab_l10n", False):
        return
    translation_utils._rnnlab_l10n = True
    get_pack = translations_handler.get_language_pack

    def get_language_pack(locale_: str):
        data, message = get_pack(locale_)
        if locale_ == LOCALE and DOMAIN in data:
            data = dict(data)
            for domain in (DOMAIN, *OTHER_DOMAINS):
                if domain in data:
                    data[domain] = merged(data[domain], domain)
        return data, message

    translations_handler.get_language_pack = get_language_pack
    bundle_class = translation_utils.TranslationBundle
    update_locale = bundle_class.update_locale

    def update_with_overlay(self, locale_: str) -> None:
        update_locale(self, locale_)
        if locale_ == LOCALE and (self._domain == DOMAIN or self._domain in OTHER_DOMAINS):
            overlay = Overlay(catalog(self._domain))
            overlay.add_fallback(self._translator)
            self._translator = overlay

    bundle_class.update_locale = update_with_overlay
    for bundle in list(translation_utils.translator._TRANSLATORS.values()):
        bundle.update_locale(bundle._locale)
