"""The pinned environment: pip pins, lock and environment.yml agree; the README is true."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if "==" in item:
                    name, version = item.split("==")
                    pins[name.lower()] = version
        elif "=" in dep:
            name, version = dep.split("=", 1)
            pins[name.lower()] = version
    return pins


def test_every_requirement_is_pinned_exactly():
    lines = [ln.split("#")[0].strip()
             for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    assert all("==" in ln for ln in lines if ln), "requirements.txt must pin with =="


def test_environment_yml_matches_requirements():
    pip_pins, conda_pins = _pins(ROOT / "requirements.txt"), _conda_pins()
    conda_pins.pop("python")
    conda_pins.pop("pip", None)
    assert conda_pins == pip_pins


def test_lock_agrees_with_the_top_level_pins():
    lock = _pins(ROOT / "requirements.lock")
    for name, version in _pins(ROOT / "requirements.txt").items():
        assert lock.get(name) == version, f"{name}: pinned {version}, locked {lock.get(name)}"


def test_bench_lock_agrees_with_its_pins():
    lock = _pins(ROOT / "requirements-bench.lock")
    for name, version in _pins(ROOT / "requirements-bench.txt").items():
        assert lock.get(name, "").split("+")[0] == version, name


def test_installed_versions_are_the_locked_ones():
    from importlib.metadata import version

    for name, pinned in _pins(ROOT / "requirements.txt").items():
        assert version(name) == pinned, f"{name} {version(name)} installed, {pinned} pinned"


def test_python_is_recent_enough():
    import sys

    assert sys.version_info >= (3, 11)


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M))


def test_readme_commands_exist_in_the_makefile():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", readme))
    assert {"lab", "test", "setup", "release", "autograde", "feedback", "grade"} <= used
    missing = used - _make_targets()
    assert not missing, f"README mentions make targets the Makefile lacks: {missing}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\s*make test\b", ci, flags=re.M)


def test_make_help_lists_every_documented_target():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    for target in ("lab", "test", "setup", "release", "autograde", "feedback", "grade"):
        assert f"make {target}" in out


def test_raw_data_is_not_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert not [t for t in tracked if Path(t).name == "SMSSpamCollection"]
    assert not [t for t in tracked if t.startswith(("submitted/", "autograded/", "feedback/"))]


def test_instructor_extra_agrees_with_the_lock():
    """pyproject.toml's instructor tools (pytest, ruff, Playwright...) are locked too."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lock = _pins(ROOT / "requirements.lock")
    for requirement in project["optional-dependencies"]["instructor"]:
        name, version = requirement.split("==")
        assert lock.get(name.lower()) == version, f"{name}: extra {version}, lock {lock.get(name)}"


def test_ci_runs_the_browser_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\s*make test-browser\b", ci, flags=re.M)
