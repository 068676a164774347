"""The pytest face of the harness, as an instructor or GitHub Classroom runs it: from any
folder, `python -m pytest --submission NB [--assignment ID] [-k TEST] --junitxml F`."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import reference
from autograder.tests import corpus

pytestmark = pytest.mark.slow
AID = "ch19_3_gradients"
CLIP_UPPER_ONLY = '''import numpy as np


def clip_by_value(grads, threshold):
    """Clips only the upper side (a typical mistake)."""
    return {name: np.minimum(g, threshold) for name, g in grads.items()}
'''


def _pytest(tmp_path: Path, notebook: Path, *args: str) -> tuple[int, str, dict]:
    xml = tmp_path / "junit.xml"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "pytest", "--submission", str(notebook),
                           "--junitxml", str(xml), "-p", "no:cacheprovider", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    cases = {}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            props = {p.get("name"): float(p.get("value")) for p in case.iter("property")}
            failure = case.find("failure")
            cases[case.get("name")] = (props, None if failure is None else
                                       (failure.get("message", "") + (failure.text or "")))
    return done.returncode, done.stdout + done.stderr, cases


def test_one_item_per_test_cell_with_points_in_the_junit_xml(tmp_path):
    code, out, cases = _pytest(tmp_path, reference.source_notebook(AID))
    assert code == 0, out
    assert list(cases) == ["test_tanh_step_jacobians", "test_jacobian_product_norms",
                           "test_clip_by_value", "test_clip_by_norm"]
    assert all(props["points"] == props["max_points"] > 0 and failure is None
               for props, failure in cases.values())
    assert "10/10 points" in out


def test_a_partial_cell_fails_with_the_students_feedback(tmp_path):
    nb = corpus.read(reference.source_notebook(AID))
    path = tmp_path / "submission_of_bob.ipynb"
    path.write_bytes(corpus.dump(corpus.with_sources(nb, {"clip_by_value": CLIP_UPPER_ONLY})))
    code, out, cases = _pytest(tmp_path, path, "--assignment", AID)
    assert code == 1, out
    props, failure = cases["test_clip_by_value"]
    assert 0 < props["points"] < props["max_points"]
    assert failure and "✗ test_clip_by_value：" in failure
    assert "rnnlab/" not in failure and "Traceback" not in failure
    assert cases["test_clip_by_norm"][1] is None
    # one name for the item, in the progress line and the summary alike
    assert "FAILED submission_of_bob.ipynb::test_clip_by_value" in out, out
    assert "submission_of_bob.ipynb ..F." in out, out


def test_one_test_cell_as_a_classroom_command_selects_it(tmp_path):
    """--cell is exact (-k would also pick test_clip_by_norm_x); -k still works."""
    code, out, cases = _pytest(tmp_path, reference.source_notebook(AID),
                               "--cell", "test_clip_by_norm")
    assert code == 0 and list(cases) == ["test_clip_by_norm"], out
    code, out, cases = _pytest(tmp_path, reference.source_notebook(AID), "-k", "by_value")
    assert code == 0 and list(cases) == ["test_clip_by_value"], out


def test_the_classroom_workflow_has_one_command_per_test_cell_with_its_points():
    import yaml

    from autograder.classroom import workflow
    from autograder.harness import load_spec

    spec = load_spec(AID)
    steps = yaml.safe_load(workflow(spec))["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
    assert [(s["name"], s["with"]["max-score"]) for s in graders] == [
        (t.grade_id, t.points) for t in spec.tests]
    for step in graders:
        assert step["with"]["command"].endswith(f"--cell {step['name']}")


def test_an_unknown_assignment_is_a_usage_error(tmp_path):
    path = tmp_path / "homework.ipynb"
    path.write_text("{}")
    code, out, _ = _pytest(tmp_path, path)
    assert code == 4 and "--assignment" in out
