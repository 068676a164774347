"""``python -m rnnlab``: the course's commands, with or without ``make``.

On Windows, macOS, Linux and in Anaconda alike::

    python -m rnnlab setup   # the environment: pinned packages, rnnlab, the course kernel,
                             # zh-TW JupyterLab, nbgrader's Validate, a CJK font, the data
    python -m rnnlab lab     # setup (when needed), then JupyterLab on notebooks/
    python -m rnnlab data    # fetch and verify the SMS Spam Collection
    python -m rnnlab check   # the public checks of every notebook, as a table

The environment is the running interpreter's when it is a virtual environment or a conda
environment (``conda activate ch19-rnn``); otherwise ``.venv`` in the course folder is
created and used, as ``make`` does. ``--venv DIR`` chooses a folder, ``--venv current``
the running interpreter whatever it is. The Makefile's targets call these commands.

This module imports only the standard library at the top: it runs before anything is
installed, under any Python (it says so when the Python is too old).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MIN_PYTHON = (3, 11)
KERNEL_NAME = "python3"  # the notebooks' kernelspec name: the course kernel replaces it
KERNEL_DISPLAY_NAME = "Python 3 (ch19)"
STAMP_NAME = ".rnnlab-setup-stamp"
SETUP_VERSION = "3"  # bump when what setup writes changes: every environment is redone
# Run All stops at a failing cell even when the following requests reach the kernel late
# (see rnnlab.kernel): requests created with the failing one (within this many seconds
# more than it ran) are aborted, whenever they arrive.
STOP_ON_ERROR_TIMEOUT = 0.5

NBGRADER_LAB = ("formgrader", "course-list", "assignment-list", "create-assignment", "menu")
NBGRADER_SERVER = ("formgrader", "assignment_list", "course_list")
# nbgrader's own Validate handler is replaced by the course's (rnnlab.validate): zh-TW,
# the verdict of each test cell first
VALIDATE_EXTENSION = "rnnlab.validate"
NBGRADER_VALIDATE = "nbgrader.server_extensions.validate_assignment"

CJK_FONT_PACKAGE = "fonts-noto-cjk"  # Debian's Noto Sans CJK (TC among its faces)


def say(message: str) -> None:
    print(f"[rnnlab] {message}", flush=True)


# ---------------------------------------------------------------- which environment
def in_virtual_env() -> bool:
    """A venv or a conda environment: packages installed here stay here."""
    return sys.prefix != sys.base_prefix or (Path(sys.prefix) / "conda-meta").is_dir()


def venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def target_env(choice: str | None) -> Path | None:
    """The venv folder to use, or None for the running interpreter's environment."""
    choice = choice or os.environ.get("RNNLAB_VENV") or "auto"
    if choice == "current" or (choice == "auto" and in_virtual_env()):
        return None
    folder = REPO_ROOT / ".venv" if choice == "auto" else Path(choice)
    return folder if folder.is_absolute() else REPO_ROOT / folder


def _same_env(folder: Path) -> bool:
    return Path(sys.prefix).resolve() == folder.resolve()


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        raise SystemExit(f"Python >= {need} is required (this is {platform.python_version()}"
                         f": {sys.executable}). 請安裝 Python {need} 以上的版本。")


def run_in(folder: Path, argv: list[str]) -> int:
    """Create the venv ``folder`` when missing, then run this command with its Python."""
    python = venv_python(folder)
    if not python.exists():
        check_python()
        say(f"creating the virtual environment {folder}")
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    cmd = [str(python), "-m", "rnnlab", *argv, "--venv", "current"]
    if os.name != "nt":  # replace this process: signals (Ctrl+C, a test's SIGTERM) go through
        os.chdir(REPO_ROOT)
        os.execv(cmd[0], cmd)
    return subprocess.run(cmd, cwd=REPO_ROOT).returncode


# ---------------------------------------------------------------- setup
def is_instructor() -> bool:
    """The instructor repository has the grader; the student copy does not."""
    return (REPO_ROOT / "autograder" / "__init__.py").exists()


def _inputs_digest(mode: str) -> str:
    digest = hashlib.sha256(f"{SETUP_VERSION}|{mode}|{REPO_ROOT}|{sys.prefix}".encode())
    files = ["requirements.txt", "requirements.lock", "pyproject.toml", "rnnlab/cli.py"]
    files += sorted(str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "jupyter").glob("*"))
    for name in files:
        path = REPO_ROOT / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()


def stamp_path() -> Path:
    return Path(sys.prefix) / STAMP_NAME


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *args], check=True, cwd=REPO_ROOT)


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def etc_jupyter() -> Path:
    return Path(sys.prefix) / "etc" / "jupyter"


def set_server_extension(name: str, enabled: bool) -> None:
    """What ``jupyter server extension enable|disable --sys-prefix NAME`` writes."""
    path = etc_jupyter() / "jupyter_server_config.d" / f"{name}.json"
    _write_json(path, {"ServerApp": {"jpserver_extensions": {name: enabled}}})


def set_lab_extensions(states: dict[str, bool]) -> None:
    """What ``jupyter labextension enable|disable --level=sys_prefix`` writes."""
    path = etc_jupyter() / "labconfig" / "page_config.json"
    config = _read_json(path)
    disabled = config.setdefault("disabledExtensions", {})
    for name, enabled in states.items():
        disabled[name] = not enabled
        if enabled:
            config.get("lockedExtensions", {}).pop(name, None)
    _write_json(path, config)


def configure_nbgrader(mode: str) -> None:
    """instructor: nbgrader's whole UI (formgrader, Create Assignment, course list...);
    student: only Validate; hub (a student on JupyterHub with nbgrader's exchange):
    Validate and the Assignments list (fetch, submit). Validate is the course's handler."""
    wanted = {"instructor": set(NBGRADER_LAB), "student": set(),
              "hub": {"assignment-list", "menu"}}[mode]
    set_lab_extensions({f"@jupyter/nbgrader:{n}": n in wanted for n in NBGRADER_LAB})
    server = {"instructor": set(NBGRADER_SERVER), "student": set(),
              "hub": {"assignment_list"}}[mode]
    for name in NBGRADER_SERVER:
        set_server_extension(f"nbgrader.server_extensions.{name}", name in server)
    set_server_extension(NBGRADER_VALIDATE, False)
    set_server_extension(VALIDATE_EXTENSION, True)
    # the course's stylesheet (served by rnnlab.validate): the Validate dialog in zh-TW.
    # LabApp reads its options from jupyter_lab_config.json (not from the .d folders)
    path = etc_jupyter() / "jupyter_lab_config.json"
    config = _read_json(path)
    config.setdefault("LabApp", {})["custom_css"] = True
    _write_json(path, config)


def configure_lab() -> None:
    """zh-TW is the default UI language (a student can still switch under Settings)."""
    target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "jupyter" / "overrides.json", target)


def real_python() -> Path:
    """This interpreter, reached through the environment's real folder."""
    python = Path(sys.executable)
    try:
        real = Path(sys.prefix).resolve() / python.relative_to(sys.prefix)
    except ValueError:
        return python
    return real if real.exists() else python


def configure_kernel() -> None:
    """The course kernel: the notebooks' kernelspec name (python3) in this environment,
    shown as 'Python 3 (ch19)', stopping Run All at a failing cell also under load."""
    # the kernelspec records the interpreter's path: the environment's real folder, not a
    # symlink to it that may be gone tomorrow (a course folder that links the venv)
    subprocess.run([str(real_python()), "-m", "ipykernel", "install", "--sys-prefix",
                    "--name", KERNEL_NAME, "--display-name", KERNEL_DISPLAY_NAME],
                   check=True, stdout=subprocess.DEVNULL)
    _write_json(Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.json",
                {"IPKernelApp": {"kernel_class": "rnnlab.kernel.CourseKernel"},
                 "Kernel": {"stop_on_error_timeout": STOP_ON_ERROR_TIMEOUT}})


def _can_apt() -> bool:
    return (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
            and shutil.which("apt-get") is not None)


def _apt_install(package: str) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    cmd = ["apt-get", "install", "-y", "-qq", package]
    if subprocess.run(cmd, **quiet).returncode == 0:
        return True
    subprocess.run(["apt-get", "update", "-qq"], **quiet)
    return subprocess.run(cmd, **quiet).returncode == 0


def setup_fonts() -> None:
    """A CJK font for figures (and JupyterLab's Chinese text): Debian's Noto Sans CJK when
    this is Linux run as root with apt; otherwise say what to do."""
    probe = [sys.executable, "-c", "from rnnlab.fonts import cjk_family; "
             "print(cjk_family() or '')"]
    found = subprocess.run(probe, capture_output=True, text=True).stdout.strip()
    if found:
        say(f"CJK font: {found} (figures get Chinese labels)")
        return
    if _can_apt():
        say(f"installing Debian's {CJK_FONT_PACKAGE} (Chinese text in figures and JupyterLab)")
        if _apt_install(CJK_FONT_PACKAGE):
            subprocess.run([sys.executable, "-c", "from rnnlab.fonts import refresh_font_cache;"
                            " refresh_font_cache()"], check=False)
            found = subprocess.run(probe, capture_output=True, text=True).stdout.strip()
            if found:
                say(f"CJK font: {found} (figures get Chinese labels)")
                return
    hint = {"linux": f"sudo apt install {CJK_FONT_PACKAGE} (Debian/Ubuntu)",
            "darwin": "macOS has PingFang TC: update macOS's fonts",
            "win32": "Windows has Microsoft JhengHei (微軟正黑體)"}
    say("WARNING: no CJK font (Noto Sans CJK TC, Microsoft JhengHei, PingFang TC) found: "
        "figures use English labels and Chinese text may show as boxes. "
        f"Install one: {hint.get(sys.platform, hint['linux'])}. "
        "找不到中文字型：圖表改用英文標籤。")


def _read_stamp() -> tuple[str, str]:
    """(mode, digest) of the last setup of this environment, or ("", "")."""
    try:
        mode, digest = stamp_path().read_text().split()
    except (OSError, ValueError):
        return "", ""
    return mode, digest


def setup(mode: str | None = None, force: bool = False) -> None:
    """Everything ``make setup`` does, in the running interpreter's environment.

    mode: "instructor" (the instructor repository's default), "student" (the student
    copy's) or "hub" (a student on JupyterHub); None keeps this environment's last mode."""
    check_python()
    last_mode, last_digest = _read_stamp()
    default = "instructor" if is_instructor() else "student"
    mode = mode or (last_mode if last_mode in ("student", "hub") and default == "student"
                    else default)
    digest = _inputs_digest(mode)
    if not force and (last_mode, last_digest) == (mode, digest):
        stamp_path().touch()  # make compares times: the environment is as new as its inputs
        say(f"environment up to date ({sys.prefix}, {mode})")
        return
    say(f"setting up {sys.prefix} ({mode})")
    _pip("--upgrade", "pip")
    _pip("-r", "requirements.txt", "-c", "requirements.lock")
    # rnnlab editable (and, in the instructor repository, autograder with its tools)
    _pip("-c", "requirements.lock", "-e", ".[instructor]" if mode == "instructor" else ".")
    configure_kernel()
    configure_lab()
    configure_nbgrader(mode)
    setup_fonts()
    stamp_path().write_text(f"{mode} {digest}\n")
    say("setup done")


# ---------------------------------------------------------------- commands
def data() -> int:
    """Fetch and verify the dataset (``$RNNLAB_DATA_DIR`` if set)."""
    return subprocess.run([sys.executable, "-m", "rnnlab.data"], cwd=REPO_ROOT).returncode


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(notebook_dir: str, port: int, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={notebook_dir}",
           f"--port={port}"]
    if _is_root():
        cmd.append("--allow-root")
    headless = sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
    if headless and not any(a.startswith("--no-browser") for a in extra):
        cmd.append("--no-browser")
    return cmd + extra


def lab(notebook_dir: str, port: int, extra: list[str]) -> int:
    """JupyterLab on the notebooks, after setup (when needed) and the data check."""
    setup()
    if data() != 0:
        return 1
    folder = Path(notebook_dir)
    folder = folder if folder.is_absolute() else REPO_ROOT / folder
    cmd = lab_command(str(folder), port, extra)
    say("starting JupyterLab: " + " ".join(cmd[2:]))
    if os.name != "nt":
        os.chdir(REPO_ROOT)
        os.execv(cmd[0], cmd)
    return subprocess.run(cmd, cwd=REPO_ROOT).returncode


def check(notebooks: list[str], details: bool) -> int:
    from rnnlab.terminal_check import main as check_main

    return check_main(notebooks, details)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab", allow_abbrev=False,
        description="第 19 章 (RNN 網路建構) 的指令：setup、lab、data、check。",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text, allow_abbrev=False)
        p.add_argument("--venv", metavar="DIR",
                       help="the environment: a venv folder (created when missing), "
                            "'current' (this Python's), or 'auto' (default: this Python's "
                            "when it is a venv or conda environment, else .venv)")
        return p

    p = add("setup", "建立環境：套件（固定版本）、rnnlab、課程 kernel、繁體中文介面、資料集")
    p.add_argument("--force", action="store_true", help="redo every step")
    p.add_argument("--hub", action="store_true",
                   help="JupyterHub with nbgrader's exchange: students also get the "
                        "Assignments list (fetch, submit)")
    p = add("lab", "開啟 JupyterLab（需要時先 setup，並驗證資料集）")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--notebook-dir", default="notebooks")
    add("data", "下載並驗證資料集 (SMS Spam Collection)")
    p = add("check", "在終端機執行每個 notebook 的公開測試，列出每個函式的結果")
    p.add_argument("notebooks", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--details", action="store_true",
                   help="also print each failing test's feedback")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = build_parser().parse_known_args(argv)
    if extra and args.command != "lab":
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    folder = target_env(args.venv)
    if folder is not None and not _same_env(folder):
        rest = argv
        if "--venv" in rest:  # drop this choice: the child runs in the chosen environment
            i = rest.index("--venv")
            rest = rest[:i] + rest[i + 2:]
        rest = [a for a in rest if not a.startswith("--venv=")]
        return run_in(folder, rest)
    if args.command == "setup":
        # instructors get all of nbgrader (the Assignments list included) on a hub too
        setup("hub" if args.hub and not is_instructor() else None, force=args.force)
        return data()
    if args.command == "lab":
        return lab(args.notebook_dir, args.port, extra)
    if args.command == "data":
        setup()
        return data()
    setup()
    return check(args.notebooks, args.details)
