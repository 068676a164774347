"""deploy/: the JupyterHub files parse, the image is set up by the laptop's make targets, its
packages are environment.yml's, and the hub's configuration agrees with nbgrader's.

Building the image and installing the chart need Docker and Kubernetes (not here)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOCKER_INSTRUCTIONS = {"FROM", "ARG", "ENV", "RUN", "COPY", "ADD", "WORKDIR", "USER", "CMD",
                       "ENTRYPOINT", "EXPOSE", "LABEL", "SHELL", "VOLUME", "HEALTHCHECK"}
HUB_PACKAGE = "jupyterhub-singleuser"  # what JupyterHub needs in every single-user image


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of deploy/Dockerfile, continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", "\n".join(ln for ln in text.splitlines()
                                          if not ln.lstrip().startswith("#")))
    steps = []
    for line in filter(str.strip, text.splitlines()):
        instruction, _, args = line.strip().partition(" ")
        steps.append((instruction.upper(), " ".join(args.split())))
    return steps


def _commands(run: str) -> list[str]:
    return [c.strip() for c in re.split(r"&&|;", run) if c.strip()]


def test_the_dockerfile_parses():
    steps = dockerfile()
    assert steps and {i for i, _ in steps} <= DOCKER_INSTRUCTIONS
    assert [i for i, _ in steps if i == "FROM"] == ["FROM"]
    assert steps[-1] == ("CMD", '["jupyterhub-singleuser"]')


def test_the_image_is_set_up_by_the_laptops_make_targets():
    make = [c for i, a in dockerfile() if i == "RUN" for c in _commands(a)
            if c.startswith("make ")]
    targets = [c.split()[1] for c in make]
    assert targets == ["setup", "data"]
    help_text = (ROOT / "student" / "Makefile").read_text(encoding="utf-8")
    for target in targets:
        assert re.search(rf"^{target}:.*## ", help_text, flags=re.M), target
    # in the image's own environment, with the Assignments list for nbgrader's exchange
    assert make[0] == "make setup VENV=current HUB=1"
    dry = subprocess.run(["make", "-n", "-f", "student/Makefile", "setup", "VENV=current",
                          "HUB=1"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m rnnlab setup --venv current --hub" in dry


def test_the_images_packages_are_environment_yml():
    installs = [c for i, a in dockerfile() if i == "RUN" for c in _commands(a)
                if re.match(r"(micromamba|mamba|conda|pip|python -m pip) install", c)]
    from_file = [c for c in installs if "-f environment.yml" in c]
    assert len(from_file) == 1
    extra = [c for c in installs if c not in from_file]
    named = [tok.strip('"') for c in extra for tok in c.split()[2:] if not tok.startswith("-")
             and tok not in ("base", "conda-forge")]
    assert [n.split("=")[0] for n in named] == [HUB_PACKAGE]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert any(isinstance(d, dict) and "-e ." in d["pip"] for d in env["dependencies"])


def test_the_hub_values_parse_and_agree_with_nbgrader():
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
    single = values["singleuser"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"]
              for v in single["storage"]["extraVolumes"]}
    assert claims["nbgrader-exchange"] == "nbgrader-exchange"
    config = single["extraFiles"]["nbgrader-config"]
    assert config["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    namespace: dict = {"get_config": lambda: type("C", (), {})()}
    code = config["stringData"].replace("c = get_config()", "")
    c = type("Config", (), {})()
    for section in ("CourseDirectory", "Exchange"):
        setattr(c, section, type(section, (), {})())
    exec(compile(code, "nbgrader_config.py", "exec"), {"c": c, **namespace})  # noqa: S102
    assert c.Exchange.root == mounts["nbgrader-exchange"]
    assert c.CourseDirectory.course_id == "ch19_rnn"  # the instructor repository's course
    assert 'course_id = "ch19_rnn"' in (ROOT / "nbgrader_config.py").read_text()


def test_the_roles_and_profiles_are_per_group():
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
    hub = values["hub"]
    groups = hub["config"]["JupyterHub"]["load_groups"]
    assert set(groups) == {"instructors", "students"}
    role = hub["loadRoles"]["instructor"]
    assert role["groups"] == ["instructors"]
    assert all(s.endswith("!group=students") or s == "admin-ui" for s in role["scopes"])
    code = hub["extraConfig"]["ch19-profiles"]
    compile(code, "extraConfig", "exec")
    namespace = {"c": type("C", (), {"KubeSpawner": type("K", (), {})()})()}
    exec(code, namespace)  # noqa: S102

    import asyncio

    def spawner(*names):
        user = type("U", (), {"groups": [type("G", (), {"name": n})() for n in names]})()
        return type("S", (), {"user": user})()

    profiles = namespace["c"].KubeSpawner.profile_list
    students = asyncio.run(profiles(spawner("students")))
    instructors = asyncio.run(profiles(spawner("instructors")))
    assert [p["slug"] for p in students] == ["student"]
    assert [p["slug"] for p in instructors] == ["instructor", "student"]


def test_the_guide_is_in_both_languages():
    guide = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "## English" in guide and "## 1. 架構" in guide
    for word in ("exchange", "make student-dist", "helm upgrade", "values.yaml",
                 "VENV=current", "user namespace"):
        assert word in guide, word
