"""``python -m autograder new ID``: the three files of a new assignment, ready to grade.

Writes ``solutions/<id>/<id>.ipynb`` (goals, one answer cell with a worked toy solution,
its test cell, summary and exercises), ``rnnlab/checks/<id>.py`` (public checks, values
pinned from the reference) and ``autograder/hidden/<id>.py`` (hidden checks that re-test
the public rules on other inputs), then pins and releases it. Every test of the project
passes on the result, so an instructor starts from something that works and edits it.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder import reference
from autograder.authoring import answer, code, md, notebook, test, write

PUBLIC = '''"""Public checks of {id}: {title}. Expected values are pinned from the reference
(`python -m autograder pin {id}`)."""

from __future__ import annotations

import numpy as np

from rnnlab.checking import PINNED, Check

CHECKS = {{
    "test_{fn}": [
        Check(
            name="returns_array",
            code="import numpy as np\\nout = isinstance({fn}(x), np.ndarray)",
            inputs={{"x": np.array([1.0, -2.0])}},
            expected=True,
            message="{fn} 應回傳 numpy 陣列 (ndarray)。",
            compare="equal",
        ),
        Check(
            name="doubles_each_value",
            code="out = {fn}(x)",
            inputs={{"x": np.array([1.0, -2.0, 0.5])}},
            expected=PINNED,
            message="每個元素都要乘以 2：回傳 2 * x。",
        ),
        Check(
            name="input_not_modified",
            code=("import numpy as np\\nbefore = x.copy()\\n{fn}(x)\\n"
                  "out = bool(np.array_equal(x, before))"),
            inputs={{"x": np.array([3.0, 4.0])}},
            expected=True,
            message="{fn} 修改了傳進來的陣列：不要用 x *= 2 這類 in-place 運算。",
            compare="equal",
            weight=0.5,
        ),
    ],
}}
'''

HIDDEN = '''"""Hidden checks of {id}: the public rules again, on seeded random inputs."""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check

_RNG = np.random.default_rng(0)

CHECKS = {{
    "test_{fn}": [
        Check(name="random_matrix", code="out = {fn}(x)",
              inputs={{"x": _RNG.normal(size=(3, 4))}}, retests="doubles_each_value"),
    ],
}}
'''

SOLUTION = '''import numpy as np


def {fn}(x):
    """Double every value of an array (replace this toy task with the real one).

    Inputs:
    - x: an array of any shape

    Returns:
    - an array of the shape of x, every value times 2 (x itself is left unchanged)
    """
    ### BEGIN SOLUTION
    return 2 * np.asarray(x)
    ### END SOLUTION
'''


def scaffold(assignment: str, title: str, function: str = "double") -> list[Path]:
    """Write the three files of a new one-function assignment; refuse to overwrite."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment):
        raise ValueError(f"assignment ids are snake_case (ch19_4_lstm, lab04_x): {assignment!r}")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", function):
        raise ValueError(f"function names are snake_case: {function!r}")
    root = reference.REPO_ROOT
    paths = [root / "solutions" / assignment / f"{assignment}.ipynb",
             root / "rnnlab" / "checks" / f"{assignment}.py",
             root / "autograder" / "hidden" / f"{assignment}.py"]
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise FileExistsError(f"{assignment} exists already: {', '.join(existing)}")
    nb = notebook([
        md(f"# {title}\n\n（一句話說明這本筆記本要做什麼。）\n\n"
           "**預估時間**：必做 20 分鐘。\n\n## 學習目標\n\n- （第一個目標）"),
        code("import numpy as np"),
        md(f"## 必做：`{function}`\n\n（說明規則；每一條規則都要有一個公開檢查。）"),
        answer(function, SOLUTION.format(fn=function)),
        test(assignment, f"test_{function}", 1,
             f"檢查 {function}：回傳陣列、每個值乘以 2、不修改輸入。"),
        md("## 本章重點精華回顧\n\n- （重點）"),
        md("## 練習\n\n1. （不計分的練習）"),
    ])
    write(nb, paths[0])
    paths[1].write_text(PUBLIC.format(id=assignment, title=title, fn=function),
                        encoding="utf-8")
    paths[2].write_text(HIDDEN.format(id=assignment, fn=function), encoding="utf-8")
    return paths
