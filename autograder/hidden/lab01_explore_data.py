"""Hidden checks of Lab01 (觀察垃圾郵件資料集): each public rule again on other inputs.

A hidden check is a twin of one public check: the same probe (unless the probe's code fixes
a size, e.g. an index) on seeded random data, real-looking messages, other sizes and
containers; its expected value comes from the reference. The twins of a public check share
its weight, so they change a grade only when they find a mistake the public inputs miss.
"""

from dataclasses import replace

import numpy as np

from rnnlab.checking import FROM_REFERENCE, Check
from rnnlab.checks.lab01_explore_data import CHECKS as PUBLIC
from rnnlab.checks.lab01_explore_data import RAISES as _RAISES_BODY
from rnnlab.checks.lab01_explore_data import SUMMARY

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


def _binary(seed: int, n: int, p_pos: float = 0.3, names=("spam", "ham")) -> list[str]:
    rng = np.random.default_rng(seed)
    return [names[0] if r < p_pos else names[1] for r in rng.random(n)]


def _pair(seed: int, n: int, p_true: float = 0.3, p_pred: float = 0.3) -> dict:
    """y_true and y_pred: n random spam/ham labels each (the probes make arrays of them)."""
    return {"y_true": _binary(seed, n, p_true), "y_pred": _binary(seed + 1000, n, p_pred)}


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


def _frame(seed: int, n: int) -> dict:
    return {"labels": _binary(seed, n), "texts": _texts(seed, n)}


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
_M = "test_binary_metrics"
_A = "test_add_length_columns"
_D = "test_duplicate_report"

_SHUFFLED_SERIES = ("import numpy as np\nimport pandas as pd\n"
                    "idx = np.random.default_rng(4).permutation(len(y_true))\n"
                    "m = binary_metrics(pd.Series(y_true, index=idx), pd.Series(y_pred))\n"
                    + SUMMARY)
_RAISES = "import numpy as np\n" + _RAISES_BODY
_FRAME = ("import pandas as pd\n"
          "df = pd.DataFrame({'label': labels, 'text': texts}, dtype=str)\n")

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
    _M: [
        *twins(_M, "keys", {"inputs": _pair(20, 30)}),
        *twins(_M, "confusion_counts", {"inputs": _pair(21, 2000, 0.134, 0.2)},
               {"inputs": _pair(22, 60)}),
        *twins(_M, "count_types", {"inputs": _pair(23, 50)}),
        *twins(_M, "accuracy", {"inputs": _pair(24, 80, 0.134, 0.2)}),
        *twins(_M, "precision_and_recall", {"inputs": _pair(25, 80, 0.2, 0.4)}),
        *twins(_M, "f1", {"inputs": _pair(26, 80, 0.3, 0.5)}),
        *twins(_M, "mcc", {"inputs": _pair(27, 500, 0.134, 0.2)}),
        *twins(_M, "score_types", {"inputs": _pair(28, 40)}),
        *twins(_M, "zero_denominator", {"inputs": {
            "a_true": _binary(29, 50, 0.134), "a_pred": ["ham"] * 50,
            "b_true": ["ham"] * 12, "b_pred": _binary(30, 12)}}),
        *twins(_M, "zero_denominator_types", {"inputs": {  # always spam, always right
            "a_true": _binary(31, 20), "a_pred": ["spam"] * 20,
            "b_true": ["spam"] * 9, "b_pred": ["spam"] * 9}}),
        *twins(_M, "positive_argument", {"inputs": _pair(32, 45)}),
        *twins(_M, "other_labels_negative", {"inputs": {
            "y_true": _binary(33, 40, 0.4, ("pos", "neg")),
            "y_pred": [["pos", "neg", "other"][i % 3] for i in range(40)]}}),
        *twins(_M, "python_lists", {"inputs": _pair(34, 60)}),
        *twins(_M, "series_matched_by_position", {"code": _SHUFFLED_SERIES,
                                                  "inputs": _pair(60, 80)},
               {"code": _SHUFFLED_SERIES, "inputs": _pair(36, 80)}),
        *twins(_M, "length_mismatch", {
            "name": "arrays", "code": _RAISES + "out = [outcome(np.array(long), np.array(short)), "
                                                "outcome(np.array(short), np.array(long))]",
            "inputs": {"long": _binary(36, 10), "short": _binary(37, 9)}}),
        *twins(_M, "empty_input", {
            "name": "arrays", "code": _RAISES + "out = outcome(np.array(empty), np.array(empty))",
            "inputs": {"empty": []}}, {"name": "tuples", "inputs": {"empty": ()}}),
        *twins(_M, "inputs_not_modified", {"inputs": {"y_true": _binary(38, 15),
                                                      "y_pred": _binary(39, 15)}}),
    ],
    _A: [
        *twins(_A, "returns_dataframe", {"inputs": _frame(40, 5)}),
        *twins(_A, "columns", {
            "code": _FRAME + "df['id'] = list(range(len(df)))\n"
                             "out = list(add_length_columns(df).columns)",
            "inputs": _frame(41, 8)}),
        *twins(_A, "n_chars", {"inputs": _frame(42, 40)}),
        *twins(_A, "n_words", {"inputs": _frame(43, 40)}, {"inputs": _frame(44, 40)}),
        *twins(_A, "int_columns", {"inputs": _frame(45, 10)}),
        *twins(_A, "index_and_order_kept", {
            "code": _FRAME + "import numpy as np\n"
                             "df.index = np.random.default_rng(5).permutation(len(df)) + 100\n"
                             "res = add_length_columns(df)\n"
                             "out = {'index': res.index.tolist(), "
                             "'n_chars': res['n_chars'].tolist()}",
            "inputs": _frame(46, 25)}),
        *twins(_A, "empty_dataframe", {
            "name": "extra_column",
            "code": _FRAME + "df['id'] = []\nres = add_length_columns(df)\n"
                             "out = {'columns': list(res.columns), 'rows': len(res), "
                             "'dtypes': [str(res[c].dtype) for c in ('n_chars', 'n_words')]}",
            "inputs": {"labels": [], "texts": []}}),
        *twins(_A, "input_not_modified", {"inputs": _frame(47, 10)}),
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
