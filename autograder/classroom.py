"""GitHub Classroom: ``python -m autograder classroom ID`` prints an autograding workflow with
one test per test cell (its points as max-score), each a pytest command of the pytest face
(:mod:`autograder.pytest_plugin`): ``python -m pytest --submission NB --cell <test>``.

The hidden checks must stay private, so the workflow installs the grader from a private
copy of this repository with a read-only token (the secret ``GRADER_TOKEN``); the student's
repository holds only the student copy (``make student-dist``).
"""

from __future__ import annotations

HEAD = """\
# .github/workflows/classroom.yml for {id}: one GitHub Classroom test per test cell.
name: Autograding Tests
on: [push, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - name: Install the grader (private repository, read-only token GRADER_TOKEN)
        env:
          GRADER: github.com/OWNER/ch19-instructor.git
          TOKEN: ${{{{ secrets.GRADER_TOKEN }}}}
        run: |
          sudo apt-get install -y bubblewrap
          git clone "https://x-access-token:$TOKEN@$GRADER" /tmp/grader
          cd /tmp/grader && python3 -m venv .venv
          .venv/bin/pip install -c requirements.lock -r requirements.txt \\
            -e ".[instructor]"
          echo "/tmp/grader/.venv/bin" >> "$GITHUB_PATH"
"""

STEP = """\
      - name: {test}
        id: {test}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {test}
          command: python -m pytest --submission {notebook} --cell {test}
          timeout: 10
          max-score: {points}
"""


def workflow(spec) -> str:
    """The workflow YAML for the assignment ``spec`` (an AssignmentSpec)."""
    notebook = f"notebooks/{spec.name}/{spec.name}.ipynb"
    text = HEAD.format(id=spec.name)
    for test in spec.tests:
        text += STEP.format(test=test.grade_id, notebook=notebook, points=f"{test.points:g}")
    text += ("      - name: Autograding Reporter\n"
             "        uses: classroom-resources/autograding-grading-reporter@v1\n"
             "        env:\n")
    for test in spec.tests:
        text += (f"          {test.grade_id.upper()}_RESULTS: "
                 f"${{{{ steps.{test.grade_id}.outputs.result }}}}\n")
    text += "        with:\n          runners: " + ",".join(t.grade_id for t in spec.tests)
    return text + "\n"
