"""Lab01 (觀察垃圾郵件資料集): the documented figures, the checks, the notebook, the plots."""

from __future__ import annotations

import csv
from collections import Counter

import nbformat
import numpy as np
import pandas as pd
import pytest

from autograder.hidden import expected_outputs, hidden_checks
from autograder.reference import answer_cells, reference_namespace, source_notebook
from autograder.reference import test_cells as graded_cells
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks

A = "lab01_explore_data"
FUNCTIONS = ["label_counts", "binary_metrics", "add_length_columns", "duplicate_report"]
POINTS = {"test_label_counts": 3, "test_binary_metrics": 4, "test_add_length_columns": 3,
          "test_duplicate_report": 3}


@pytest.fixture(scope="module")
def ref() -> dict:
    return reference_namespace(A)


@pytest.fixture(scope="module")
def df(sms_spam_file) -> pd.DataFrame:
    from rnnlab.data import load_sms_spam

    return load_sms_spam(sms_spam_file)


# ---------------------------------------------------------------- the documented figures
def test_naive_read_csv_joins_three_lines_into_one_row(sms_spam_file, df):
    naive = pd.read_csv(sms_spam_file, sep="\t", header=None)
    lines = sms_spam_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5574 and len(naive) == 5572
    merged = naive.index[naive[1].str.contains("\n")].tolist()
    assert merged == [5081]  # file lines 5,082-5,084 become one row
    assert lines[5081].startswith('ham\t"Keep ur problems') and not lines[5081].endswith('"')
    assert lines[5083].startswith('ham\t"HI BABE') and lines[5083].endswith('"')
    assert naive.iloc[5081, 1].count("\n") == 2
    assert "SD..\nham\tYeah" in naive.iloc[5081, 1]
    assert "\nham\tHI BABE" in naive.iloc[5081, 1]  # the next `"` closed the quote
    changed = naive[1].iloc[:5081] != df["text"].iloc[:5081]
    assert int(changed.sum()) == 46  # quotes silently stripped before the merge
    fixed = pd.read_csv(sms_spam_file, sep="\t", header=None, names=["label", "text"],
                        quoting=csv.QUOTE_NONE)
    assert len(fixed) == 5574 and fixed.equals(df)


def test_class_balance_and_majority_baseline(ref, df):
    counts = ref["label_counts"](df["label"])
    assert counts == {"ham": 4827, "spam": 747} and list(counts) == ["ham", "spam"]
    assert all(type(v) is int for v in counts.values())
    assert round(100 * counts["ham"] / len(df), 1) == 86.6
    majority = next(iter(counts))
    m = ref["binary_metrics"](df["label"], [majority] * len(df), positive="spam")
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (0, 0, 747, 4827)
    assert round(m["accuracy"], 3) == 0.866
    assert m["precision"] == m["recall"] == m["f1"] == m["mcc"] == 0.0


def test_binary_metrics_agrees_with_scikit_learn(ref):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(7)
    y_true = rng.choice(["ham", "spam"], size=500, p=[0.8, 0.2]).tolist()
    y_pred = rng.choice(["ham", "spam"], size=500, p=[0.7, 0.3]).tolist()
    m = ref["binary_metrics"](y_true, y_pred, positive="spam")
    tn, fp, fn, tp = metrics.confusion_matrix(y_true, y_pred, labels=["ham", "spam"]).ravel()
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (tp, fp, fn, tn)
    assert m["accuracy"] == pytest.approx(metrics.accuracy_score(y_true, y_pred))
    kw = {"pos_label": "spam", "zero_division": 0}
    assert m["precision"] == pytest.approx(metrics.precision_score(y_true, y_pred, **kw))
    assert m["recall"] == pytest.approx(metrics.recall_score(y_true, y_pred, **kw))
    assert m["f1"] == pytest.approx(metrics.f1_score(y_true, y_pred, **kw))
    assert m["mcc"] == pytest.approx(metrics.matthews_corrcoef(y_true, y_pred))


def test_message_lengths(ref, df):
    lengths = ref["add_length_columns"](df)
    assert list(lengths.columns) == ["label", "text", "n_chars", "n_words"]
    assert list(df.columns) == ["label", "text"]
    medians = lengths.groupby("label")[["n_chars", "n_words"]].median()
    assert medians.loc["ham"].tolist() == [52, 11] and medians.loc["spam"].tolist() == [149, 25]
    assert lengths["n_chars"].max() == 910 and lengths["n_words"].max() == 171
    assert lengths["n_words"].quantile(0.95) == 33


def test_duplicates_and_split_leak(ref, df):
    report = ref["duplicate_report"](df["text"])
    assert report == {"n_total": 5574, "n_unique": 5171, "n_duplicates": 403,
                      "n_repeated": 281, "max_count": 30}
    assert report["n_duplicates"] == int(df["text"].duplicated().sum())
    assert (df.groupby("text")["label"].nunique() == 1).all()  # duplicates never disagree
    # the notebook's 70/30 split: about one test message in ten is also in train
    order = np.random.default_rng(0).permutation(len(df))
    train, test = df.iloc[order[:3901]], df.iloc[order[3901:]]
    leaked = test["text"].isin(set(train["text"])).mean()
    assert 0.08 < leaked < 0.12
    unique = df.drop_duplicates("text")
    assert len(unique) == 5171 and not unique["text"].duplicated().any()


def test_html_entities_and_control_characters(df):
    entities = Counter(df["text"].str.findall(r"&[a-z]+;").explode().dropna())
    assert entities == {"&lt;": 314, "&gt;": 314, "&amp;": 88}
    assert int(df["text"].str.contains(r"&[a-z]+;").sum()) == 309
    assert int(df["text"].str.contains("[\x80-\x9f]").sum()) == 35


# ---------------------------------------------------------------- the checks
def test_every_graded_cell_has_checks_and_points():
    nb = nbformat.read(source_notebook(A), as_version=4)
    answers = [c.metadata.nbgrader["grade_id"] for c in answer_cells(nb)]
    tests = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"]
             for c in graded_cells(nb)}
    assert answers == FUNCTIONS
    assert tests == POINTS
    for grade_id in POINTS:
        assert len(public_checks(A, grade_id)) >= 5
        assert len(hidden_checks(A, grade_id)) >= 4


# Typical mistakes, each of which must be caught by the public check that names it.
def _counts_numpy_ints(labels):
    return dict(pd.Series(list(labels), dtype=object).value_counts())  # numpy.int64 values


def _counts_unsorted(labels):
    return dict(Counter(labels))


def _metrics_factory(*, swap_fp_fn=False, swap_p_r=False, nan_on_zero=False,
                     spam_hardcoded=False, align_series=False, zip_lengths=False):
    def metrics(y_true, y_pred, positive="spam"):
        if spam_hardcoded:
            positive = "spam"
        if len(y_true) == 0 or (not zip_lengths and len(y_true) != len(y_pred)):
            raise ValueError("empty, or the lengths differ")
        if align_series:
            t = pd.Series(y_true) if not isinstance(y_true, pd.Series) else y_true
            p = pd.Series(y_pred) if not isinstance(y_pred, pd.Series) else y_pred
            is_pos, said_pos = t == positive, p == positive  # & aligns on the index
            tp, fp = int((is_pos & said_pos).sum()), int((~is_pos & said_pos).sum())
            fn, tn = int((is_pos & ~said_pos).sum()), int((~is_pos & ~said_pos).sum())
        else:
            pairs = list(zip(y_true, y_pred))
            tp = sum(t == positive and p == positive for t, p in pairs)
            fp = sum(t != positive and p == positive for t, p in pairs)
            fn = sum(t == positive and p != positive for t, p in pairs)
            tn = sum(t != positive and p != positive for t, p in pairs)
        if swap_fp_fn:
            fp, fn = fn, fp
        zero = float("nan") if nan_on_zero else 0.0
        precision = tp / (tp + fp) if tp + fp else zero
        recall = tp / (tp + fn) if tp + fn else zero
        if swap_p_r:
            precision, recall = recall, precision
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else zero
        den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
        return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
                "accuracy": (tp + tn) / (tp + fp + fn + tn), "precision": precision,
                "recall": recall, "f1": f1,
                "mcc": (tp * tn - fp * fn) / den if den else zero}

    return metrics


def _lengths_split_space(df):
    out = df.copy()
    out["n_chars"] = df["text"].str.len()
    out["n_words"] = [len(t.split(" ")) for t in df["text"]]
    return out


def _lengths_in_place(df):
    df["n_chars"] = [len(t) for t in df["text"]]
    df["n_words"] = [len(t.split()) for t in df["text"]]
    return df


def _lengths_reset_index(df):
    out = df.reset_index(drop=True)
    out["n_chars"] = [len(t) for t in out["text"]]
    out["n_words"] = [len(t.split()) for t in out["text"]]
    return out


def _dups_keep_false(texts):
    s = pd.Series(list(texts), dtype=object)
    counts = s.value_counts()
    return {"n_total": len(s), "n_unique": int(s.nunique()),
            "n_duplicates": int(s.duplicated(keep=False).sum()),
            "n_repeated": int((counts > 1).sum()), "max_count": int(counts.max()) if len(s) else 0}


def _dups_lowercase(texts):
    lowered = [t.lower().strip() for t in texts]
    counts = Counter(lowered)
    return {"n_total": len(lowered), "n_unique": len(counts),
            "n_duplicates": len(lowered) - len(counts),
            "n_repeated": sum(c > 1 for c in counts.values()),
            "max_count": max(counts.values(), default=0)}


def _dups_no_default(texts):
    counts = Counter(texts)
    return {"n_total": len(texts), "n_unique": len(counts),
            "n_duplicates": len(texts) - len(counts),
            "n_repeated": sum(c > 1 for c in counts.values()), "max_count": max(counts.values())}


MISTAKES = [
    ("label_counts", _counts_numpy_ints, "test_label_counts", "plain_python_int"),
    ("label_counts", _counts_unsorted, "test_label_counts", "most_frequent_first"),
    ("binary_metrics", _metrics_factory(swap_fp_fn=True),
     "test_binary_metrics", "confusion_counts"),
    ("binary_metrics", _metrics_factory(swap_p_r=True),
     "test_binary_metrics", "precision_and_recall"),
    ("binary_metrics", _metrics_factory(nan_on_zero=True),
     "test_binary_metrics", "nothing_predicted_positive"),
    ("binary_metrics", _metrics_factory(spam_hardcoded=True),
     "test_binary_metrics", "positive_argument"),
    ("binary_metrics", _metrics_factory(align_series=True),
     "test_binary_metrics", "series_matched_by_position"),
    ("binary_metrics", _metrics_factory(zip_lengths=True),
     "test_binary_metrics", "length_mismatch"),
    ("add_length_columns", _lengths_split_space, "test_add_length_columns",
     "n_words_split_on_whitespace"),
    ("add_length_columns", _lengths_in_place, "test_add_length_columns",
     "input_not_modified"),
    ("add_length_columns", _lengths_reset_index, "test_add_length_columns",
     "index_and_order_kept"),
    ("duplicate_report", _dups_keep_false, "test_duplicate_report",
     "first_occurrence_not_a_duplicate"),
    ("duplicate_report", _dups_lowercase, "test_duplicate_report",
     "exact_text_only"),
    ("duplicate_report", _dups_no_default, "test_duplicate_report", "empty_input"),
]


@pytest.mark.parametrize("function, wrong, grade_id, check_name", MISTAKES,
                         ids=[m[3] + "-" + m[0] for m in MISTAKES])
def test_a_typical_mistake_is_named_by_its_check(ref, function, wrong, grade_id, check_name):
    namespace = dict(ref)
    namespace[function] = wrong
    failed = {r.name for r in run_checks(public_checks(A, grade_id), namespace) if not r.passed}
    # one mistake, one failing check (swapped FP/FN also makes precision equal recall)
    also = {"precision_and_recall"} if check_name == "confusion_counts" else set()
    assert failed == {check_name} | also
    hidden = hidden_checks(A, grade_id)
    hidden_results = run_checks(hidden, namespace, expected_outputs(A, hidden))
    if check_name not in ("empty_input", "length_mismatch"):  # no random twin in hidden
        assert not all(r.passed for r in hidden_results), "the hidden checks missed it"


def test_public_checks_carry_literal_expected_values():
    from rnnlab.checking import FROM_REFERENCE

    for grade_id in POINTS:
        for check in public_checks(A, grade_id):
            assert not (isinstance(check.expected, str) and check.expected == FROM_REFERENCE)
            assert check.message, f"{check.name} has no message"


# ---------------------------------------------------------------- the plots
def test_plots_draw_and_return_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnlab.plots import plot_class_balance, plot_confusion, plot_length_by_class

    ax = plot_class_balance({"ham": 3, "spam": 1})
    assert [t.get_text() for t in ax.texts] == ["3 (75.0%)", "1 (25.0%)"]
    ax = plot_length_by_class([1, 2, 3, 50], ["ham", "spam", "ham", "spam"], upper=10)
    assert len(ax.get_legend().get_texts()) == 2
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == pytest.approx(2.0)  # each class's bars sum to 1
    with pytest.raises(ValueError):
        plot_length_by_class([1, 2], ["ham"])
    ax = plot_confusion({"tp": 5, "fp": 1, "fn": 2, "tn": 9})
    assert [t.get_text() for t in ax.texts] == ["TN\n9", "FP\n1", "FN\n2", "TP\n5"]
    plt.close("all")


# ---------------------------------------------------------------- the notebook
@pytest.mark.slow
def test_solution_notebook_prints_the_documented_figures_quietly(executed_solution):
    nb = executed_solution(A)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs if o.output_type == "stream")
    for figure in ["5,572", "5,574", "4,827", "(86.6%)", "46 則", "accuracy: 0.866"]:
        assert figure in printed, figure
    for cell in graded_cells(nb):
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.source[:60]
    first, last = nb.cells[0].source, "\n".join(c.source for c in nb.cells[-2:])
    assert first.startswith("# Lab01：觀察垃圾郵件資料集") and "## 學習目標" in first
    assert "## 本章重點精華回顧" in last and "## 練習" in last
