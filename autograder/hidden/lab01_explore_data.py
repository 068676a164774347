"""Hidden checks of Lab01 (觀察垃圾郵件資料集): each public rule again on other inputs.

A hidden check is a twin of one public check: the same probe (unless the probe's code fixes
a size, e.g. an index) on seeded random data, real-looking messages, other sizes and
containers; its expected value comes from the reference. The twins of a public check share
its weight, so they change a grade only when they find a mistake the public inputs miss.
binary_metrics and add_length_columns are ungraded 選讀 exercises (public PRACTICE checks
only): they have no hidden checks.
"""

from dataclasses import replace

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.lab01_explore_data import CHECKS as PUBLIC

_WORDS = ["ok", "lar", "FREE", "call", "u", "£1000", "txt", "WIN", "&lt;#&gt;", "Sorry,",
          "I'll", "later", "ur", "2", "café", "now!", "...", "U", "dun", "say"]
_GAPS = [" ", " ", " ", "  ", "\t", "\n", " \n "]


def _labels_distinct_counts(seed: int) -> list[str]:
    """Labels whose counts are all different (so the order of label_counts is defined)."""
    rng = np.random.default_rng(seed)
    names = ["ham", "spam", "promo", "other", "ok"][: int(rng.integers(2, 6))]
    sizes = rng.choice(np.arange(1, 40), size=len(names), replace=False)
    labels = [name for name, n in zip(names, sizes) for _ in range(int(n))]
    return [labels[i] for i in rng.permutation(len(labels))]


def _binary(seed: int, n: int, p_pos: float = 0.3) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["spam" if r < p_pos else "ham" for r in rng.random(n)]


def _texts(seed: int, n: int) -> list[str]:
    """Messages of random words joined by random whitespace, some padded at the ends."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n):
        words = [str(w) for w in rng.choice(_WORDS, size=int(rng.integers(0, 12)))]
        text = "".join(w + str(rng.choice(_GAPS)) for w in words).rstrip(" ")
        texts.append(str(rng.choice(["", " ", "\t"])) + text)
    return texts


def _repeated_texts(seed: int, n: int, pool: int, near: bool = False) -> list[str]:
    """``n`` texts drawn with replacement from ``pool`` distinct texts. With ``near``, the
    pool has near-twins (upper-cased, or with a trailing space); without, no two texts of
    the pool differ only in case or surrounding blanks (so only exact_text_only sees them)."""
    rng = np.random.default_rng(seed)
    base = list({t.lower().strip(): t for t in _texts(seed + 1, pool)}.values())
    if near:
        base += [t.upper() for t in base[:3]] + [t + " " for t in base[3:5]]
    return [base[int(i)] for i in rng.integers(0, len(base), size=n)]


def _distinct_texts(seed: int, n: int) -> list[str]:
    """Texts that differ even after lower() and strip()."""
    return list({t.lower().strip(): t for t in _texts(seed, n)}.values())


def twins(grade_id: str, public: str, *variants: dict) -> list[Check]:
    """Hidden checks that re-test the public check ``public`` of ``grade_id``: each variant
    gives ``inputs`` (and optionally ``code`` and a ``name`` suffix); they share its weight
    and show its message (one likely cause, however many of its twins fail)."""
    check = next(c for c in PUBLIC[grade_id] if c.name == public)
    return [replace(check, name=f"{public}_{v.get('name', i + 1)}", code=v.get("code", check.code),
                    inputs=v["inputs"], expected=FROM_REFERENCE, retests=public,
                    weight=check.weight / len(variants))
            for i, v in enumerate(variants)]


_L = "test_label_counts"
_D = "test_duplicate_report"

CHECKS = {
    _L: [
        *twins(_L, "counts", {"inputs": {"labels": _labels_distinct_counts(11)}},
               {"inputs": {"labels": _binary(13, 300, p_pos=0.134)}}),
        *twins(_L, "most_frequent_first", {"inputs": {"labels": _labels_distinct_counts(12)}},
               {"inputs": {"labels": _labels_distinct_counts(16)}}),
        *twins(_L, "plain_python_int", {"inputs": {"labels": _labels_distinct_counts(14)}}),
        *twins(_L, "empty_input", {"name": "tuple", "inputs": {"labels": ()}}),
        *twins(_L, "pandas_series", {
            "code": "import numpy as np\nimport pandas as pd\n"
                    "idx = np.random.default_rng(3).permutation(len(labels)) * 2\n"
                    "out = label_counts(pd.Series(labels, index=idx, dtype=str))",
            "inputs": {"labels": _binary(17, 300, p_pos=0.134)}}),
        *twins(_L, "tuple_and_array", {"inputs": {"labels": _labels_distinct_counts(18)}}),
        *twins(_L, "inputs_not_modified", {"inputs": {"labels": _binary(15, 20)}}),
    ],
    _D: [
        *twins(_D, "keys", {"inputs": {"texts": _repeated_texts(50, 20, 10)}}),
        *twins(_D, "no_duplicates", {"inputs": {"texts": _distinct_texts(51, 40)}},
               {"name": "single_text", "inputs": {"texts": ["Ok lar..."]}}),
        *twins(_D, "first_occurrence_not_a_duplicate",
               {"inputs": {"texts": _repeated_texts(52, 120, 30)}},
               {"name": "all_the_same", "inputs": {"texts": ["Sorry, I'll call later"] * 30}}),
        *twins(_D, "repeated_and_max_count", {"inputs": {"texts": _repeated_texts(53, 80, 20)}}),
        *twins(_D, "exact_text_only",
               {"inputs": {"texts": _repeated_texts(54, 60, 8, near=True)}}),
        *twins(_D, "empty_input", {"name": "tuple", "inputs": {"texts": ()}}),
        *twins(_D, "pandas_series", {
            "code": "import numpy as np\nimport pandas as pd\n"
                    "idx = np.random.default_rng(6).integers(0, 5, size=len(texts))\n"
                    "r = duplicate_report(pd.Series(texts, index=idx, dtype=str))\n"
                    "out = [r['n_total'], r['n_unique']]",
            "inputs": {"texts": _repeated_texts(55, 50, 10)}}),
        *twins(_D, "plain_python_int", {"inputs": {"texts": _repeated_texts(56, 30, 10)}}),
        *twins(_D, "inputs_not_modified", {"inputs": {"texts": _repeated_texts(57, 20, 5)}}),
    ],
}
