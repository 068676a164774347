"""A tiny fake assignment for the harness's own tests, built in a temporary folder.

``install(tmp, monkeypatch)`` writes ``<tmp>/solutions/fakelab/fakelab.ipynb`` (two answer
cells, two test cells), a stub release next to it, registers its public and hidden check
modules in ``sys.modules`` and points ``autograder.reference.SOLUTIONS`` at ``<tmp>``, so
the harness grades it exactly like a real assignment, in-process.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import reference
from autograder.authoring import answer, md, notebook, test, write
from rnnlab.checking import FROM_REFERENCE, Check

NAME = "fakelab"

SCALE = '''import numpy as np


def scale_add(x, a, b):
    """a * x + b, elementwise. x: (N, D), a: float, b: (D,). Returns (N, D)."""
    ### BEGIN SOLUTION
    return a * np.asarray(x, dtype=float) + b
    ### END SOLUTION
'''

COUNT = '''def count_words(text):
    """Lower-cased word counts in first-appearance order. Returns dict str -> int."""
    ### BEGIN SOLUTION
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts
    ### END SOLUTION
'''

STUB = "    # 請在這裡寫下你的程式碼 (YOUR CODE HERE)\n    raise NotImplementedError()\n"

PUBLIC = {
    "test_scale_add": [
        Check("shape", "out = scale_add(x, 2.0, b).shape",
              {"x": np.ones((2, 3)), "b": np.zeros(3)}, (2, 3), "shape 應為 (N, D)。"),
        Check("only_a", "out = scale_add(x, 3.0, b)",
              {"x": np.array([[1.0, 2.0, 3.0]]), "b": np.zeros(3)},
              np.array([[3.0, 6.0, 9.0]]), "只有 a 非零時結果不對：x 要乘上 a。"),
        Check("only_b", "out = scale_add(x, 0.0, b)",
              {"x": np.ones((1, 3)), "b": np.array([1.0, -1.0, 0.5])},
              np.array([[1.0, -1.0, 0.5]]), "只有 b 非零時結果不對：bias 項 b 可能漏加了。"),
        Check("all_terms", "out = scale_add(x, 2.0, b)",
              {"x": np.array([[1.0, 2.0, 3.0]]), "b": np.array([1.0, -1.0, 0.5])},
              np.array([[3.0, 3.0, 6.5]]), "a 與 b 都非零時結果不對：應為 a * x + b。"),
    ],
    "test_count_words": [
        Check("lower", "out = count_words(text)", {"text": "Hi hi HI"}, {"hi": 3},
              "沒有轉成小寫 (not lowercased)。", compare="equal"),
    ],
}
HIDDEN = {
    "test_scale_add": [
        Check("random", "import numpy as np\nrng = np.random.default_rng(0)\n"
              "x = rng.normal(size=(4, 5))\nout = scale_add(x, -1.5, rng.normal(size=5))",
              {}, FROM_REFERENCE, retests="all_terms"),
    ],
    "test_count_words": [
        Check("order", "out = list(count_words(text))", {"text": "b a b c a"}, FROM_REFERENCE,
              compare="equal", retests="lower"),
    ],
}


@dataclass
class FakeLab:
    root: Path
    solution: Path
    stub: Path


def source_notebook():
    return notebook([
        md("# 假作業 (harness tests)"),
        answer("scale_add", SCALE),
        test(NAME, "test_scale_add", 3, "scale_add：shape、a 項、b 項"),
        md("## count_words"),
        answer("count_words", COUNT),
        test(NAME, "test_count_words", 2, "count_words：小寫、順序"),
    ])


def stub_source(source: str) -> str:
    """The answer cell as a student receives it (solution region replaced)."""
    head, rest = source.split("    ### BEGIN SOLUTION\n")
    return head + STUB + rest.split("    ### END SOLUTION\n", 1)[1]


def install(tmp: Path, monkeypatch) -> FakeLab:
    tmp = Path(tmp)
    nb = source_notebook()
    solution = tmp / "solutions" / NAME / f"{NAME}.ipynb"
    write(nb, solution)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell.source = stub_source(cell.source + "\n")
    stub = tmp / "release" / NAME / f"{NAME}.ipynb"
    write(nb, stub)
    public = types.ModuleType(f"rnnlab.checks.{NAME}")
    public.CHECKS = PUBLIC
    hidden = types.ModuleType(f"autograder.hidden.{NAME}")
    hidden.CHECKS = HIDDEN
    monkeypatch.setitem(sys.modules, public.__name__, public)
    monkeypatch.setitem(sys.modules, hidden.__name__, hidden)
    monkeypatch.setattr(reference, "SOLUTIONS", tmp / "solutions")
    reference._namespace.cache_clear()
    return FakeLab(tmp / "solutions", solution, stub)
