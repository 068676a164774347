"""Lab01 (觀察垃圾郵件資料集): the documented figures, the checks, the notebook, the plots."""

from __future__ import annotations

import csv
import importlib
import inspect
import re
from collections import Counter

import nbformat
import numpy as np
import pandas as pd
import pytest

from autograder.hidden import expected_outputs, hidden_checks
from autograder.reference import answer_cells, reference_namespace, source_notebook
from autograder.reference import test_cells as graded_cells
from autograder.tests.cases import lab01_explore_data as cases
from rnnlab.checking import PINNED, grade_test, run_checks
from rnnlab.checks import public_checks, run_practice

A = "lab01_explore_data"
FUNCTIONS = ["label_counts", "duplicate_report"]  # graded, in the 必做 sections
PRACTICE = ["binary_metrics", "add_length_columns"]  # ungraded 選讀 exercises
POINTS = {"test_label_counts": 3, "test_duplicate_report": 3}
TEST_OF = dict(zip(FUNCTIONS, POINTS))


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
    changed = naive[1].iloc[:5081] != df["text"].iloc[:5081]
    assert int(changed.sum()) == 46  # quotes silently stripped before the merge
    fixed = pd.read_csv(sms_spam_file, sep="\t", header=None, names=["label", "text"],
                        quoting=csv.QUOTE_NONE)
    assert len(fixed) == 5574 and fixed.equals(df)


def test_class_balance_and_majority_baseline(ref, df):
    counts = ref["label_counts"](df["label"])
    assert counts == {"ham": 4827, "spam": 747} and list(counts) == ["ham", "spam"]
    assert round(100 * counts["ham"] / len(df), 1) == 86.6
    m = ref["binary_metrics"](df["label"], ["ham"] * len(df), positive="spam")
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (0, 0, 747, 4827)
    assert round(m["accuracy"], 3) == 0.866
    assert m["precision"] == m["recall"] == m["f1"] == m["mcc"] == 0.0


def test_binary_metrics_agrees_with_scikit_learn(ref):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(7)
    y_true = rng.choice(["ham", "spam"], size=500, p=[0.8, 0.2]).tolist()
    y_pred = rng.choice(["ham", "spam"], size=500, p=[0.7, 0.3]).tolist()
    m = ref["binary_metrics"](y_true, y_pred, positive="spam")
    # the course's convention: rows = true class, columns = predicted class, ham first
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
    assert round(lengths["n_words"].quantile(0.99)) == 54


def test_duplicates_and_the_course_split(ref, df):
    from sklearn.model_selection import train_test_split

    from rnnlab.data import split_sms

    report = ref["duplicate_report"](df["text"])
    assert report == {"n_total": 5574, "n_unique": 5171, "n_duplicates": 403,
                      "n_repeated": 281, "max_count": 30}
    assert (df.groupby("text")["label"].nunique() == 1).all()  # duplicates never disagree
    dups = df[df["text"].duplicated()]
    assert ref["label_counts"](dups["label"]) == {"ham": 309, "spam": 94}
    split = split_sms(df)
    assert [len(split[k]) for k in ("train", "val", "test")] == [3619, 776, 776]
    assert not split["test"]["text"].isin(set(split["train"]["text"])).any()
    test_spam = split["test"]["label"] == "spam"
    assert round(test_spam.mean(), 3) == 0.126 and round(1 - test_spam.mean(), 3) == 0.874
    # the same proportions and seed without deduplication: about one test message in ten
    raw_train, raw_test = train_test_split(df, test_size=0.15, stratify=df["label"],
                                           random_state=0)
    seen = raw_test["text"].isin(set(raw_train["text"]))
    assert (int(seen.sum()), len(raw_test)) == (88, 837)


def test_html_entities_and_control_characters(df):
    entities = Counter(df["text"].str.findall(r"&[a-z]+;").explode().dropna())
    assert entities == {"&lt;": 314, "&gt;": 314, "&amp;": 88}
    assert int(df["text"].str.contains(r"&[a-z]+;").sum()) == 309
    assert int(df["text"].str.contains("[\x80-\x9f]").sum()) == 35
    spam = df["label"] == "spam"
    assert round(df.loc[spam, "text"].str.contains("£").mean(), 2) == 0.34
    digits = df["text"].str.contains(r"\d{5,}")
    assert round(digits[spam].mean(), 2) == 0.78 and round(digits[~spam].mean(), 3) == 0.001


# ---------------------------------------------------------------- the checks
def test_every_graded_cell_has_weighted_checks():
    nb = nbformat.read(source_notebook(A), as_version=4)
    assert [c.metadata.nbgrader["grade_id"] for c in answer_cells(nb)] == FUNCTIONS + PRACTICE
    assert {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"]
            for c in graded_cells(nb)} == POINTS
    # weights in halves of a point: 6 units for 3 points
    totals = {gid: sum(c.weight for c in public_checks(A, gid)) for gid in POINTS}
    assert totals == {"test_label_counts": 6, "test_duplicate_report": 6}
    practice = importlib.import_module(f"rnnlab.checks.{A}").PRACTICE
    assert list(practice) == [f"practice_{f}" for f in PRACTICE]


def test_hidden_twins_share_the_weight_of_their_public_check():
    """The hidden checks of a rule weigh as much as its public check: a submission that the
    hidden inputs find no new mistake in gets the points its public checks announced."""
    for gid in POINTS:
        public = {c.name: c.weight for c in public_checks(A, gid)}
        twins: dict[str, float] = {}
        for check in hidden_checks(A, gid):
            twins[check.retests] = twins.get(check.retests, 0.0) + check.weight
        assert twins == pytest.approx(public), gid


def test_values_computed_from_inputs_are_pinned():
    """Public values that come from the reference are PINNED; literals are only types, key
    names, ValueError, {} and the like."""
    literal_ok = {"plain_python_int", "empty_input", "inputs_not_modified", "keys",
                  "count_types", "score_types", "zero_denominator_types", "length_mismatch",
                  "returns_dataframe", "columns", "int_columns", "empty_dataframe",
                  "input_not_modified"}
    for gid in [*POINTS, *(f"practice_{f}" for f in PRACTICE)]:
        for check in public_checks(A, gid, resolve=False):
            if check.name not in literal_ok:
                assert check.expected == PINNED, f"{gid}/{check.name}"


def _with(ref: dict, source: str) -> dict:
    namespace = dict(ref)
    exec(compile(source, "<student>", "exec"), namespace)  # noqa: S102 - course cases
    return namespace


def _run(namespace: dict, gid: str):
    public = run_checks(public_checks(A, gid), namespace)
    checks = hidden_checks(A, gid)
    hidden = run_checks(checks, namespace, expected_outputs(A, checks), kind="hidden")
    return public, hidden, checks


@pytest.mark.parametrize("mistake", cases.MISTAKES, ids=[m.name for m in cases.MISTAKES])
def test_a_typical_mistake_fails_one_rule_and_costs_its_points(ref, mistake):
    """One mistake, one public rule failed (its hidden twins may fail too, no other rule),
    and the points of the corpus; the harness grades the same in autograder/tests."""
    (gid, points), = mistake.points.items()
    public, hidden, checks = _run(_with(ref, mistake.source), gid)
    failed = {r.name for r in public if not r.passed}
    rules = {c.retests for c, r in zip(checks, hidden) if not r.passed}
    assert len(failed) >= 1 and rules <= failed, (failed, rules)
    expected_rules = {"metrics_spam_hardcoded": 2, "dups_max_of_empty": 2}
    assert len(failed) == expected_rules.get(mistake.name, 1), failed
    assert grade_test(gid, POINTS[gid], public + hidden).points == pytest.approx(points)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_correct_but_different_answers_pass_every_check(ref, function):
    gid = TEST_OF[function]
    for source in cases.ALTERNATIVES[function]:
        public, hidden, _ = _run(_with(ref, source), gid)
        assert all(r.passed for r in public + hidden), [r.text for r in public + hidden
                                                        if not r.passed]


# ---------------------------------------------------------------- the 選讀 exercises
# binary_metrics and add_length_columns are ungraded: no hidden checks, no harness corpus.
# Their practice cells still say the right thing: correct-but-different code passes, one
# mistake fails the check made for it and its message comes first.
METRICS_LOOP = """def binary_metrics(y_true, y_pred, positive="spam"):
    y_true, y_pred = list(y_true), list(y_pred)
    if not y_true or len(y_true) != len(y_pred):
        raise ValueError("lengths differ or empty")
    pairs = [(t == positive, p == positive) for t, p in zip(y_true, y_pred)]
    tp, fp = pairs.count((True, True)), pairs.count((False, True))
    fn, tn = pairs.count((True, False)), pairs.count((False, False))

    def div(a, b):
        return a / b if b else 0.0

    precision, recall = div(tp, tp + fp), div(tp, tp + fn)
    mcc = div(tp * tn - fp * fn, ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": div(tp + tn, len(pairs)),
            "precision": precision, "recall": recall,
            "f1": div(2 * precision * recall, precision + recall), "mcc": float(mcc)}
"""
LENGTHS_STR = """def add_length_columns(df):
    return df.assign(n_chars=df["text"].str.len().astype("int64"),
                     n_words=df["text"].str.split().str.len().astype("int64"))
"""
_M = METRICS_LOOP
PRACTICE_MISTAKES = {  # name: (function, source, the one check it fails, its message)
    "precision_recall_swapped": ("binary_metrics", _M.replace(
        "div(tp, tp + fp), div(tp, tp + fn)", "div(tp, tp + fn), div(tp, tp + fp)"),
        "precision_and_recall", "是不是把兩者對調了"),
    "mcc_no_sqrt": ("binary_metrics", _M.replace(" ** 0.5)", ")"), "mcc", "分母要開根號"),
    "nan_on_zero": ("binary_metrics", _M.replace("else 0.0", 'else float("nan")'),
                    "zero_denominator", "不是 nan"),
    "int_zero": ("binary_metrics", _M.replace("else 0.0", "else 0"),
                 "zero_denominator_types", "不是 int 的 0"),
    "no_length_check": ("binary_metrics", _M.replace(" or len(y_true) != len(y_pred)", ""),
                        "length_mismatch", "長度不同時要 raise ValueError"),
    "split_space": ("add_length_columns", LENGTHS_STR.replace(".str.split()", ".str.split(' ')"),
                    "n_words", "不帶參數的 text.split()"),
    "in_place": ("add_length_columns",
                 "def add_length_columns(df):\n"
                 "    df['n_chars'] = df['text'].str.len().astype('int64')\n"
                 "    df['n_words'] = df['text'].str.split().str.len().astype('int64')\n"
                 "    return df\n", "input_not_modified", "傳進來的 df 被修改了"),
}


@pytest.mark.parametrize("source", [METRICS_LOOP, LENGTHS_STR], ids=PRACTICE)
def test_practice_passes_correct_but_different_answers(ref, source):
    function = re.search(r"def (\w+)\(", source).group(1)
    verdict = run_practice(A, f"practice_{function}", _with(ref, source))
    assert verdict.passed and verdict.points == 0, str(verdict)


@pytest.mark.parametrize("name", PRACTICE_MISTAKES)
def test_practice_names_the_mistake_first(ref, name):
    function, source, check, message = PRACTICE_MISTAKES[name]
    namespace = _with(ref, source)
    failed = [r.name for r in run_checks(public_checks(A, f"practice_{function}"), namespace)
              if not r.passed]
    assert failed == [check]
    verdict = run_practice(A, f"practice_{function}", namespace)
    assert "選讀，不計分" in verdict.lines[0] and message in verdict.lines[1], str(verdict)
    assert len(verdict.lines) <= 12


# ---------------------------------------------------------------- the plots
def test_plots_use_the_course_order_ham_first():
    import matplotlib.pyplot as plt

    from rnnlab.plots import plot_class_balance, plot_confusion, plot_length_by_class

    ax = plot_class_balance({"spam": 1, "ham": 3})  # ham first whatever the dict's order
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ham", "spam"]
    assert [t.get_text() for t in ax.texts] == ["3 (75.0%)", "1 (25.0%)"]
    ax = plot_length_by_class([1, 2, 3, 50], ["spam", "ham", "ham", "spam"], upper=10)
    assert [t.get_text().split()[0] for t in ax.get_legend().get_texts()] == ["ham", "spam"]
    filled = [p.get_height() for p in ax.patches if p.get_fill()]
    assert sum(filled) == pytest.approx(2.0)  # each class's bars sum to 1
    with pytest.raises(ValueError):
        plot_length_by_class([1, 2], ["ham"])
    ax = plot_confusion({"tp": 5, "fp": 1, "fn": 2, "tn": 9})
    assert [t.get_text() for t in ax.texts] == ["TN\n9\n(90.0%)", "FP\n1\n(10.0%)",
                                                "FN\n2\n(28.6%)", "TP\n5\n(71.4%)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["true ham", "true spam"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["predicted ham", "predicted spam"]
    plt.close("all")


def test_lab03_confusion_matrix_is_drawn_the_same_way():
    import matplotlib.pyplot as plt

    from rnnlab.metrics import plot_confusion_matrix
    from rnnlab.plots import plot_confusion

    fig = plot_confusion_matrix(np.array([[9, 1], [2, 5]]), title="t")
    ax = plot_confusion({"tp": 5, "fp": 1, "fn": 2, "tn": 9}, title="t")
    texts = [[t.get_text() for t in a.texts] for a in (fig.axes[0], ax)]
    assert texts[0] == texts[1]
    plt.close("all")


def _figures():
    """Every figure function of rnnlab.plots and rnnlab.metrics, drawn as the notebooks do
    (Lab01's two-panel length figure included)."""
    import matplotlib.pyplot as plt

    from rnnlab import metrics, plots

    rng = np.random.default_rng(0)
    labels = rng.choice(["ham", "spam"], size=400, p=[0.87, 0.13])
    chars = np.where(labels == "spam", 150, 50) + rng.integers(-40, 40, size=400)
    words = np.maximum(1, chars // 6)
    yield "plot_class_balance", plots.plot_class_balance({"ham": 4827, "spam": 747}).figure
    yield "plot_confusion", plots.plot_confusion(
        {"tp": 0, "fp": 0, "fn": 747, "tn": 4827}, title="always predict 'ham'").figure
    yield "plot_length_by_class", plots.plot_length_by_class(chars, labels).figure
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.6))  # as in the notebook
    plots.plot_length_by_class(chars, labels, ax=axes[0], upper=300,
                               xlabel="characters per message")
    axes[0].annotate("160: one SMS", (165, axes[0].get_ylim()[1] * 0.55), fontsize=10)
    plots.plot_length_by_class(words, labels, ax=axes[1], upper=60, xlabel="words per message")
    fig.tight_layout()
    yield "lab01 lengths (two panels)", fig
    yield "draw_confusion", plots.draw_confusion([[700, 10], [12, 95]]).figure
    yield "plot_confusion_matrix", metrics.plot_confusion_matrix([[700, 10], [12, 95]])
    thresholds = np.round(np.arange(0.05, 0.951, 0.01), 2)
    yield "plot_threshold_scan", metrics.plot_threshold_scan(
        thresholds, np.sin(3 * thresholds), chosen=0.5)


def test_every_figure_function_is_legible_at_100_percent_zoom():
    import matplotlib.pyplot as plt
    from legibility import too_small

    from rnnlab import metrics, plots

    drawn = []
    for name, fig in _figures():
        assert not too_small(fig), f"{name}: text under 9 px on screen: {too_small(fig)}"
        drawn.append(name)
        plt.close(fig)
    for module in (plots, metrics):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith(("plot_", "draw_")) and fn.__module__ == module.__name__:
                assert name in drawn, f"{module.__name__}.{name} has no legibility test"


# ---------------------------------------------------------------- the notebook
def _parts(nb):
    """(cell, is_optional) in the order of the notebook, as autograder.workload reads them."""
    from autograder.workload import parts

    return parts(nb)


def test_notebook_states_time_core_and_optional_parts():
    nb = nbformat.read(source_notebook(A), as_version=4)
    first = nb.cells[0].source
    assert first.startswith("# Lab01：觀察垃圾郵件資料集") and "## 學習目標" in first
    assert "**預估時間**：必做約" in first and "題目1" in first
    text = "\n".join(c.source for c in nb.cells)
    assert "列 (row) 是真實類別" in text and "[ham, spam]" in text  # stated once, in prose
    assert "split_sms" in text and "0.7 * len" not in text  # the course's one split
    parts = list(_parts(nb))
    core = [c for c, optional in parts if not optional]
    optional = [c for c, optional in parts if optional]
    # the graded functions in 必做 sections, the 選讀 exercises (and their practice cells) not
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in core}
    assert {*FUNCTIONS, *POINTS} <= ids and not ids & set(PRACTICE)
    for function in PRACTICE:
        call = f'run_practice("{A}", "practice_{function}", globals())'
        assert [c for c in optional if call in c.source], function
    # a student may skip 選讀: no 必做 code cell calls a 選讀 exercise
    for cell in core:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader"):
            assert not [f for f in PRACTICE if f"{f}(" in cell.source], cell.source[:60]
    # the slides' 題目1 and the split are 必做
    assert [c for c in core if c.source.strip() == "df.head()"]
    assert [c for c in core if "split_sms(df)" in c.source and c.cell_type == "code"]


@pytest.mark.slow
def test_solution_notebook_prints_the_documented_figures_quietly(executed_solution):
    nb = executed_solution(A)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs if o.output_type == "stream")
    for figure in ["5,572", "5,574", "4,827", "(86.6%)", "46 則", "accuracy: 0.866",
                   "train: 3,619 則", " test:   776 則", "有 0 則", "88 則 (10.5%)"]:
        assert figure in printed, figure
    for cell in graded_cells(nb):
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.source[:60]
    last = "\n".join(c.source for c in nb.cells[-2:])
    assert "## 本章重點精華回顧" in last and "## 練習" in last
