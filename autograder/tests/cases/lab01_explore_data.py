"""Lab01 (觀察垃圾郵件資料集): correct-but-different answers and one-mistake submissions.

Each source is a whole answer cell as a student would write it. The points of a mistake are
those of the weighted checks it fails (public and hidden) in the test cell named first.
binary_metrics and add_length_columns are ungraded 選讀 exercises: the harness does not grade
them (tests/test_lab01_explore_data.py checks what their practice cells say).
"""

from autograder.tests.cases import Mistake

A = "lab01_explore_data"

# ---------------------------------------------------------------- label_counts
COUNTS_LOOP = '''def label_counts(labels):
    counts = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: item[1], reverse=True))
'''

COUNTS_COUNTER = '''from collections import Counter


def label_counts(labels):
    return dict(Counter(labels).most_common())
'''

COUNTS_VALUE_COUNTS = '''import pandas as pd


def label_counts(labels):
    counts = pd.Series(list(labels), dtype=object).value_counts()
    return {label: int(n) for label, n in counts.items()}
'''

COUNTS_UNSORTED = '''from collections import Counter


def label_counts(labels):
    return dict(Counter(labels))  # first seen first, not the most frequent first
'''

COUNTS_NUMPY_INTS = '''import pandas as pd


def label_counts(labels):
    return dict(pd.Series(list(labels)).value_counts())  # numpy.int64 values
'''

# ---------------------------------------------------------------- duplicate_report
DUPS_DICT = '''def duplicate_report(texts):
    counts = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    return {"n_total": sum(counts.values()), "n_unique": len(counts),
            "n_duplicates": sum(counts.values()) - len(counts),
            "n_repeated": sum(n > 1 for n in counts.values()),
            "max_count": max(counts.values(), default=0)}
'''

DUPS_PANDAS = '''import pandas as pd


def duplicate_report(texts):
    s = pd.Series(list(texts), dtype=object)
    counts = s.value_counts()
    return {"n_total": int(len(s)), "n_unique": int(s.nunique()),
            "n_duplicates": int(s.duplicated().sum()), "n_repeated": int((counts > 1).sum()),
            "max_count": int(counts.max()) if len(s) else 0}
'''

DUPS_SET = '''def duplicate_report(texts):
    seen, repeated = set(), set()
    n_duplicates = 0
    for text in texts:
        if text in seen:
            n_duplicates += 1
            repeated.add(text)
        seen.add(text)
    texts = list(texts)
    return {"n_total": len(texts), "n_unique": len(seen), "n_duplicates": n_duplicates,
            "n_repeated": len(repeated),
            "max_count": max((texts.count(t) for t in seen), default=0)}
'''

DUPS_KEEP_FALSE = '''import pandas as pd


def duplicate_report(texts):
    s = pd.Series(list(texts), dtype=object)
    counts = s.value_counts()
    return {"n_total": len(s), "n_unique": int(s.nunique()),
            "n_duplicates": int(s.duplicated(keep=False).sum()),
            "n_repeated": int((counts > 1).sum()),
            "max_count": int(counts.max()) if len(s) else 0}
'''

DUPS_LOWER = '''from collections import Counter


def duplicate_report(texts):
    counts = Counter(text.lower().strip() for text in texts)
    n = sum(counts.values())
    return {"n_total": n, "n_unique": len(counts), "n_duplicates": n - len(counts),
            "n_repeated": sum(c > 1 for c in counts.values()),
            "max_count": max(counts.values(), default=0)}
'''

DUPS_NO_DEFAULT = DUPS_DICT.replace("max(counts.values(), default=0)", "max(counts.values())")
COUNTS_BY_INDEX = '''def label_counts(labels):
    counts = {}
    for i in range(len(labels)):
        counts[labels[i]] = counts.get(labels[i], 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))
'''
DUPS_NUMPY_INTS = '''import pandas as pd


def duplicate_report(texts):
    s = pd.Series(list(texts), dtype=object)
    counts = s.value_counts()
    return {"n_total": len(s), "n_unique": s.nunique(),
            "n_duplicates": len(s) - s.nunique(), "n_repeated": (counts > 1).sum(),
            "max_count": int(counts.max()) if len(s) else 0}  # n_repeated: numpy.int64
'''


ALTERNATIVES = {
    "label_counts": [COUNTS_LOOP, COUNTS_COUNTER, COUNTS_VALUE_COUNTS],
    "duplicate_report": [DUPS_DICT, DUPS_PANDAS, DUPS_SET],
}

_L, _D = "test_label_counts", "test_duplicate_report"

MISTAKES = [
    Mistake("label_counts_unsorted", "label_counts", COUNTS_UNSORTED, {_L: 2.5},
            "次數多的 label 要排在前面",
            "dict(Counter(labels)): first seen first, not the most frequent first"),
    Mistake("label_counts_numpy_ints", "label_counts", COUNTS_NUMPY_INTS, {_L: 2.5},
            "次數要是 Python 的 int", "value_counts() without int(): numpy.int64 counts"),
    Mistake("label_counts_by_index", "label_counts", COUNTS_BY_INDEX, {_L: 2.75},
            "KeyError", "labels[i] for i in range(len(labels)): a Series is read by its index"),
    Mistake("dups_keep_false", "duplicate_report", DUPS_KEEP_FALSE, {_D: 2.5},
            "第一次出現的那則不算重複", "duplicated(keep=False): first occurrences counted"),
    Mistake("dups_lowercase", "duplicate_report", DUPS_LOWER, {_D: 2.5},
            "只有完全相同的文字才算重複", "texts compared after lower() and strip()"),
    Mistake("dups_max_of_empty", "duplicate_report", DUPS_NO_DEFAULT, {_D: 2.5},
            "max() arg is an empty sequence", "max(counts.values()) without default: crash"),
    Mistake("dups_numpy_ints", "duplicate_report", DUPS_NUMPY_INTS, {_D: 2.75},
            "所有值都要是 Python 的 int", "value_counts() sums returned as numpy.int64"),
]
