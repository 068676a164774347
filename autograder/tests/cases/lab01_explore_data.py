"""Lab01 (觀察垃圾郵件資料集): correct-but-different answers and one-mistake submissions.

Each source is a whole answer cell as a student would write it. The points of a mistake are
those of the weighted checks it fails (public and hidden) in the test cell named first.
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

# ---------------------------------------------------------------- binary_metrics
METRICS_MASKS = '''import numpy as np


def binary_metrics(y_true, y_pred, positive="spam"):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError("y_true and y_pred must be non-empty and of the same length")
    t, p = y_true == positive, y_pred == positive
    tp, fp = int((t & p).sum()), int((~t & p).sum())
    fn, tn = int((t & ~p).sum()), int((~t & ~p).sum())
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    den = np.sqrt(float((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))
    mcc = float((tp * tn - fp * fn) / den) if den > 0 else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / len(t),
            "precision": precision, "recall": recall, "f1": f1, "mcc": mcc}
'''

METRICS_LOOP = '''def binary_metrics(y_true, y_pred, positive="spam"):
    y_true, y_pred = list(y_true), list(y_pred)
    if not y_true or len(y_true) != len(y_pred):
        raise ValueError("lengths differ or empty")
    tp = fp = fn = tn = 0
    for t, p in zip(y_true, y_pred):
        if t == positive:
            if p == positive:
                tp += 1
            else:
                fn += 1
        elif p == positive:
            fp += 1
        else:
            tn += 1

    def div(a, b):
        return a / b if b != 0 else 0.0

    precision, recall = div(tp, tp + fp), div(tp, tp + fn)
    mcc = div(tp * tn - fp * fn, ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "accuracy": div(tp + tn, len(y_true)), "precision": precision, "recall": recall,
            "f1": div(2 * precision * recall, precision + recall), "mcc": float(mcc)}
'''

METRICS_CROSSTAB = '''import numpy as np
import pandas as pd


def binary_metrics(y_true, y_pred, positive="spam"):
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError("y_true and y_pred must be non-empty and of the same length")
    t = pd.Series(np.asarray(y_true) == positive, name="true")
    p = pd.Series(np.asarray(y_pred) == positive, name="pred")
    table = pd.crosstab(t, p).reindex(index=[False, True], columns=[False, True], fill_value=0)
    tn, fp = int(table.loc[False, False]), int(table.loc[False, True])
    fn, tp = int(table.loc[True, False]), int(table.loc[True, True])
    n = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / n,
            "precision": precision, "recall": recall, "f1": f1,
            "mcc": (tp * tn - fp * fn) / den if den else 0.0}
'''

METRICS_SKLEARN = '''import numpy as np
from sklearn.metrics import confusion_matrix, matthews_corrcoef


def binary_metrics(y_true, y_pred, positive="spam"):
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError("y_true and y_pred must be non-empty and of the same length")
    t, p = np.asarray(y_true) == positive, np.asarray(y_pred) == positive
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(t, p, labels=[False, True]).ravel())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / len(t),
            "precision": precision, "recall": recall, "f1": f1,
            "mcc": float(matthews_corrcoef(t, p))}
'''


def _metrics(*, accuracy="(tp + tn) / n", precision="div(tp, tp + fp)",
             recall="div(tp, tp + fn)", mcc="div(tp * tn - fp * fn, math.sqrt(prod))",
             zero="0.0", check_lengths=True) -> str:
    """A student's binary_metrics with one expression changed."""
    lengths = ('    if len(y_true) != len(y_pred) or len(y_true) == 0:\n'
               '        raise ValueError("lengths differ or empty")\n') if check_lengths else (
               '    if len(y_true) == 0:\n        raise ValueError("empty")\n')
    return f'''import math

import numpy as np


def binary_metrics(y_true, y_pred, positive="spam"):
{lengths}    t, p = np.asarray(y_true) == positive, np.asarray(y_pred) == positive
    n = min(len(t), len(p))
    t, p = t[:n], p[:n]
    tp, fp = int(np.sum(t & p)), int(np.sum(~t & p))
    fn, tn = int(np.sum(t & ~p)), int(np.sum(~t & ~p))
    prod = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)

    def div(a, b):
        return a / b if b else {zero}

    precision = {precision}
    recall = {recall}
    f1 = div(2 * precision * recall, precision + recall)
    return {{"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": {accuracy},
            "precision": precision, "recall": recall, "f1": f1, "mcc": {mcc}}}
'''


METRICS_ACCURACY_POSITIVES = _metrics(accuracy="float(np.mean(p[t] == t[t]))")
METRICS_SWAPPED = _metrics(precision="div(tp, tp + fn)", recall="div(tp, tp + fp)")
METRICS_MCC_NO_SQRT = _metrics(mcc="div(tp * tn - fp * fn, prod)")
METRICS_MCC_FLOOR = _metrics(mcc="(tp * tn - fp * fn) // math.sqrt(prod) if prod else 0.0")
METRICS_NAN = _metrics(zero='float("nan")')
METRICS_INT_ZERO = _metrics(zero="0")
METRICS_NO_LENGTH_CHECK = _metrics(check_lengths=False)

# ---------------------------------------------------------------- add_length_columns
LENGTHS_LISTS = '''def add_length_columns(df):
    out = df.copy()
    out["n_chars"] = [len(text) for text in df["text"]]
    out["n_words"] = [len(text.split()) for text in df["text"]]
    return out.astype({"n_chars": int, "n_words": int})
'''

LENGTHS_STR = '''def add_length_columns(df):
    return df.assign(n_chars=df["text"].str.len().astype("int64"),
                     n_words=df["text"].str.split().str.len().astype("int64"))
'''

LENGTHS_APPLY = '''def add_length_columns(df):
    out = df.copy()
    out["n_chars"] = out["text"].apply(len).astype(int)
    out["n_words"] = out["text"].apply(lambda text: len(text.split())).astype(int)
    return out
'''

LENGTHS_SPLIT_SPACE = '''def add_length_columns(df):
    out = df.copy()
    out["n_chars"] = [len(text) for text in df["text"]]
    out["n_words"] = [len(text.split(" ")) for text in df["text"]]
    return out.astype({"n_chars": int, "n_words": int})
'''

LENGTHS_IN_PLACE = '''def add_length_columns(df):
    df["n_chars"] = df["text"].str.len().astype(int)
    df["n_words"] = df["text"].str.split().str.len().astype(int)
    return df
'''

LENGTHS_RESET_INDEX = '''def add_length_columns(df):
    out = df.reset_index(drop=True)
    out["n_chars"] = [len(text) for text in out["text"]]
    out["n_words"] = [len(text.split()) for text in out["text"]]
    return out.astype({"n_chars": int, "n_words": int})
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

METRICS_SPAM_HARDCODED = _metrics().replace("== positive", '== "spam"')
METRICS_NUMPY_COUNTS = _metrics().replace("int(np.sum(", "(np.sum(")
METRICS_ALIGNED = '''import pandas as pd


def binary_metrics(y_true, y_pred, positive="spam"):
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError("lengths differ or empty")
    t, p = pd.Series(y_true) == positive, pd.Series(y_pred) == positive  # & aligns on index
    tp, fp = int((t & p).sum()), int((~t & p).sum())
    fn, tn = int((t & ~p).sum()), int((~t & ~p).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / len(t),
            "precision": precision, "recall": recall, "f1": f1,
            "mcc": (tp * tn - fp * fn) / den if den else 0.0}
'''
LENGTHS_NO_ASTYPE = LENGTHS_LISTS.replace(
    '    return out.astype({"n_chars": int, "n_words": int})', "    return out")
DUPS_NO_DEFAULT = DUPS_DICT.replace("max(counts.values(), default=0)", "max(counts.values())")
COUNTS_BY_INDEX = '''def label_counts(labels):
    counts = {}
    for i in range(len(labels)):
        counts[labels[i]] = counts.get(labels[i], 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))
'''


ALTERNATIVES = {
    "label_counts": [COUNTS_LOOP, COUNTS_COUNTER, COUNTS_VALUE_COUNTS],
    "binary_metrics": [METRICS_MASKS, METRICS_LOOP, METRICS_CROSSTAB, METRICS_SKLEARN],
    "add_length_columns": [LENGTHS_LISTS, LENGTHS_STR, LENGTHS_APPLY],
    "duplicate_report": [DUPS_DICT, DUPS_PANDAS, DUPS_SET],
}

_L, _M = "test_label_counts", "test_binary_metrics"
_A, _D = "test_add_length_columns", "test_duplicate_report"

MISTAKES = [
    Mistake("label_counts_unsorted", "label_counts", COUNTS_UNSORTED, {_L: 2.5},
            "次數多的 label 要排在前面",
            "dict(Counter(labels)): first seen first, not the most frequent first"),
    Mistake("label_counts_numpy_ints", "label_counts", COUNTS_NUMPY_INTS, {_L: 2.5},
            "次數要是 Python 的 int", "value_counts() without int(): numpy.int64 counts"),
    Mistake("label_counts_by_index", "label_counts", COUNTS_BY_INDEX, {_L: 2.75},
            "KeyError", "labels[i] for i in range(len(labels)): a Series is read by its index"),
    Mistake("metrics_accuracy_positives", "binary_metrics", METRICS_ACCURACY_POSITIVES,
            {_M: 3.75}, "accuracy 應為 (TP + TN) / N",
            "accuracy computed on the positive messages only (that is the recall)"),
    Mistake("metrics_precision_recall_swapped", "binary_metrics", METRICS_SWAPPED, {_M: 3.5},
            "[precision, recall] 不對", "precision = TP / (TP + FN), recall = TP / (TP + FP)"),
    Mistake("metrics_mcc_no_sqrt", "binary_metrics", METRICS_MCC_NO_SQRT, {_M: 3.75},
            "分母要開根號", "MCC divided by the product, without its square root"),
    Mistake("metrics_mcc_floor_division", "binary_metrics", METRICS_MCC_FLOOR, {_M: 3.75},
            "用 / 不是 //", "MCC with floor division //"),
    Mistake("metrics_nan_on_zero", "binary_metrics", METRICS_NAN, {_M: 3.75},
            "不是 nan", "a zero denominator gives nan instead of 0.0"),
    Mistake("metrics_int_zero", "binary_metrics", METRICS_INT_ZERO, {_M: 3.88},
            "不是 int 的 0", "a zero denominator gives the int 0 instead of the float 0.0"),
    Mistake("metrics_no_length_check", "binary_metrics", METRICS_NO_LENGTH_CHECK, {_M: 3.75},
            "長度不同時要 raise ValueError", "no ValueError when the lengths differ (zip)"),
    Mistake("metrics_spam_hardcoded", "binary_metrics", METRICS_SPAM_HARDCODED, {_M: 3.62},
            "沒有使用 positive 參數", "'spam' written in the code instead of positive"),
    Mistake("metrics_numpy_counts", "binary_metrics", METRICS_NUMPY_COUNTS, {_M: 3.88},
            "TP/FP/FN/TN 要是 Python 的 int", "np.sum counts returned as numpy.int64"),
    Mistake("metrics_series_aligned", "binary_metrics", METRICS_ALIGNED, {_M: 3.75},
            "依「位置」比對", "pandas Series compared with ==/& align on the index"),
    Mistake("lengths_split_space", "add_length_columns", LENGTHS_SPLIT_SPACE, {_A: 2.5},
            "不帶參數的 text.split()", "n_words = len(text.split(' '))"),
    Mistake("lengths_in_place", "add_length_columns", LENGTHS_IN_PLACE, {_A: 2.5},
            "傳進來的 df 被修改了", "columns added to df itself, df returned"),
    Mistake("lengths_reset_index", "add_length_columns", LENGTHS_RESET_INDEX, {_A: 2.75},
            "要保留原本的 index", "reset_index(drop=True) before adding the columns"),
    Mistake("lengths_float_when_empty", "add_length_columns", LENGTHS_NO_ASTYPE, {_A: 2.75},
            "仍是整數欄位", "list columns without astype: float64 on an empty DataFrame"),
    Mistake("dups_keep_false", "duplicate_report", DUPS_KEEP_FALSE, {_D: 2.5},
            "第一次出現的那則不算重複", "duplicated(keep=False): first occurrences counted"),
    Mistake("dups_lowercase", "duplicate_report", DUPS_LOWER, {_D: 2.5},
            "只有完全相同的文字才算重複", "texts compared after lower() and strip()"),
    Mistake("dups_max_of_empty", "duplicate_report", DUPS_NO_DEFAULT, {_D: 2.5},
            "max() arg is an empty sequence", "max(counts.values()) without default: crash"),
]
