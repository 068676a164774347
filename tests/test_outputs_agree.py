"""One batch, every output: nbgrader's gradebook and feedback, the harness's JSON and CSV,
Gradescope's results.json, the pytest face (JUnit XML) and the LMS files show the same
points, test cell by test cell, and the same feedback text."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import reference
from autograder.gradescope import build_bundle, unzip
from autograder.tests import corpus
from rnnlab.checking import VERDICT_MIME

pytestmark = pytest.mark.slow
AID = "lab02_tokenize"


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    return done


def test_every_output_shows_the_same_points_and_feedback(tmp_path):
    from autograder.course import ScratchCourse

    sol = corpus.read(reference.source_notebook(AID))
    batch = {"alice": sol, "bob": corpus.read(corpus.release_notebook(AID)),
             "carol": corpus.with_sources(sol, {"pad_sequences": corpus.PAD_POST_ALWAYS})}
    folder = tmp_path / "submitted"
    course = ScratchCourse(tmp_path / "course")
    course.generate(AID)
    for student, nb in batch.items():
        (folder / student / AID).mkdir(parents=True)
        path = folder / student / AID / f"{AID}.ipynb"
        path.write_bytes(corpus.dump(nb))
        course.submit(AID, student, path)

    # the harness: JSON and CSV
    _cli("autograder", "grade", AID, str(folder), "--json", str(tmp_path / "h.json"),
         "--csv", str(tmp_path / "h.csv"), cwd=tmp_path)
    harness = {s["student"]: s for s in json.loads((tmp_path / "h.json").read_text())
               ["submissions"]}
    points = {s: {t["name"]: t["points"] for t in r["tests"]} for s, r in harness.items()}
    feedback = {s: {t["name"]: t["feedback"] for t in r["tests"]} for s, r in harness.items()}
    assert 0 < sum(points["carol"].values()) < 10, "carol's mistake earns partial credit"
    with open(tmp_path / "h.csv", newline="") as fh:
        assert {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)} == {
            s: round(sum(p.values()), 2) for s, p in points.items()}

    # nbgrader: the gradebook and the test cells of the autograded notebooks
    for student in batch:
        assert course.autograde(AID, student).points == points[student], student
        nb = course.autograded_notebook(AID, student)
        shown = {c.metadata.nbgrader["grade_id"]: c.outputs[0]["data"][VERDICT_MIME]["lines"]
                 for c in reference.test_cells(nb)}
        assert shown == feedback[student], student

    # Gradescope: results.json of the bundle in a simulated layout
    bundle = build_bundle(AID, tmp_path / "gs" / f"{AID}.zip")
    for student, nb in batch.items():
        root = tmp_path / "gs" / student
        unzip(bundle, root / "source")
        (root / "submission").mkdir(parents=True)
        (root / "submission" / f"{AID}.ipynb").write_bytes(corpus.dump(nb))
        bin_dir = root / "bin"
        bin_dir.mkdir()
        (bin_dir / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (bin_dir / "python3").chmod(0o755)
        env = dict(_env(), GRADESCOPE_ROOT=str(root), PATH=f"{bin_dir}:{os.environ['PATH']}")
        subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True,
                       capture_output=True, timeout=600)
        data = json.loads((root / "results" / "results.json").read_text())
        visible = {t["name"]: t for t in data["tests"] if t["visibility"] == "visible"}
        assert {n: t["score"] for n, t in visible.items()} == points[student]
        details = {t["name"].split("（")[0]: t["output"] for t in data["tests"]
                   if t["visibility"] == "after_published"}
        for name, lines in feedback[student].items():
            # the whole feedback: in the visible test, or (hidden-check details) in the
            # test shown after the grades are published
            assert details.get(name, visible[name]["output"]) == "\n".join(lines), name

    # pytest: one item per test cell, points in the JUnit XML, the feedback on failure
    for student in batch:
        xml = tmp_path / f"{student}.xml"
        _cli("pytest", "--submission", str(folder / student / AID / f"{AID}.ipynb"),
             "--junitxml", str(xml), "-p", "no:cacheprovider", cwd=tmp_path)
        for case in ET.parse(xml).getroot().iter("testcase"):
            props = {p.get("name"): float(p.get("value")) for p in case.iter("property")}
            name = case.get("name")
            assert props["points"] == points[student][name], (student, name)
            failure = case.find("failure")
            if failure is not None:
                assert "\n".join(feedback[student][name]) in (failure.text or ""), name

    # LMS: the same totals in Canvas's and Moodle's files, from either report
    with open(tmp_path / "nb.csv", "w") as fh:
        fh.write("assignment,student_id,score,max_score\n")
        for student in batch:
            fh.write(f"{AID},{student},{sum(points[student].values()):g},10\n")
    for source in ("h.json", "nb.csv"):
        _cli("autograder", "lms", str(tmp_path / source), "--canvas",
             str(tmp_path / "canvas.csv"), "--moodle", str(tmp_path / "moodle.csv"),
             cwd=tmp_path)
        rows = list(csv.reader(open(tmp_path / "canvas.csv", newline="")))
        assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", AID]
        assert rows[1][0] == "Points Possible" and float(rows[1][-1]) == 10
        assert {r[3]: float(r[-1]) for r in rows[2:]} == pytest.approx(
            {s: sum(p.values()) for s, p in points.items()})
        moodle = list(csv.DictReader(open(tmp_path / "moodle.csv", newline="")))
        assert {r["Username"]: float(r[AID]) for r in moodle} == pytest.approx(
            {s: sum(p.values()) for s, p in points.items()})
