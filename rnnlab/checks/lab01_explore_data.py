"""Public checks of Lab01 (觀察垃圾郵件資料集): one check per rule of each docstring.

Graded (``CHECKS``): label_counts and duplicate_report. Ungraded 選讀 exercises
(``PRACTICE``, shown by ``run_practice`` without points): binary_metrics and
add_length_columns.

Tiny hand-made inputs; values computed from them are pinned from the reference
(``python -m autograder pin lab01_explore_data``), obvious ones (types, key names,
``ValueError``) are literals. ``weight`` is a rule's share of its test cell; the hidden
checks of a rule (``autograder/hidden/lab01_explore_data.py``) carry the same weight in
total, so the hidden inputs change a grade only when they find a mistake these miss.
"""

from rnnlab.checking import Check
from rnnlab.checks.factories import case, unchanged_inputs

# ---------------------------------------------------------------- label_counts
_LABELS = ["ham", "spam", "ham", "ham", "spam", "ham"]

LABEL_COUNTS = [
    case("counts", "out = label_counts(labels)", {"labels": _LABELS},
         "每個 label 出現幾次就要數幾次：回傳 dict，key 是 label、value 是次數。",
         weight=2.0),
    case("most_frequent_first", "out = list(label_counts(labels))",
         {"labels": ["ham", "spam", "spam", "ok", "spam", "ok"]},
         "dict 的順序不對：次數多的 label 要排在前面（例如 sorted(..., key=...) 依次數由大到小，"
         "或 Counter.most_common()）。", compare="equal"),
    Check(name="plain_python_int",
          code="import pandas as pd\n"
               "out = [type(v).__name__ for v in label_counts(pd.Series(labels)).values()]",
          inputs={"labels": ["ham", "spam", "ham"]}, expected=["int", "int"], compare="equal",
          message="次數要是 Python 的 int，不是 numpy.int64：從 numpy 或 pandas"
                  "（例如 value_counts()）拿到的數字請用 int(...) 轉換。"),
    Check(name="empty_input", code="out = label_counts(labels)", inputs={"labels": []},
          expected={}, compare="equal", weight=0.5,
          message="空的輸入應回傳空的 dict {}（不要出錯，也不要回傳 None）。"),
    case("pandas_series",
         "import pandas as pd\n"
         "out = label_counts(pd.Series(labels, index=[7, 3, 5, 1], dtype=str))",
         {"labels": ["spam", "ham", "spam", "spam"]},
         "輸入是 pandas Series（index 不是 0, 1, 2, …）時結果不對：直接用 for 迴圈走過 Series "
         "的值，或用 value_counts()，不要用 labels[i] 依 index 取值。", weight=0.5),
    case("tuple_and_array",
         "import numpy as np\n"
         "out = [{str(k): v for k, v in label_counts(seq).items()}\n"
         "       for seq in (tuple(labels), np.array(labels))]",
         {"labels": ["spam", "ham", "ham"]},
         "輸入是 tuple 或 numpy 陣列時結果不對：只用「走過每一個元素」的寫法"
         "（for 迴圈、Counter），不要用只有 list 才有的方法（例如 labels.count）。",
         weight=0.5),
    unchanged_inputs("label_counts", ["labels"], {"labels": ["spam", "ham", "ham"]},
                     "label_counts 修改了傳進來的 list（例如 sort() 或 pop()）：請不要改動輸入。",
                     weight=0.5),
]

# ---------------------------------------------------------------- binary_metrics
# every count different: tp=2, fp=3, fn=1, tn=1 (swapping FP and FN, or precision and
# recall, changes the result). Most probes pass numpy arrays (ARRAYS), which every way of
# counting handles; lists and Series have checks of their own.
_TRUE = ["spam", "spam", "spam", "ham", "ham", "ham", "ham"]
_PRED = ["spam", "spam", "ham", "spam", "spam", "spam", "ham"]
MIXED = {"y_true": _TRUE, "y_pred": _PRED}
ARRAYS = "import numpy as np\ny_true, y_pred = np.array(y_true), np.array(y_pred)\n"
COUNTS = '["tp", "fp", "fn", "tn"]'
SCORES = '["accuracy", "precision", "recall", "f1", "mcc"]'
KEYS = sorted(["tp", "fp", "fn", "tn", "accuracy", "precision", "recall", "f1", "mcc"])
# scores with a zero denominator: a predicts nothing positive (precision, F1, MCC), b has
# nothing truly positive (recall, F1, MCC); only those scores are read, so that another
# mistake (swapped precision and recall) does not fail this rule
ZERO = {"a_true": ["spam", "ham", "ham", "ham"], "a_pred": ["ham"] * 4,
        "b_true": ["ham"] * 4, "b_pred": ["spam", "ham", "spam", "ham"]}
_BOTH = ("import numpy as np\n"
         "a, b = (binary_metrics(np.array(t), np.array(p)) for t, p in ((a_true, a_pred), "
         "(b_true, b_pred)))\n")
RAISES = ("def outcome(a, b):\n"
           "    try:\n        binary_metrics(a, b)\n    except ValueError:\n"
           "        return 'ValueError'\n    return 'no error'\n\n")
_FIX_COUNTS = "（如果 confusion_counts 也沒通過，先修正它）"
# [TP, FP + FN, TN]: what the checks of inputs and of `positive` read, so that a swap of
# FP and FN (confusion_counts' mistake) does not fail them too
SUMMARY = "out = [m['tp'], m['fp'] + m['fn'], m['tn']]"

BINARY_METRICS = [
    Check(name="keys", code=ARRAYS + "out = sorted(binary_metrics(y_true, y_pred))",
          inputs=MIXED,
          expected=KEYS, compare="equal",
          message="回傳的 dict 要有這 9 個 key（名稱完全一致）：tp、fp、fn、tn、accuracy、"
                  "precision、recall、f1、mcc。"),
    case("confusion_counts",
         ARRAYS + f"m = binary_metrics(y_true, y_pred)\nout = [m[k] for k in {COUNTS}]", MIXED,
         "[TP, FP, FN, TN] 數錯了：FP 是「預測 positive、其實是 negative」，FN 是「其實是 "
         "positive、預測成 negative」；是不是把 FP 和 FN 對調了？", weight=2.0,
         compare="equal"),
    Check(name="count_types",
          code=ARRAYS + f"m = binary_metrics(y_true, y_pred)\n"
               f"out = [type(m[k]).__name__ for k in {COUNTS}]",
          inputs=MIXED, expected=["int"] * 4, compare="equal", weight=0.5,
          message="TP/FP/FN/TN 要是 Python 的 int：np.sum(...) 或加總 numpy 的 bool 會得到 "
                  "numpy.int64，請用 int(...) 轉換。"),
    case("accuracy", ARRAYS + "out = binary_metrics(y_true, y_pred)['accuracy']", MIXED,
         "accuracy 應為 (TP + TN) / N：所有訊息（positive 和 negative）中預測正確的比例，"
         "不是只看 positive 的那幾則。" + _FIX_COUNTS),
    case("precision_and_recall",
         ARRAYS + "m = binary_metrics(y_true, y_pred)\nout = [m['precision'], m['recall']]",
         MIXED,
         "[precision, recall] 不對：precision = TP / (TP + FP)、recall = TP / (TP + FN)；"
         "是不是把兩者對調了？" + _FIX_COUNTS, weight=2.0),
    case("f1", ARRAYS + "out = binary_metrics(y_true, y_pred)['f1']", MIXED,
         "F1 應為 2·precision·recall / (precision + recall)（調和平均，不是算術平均）。"
         + _FIX_COUNTS),
    case("mcc", ARRAYS + "out = binary_metrics(y_true, y_pred)['mcc']", MIXED,
         "MCC 應為 (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))：分母要開根號，"
         "而且用 / 不是 //（這個例子比亂猜還差，所以 MCC 是略小於 0 的小數）。" + _FIX_COUNTS),
    Check(name="score_types",
          code=ARRAYS + f"m = binary_metrics(y_true, y_pred)\n"
               f"out = [isinstance(m[k], float) for k in {SCORES}]",
          inputs=MIXED, expected=[True] * 5, compare="equal", weight=0.5,
          message="五個分數 accuracy、precision、recall、f1、mcc 都要是 float。"),
    case("zero_denominator",
         _BOTH + "out = [[a['precision'], a['f1'], a['mcc']], [b['recall'], b['f1'], b['mcc']]]",
         ZERO,
         "分母為 0 的分數要回傳 0.0（不是 nan，也不要出現 ZeroDivisionError）：從不預測 "
         "positive 時 precision 的分母是 0，沒有真正的 positive 時 recall 的分母是 0，"
         "這兩種情況 F1 與 MCC 的分母也是 0。"),
    Check(name="zero_denominator_types",
          code=_BOTH + f"out = [[isinstance(m[k], float) for k in {SCORES}] for m in (a, b)]",
          inputs=ZERO, expected=[[True] * 5] * 2, compare="equal", weight=0.5,
          message="分母為 0 時也要回傳 float 的 0.0，不是 int 的 0：例如 "
                  "`return a / b if b else 0.0`。"),
    case("positive_argument",
         ARRAYS + "m = binary_metrics(y_true, y_pred, positive='ham')\n" + SUMMARY,
         MIXED, "positive='ham' 時 [TP, FP + FN, TN] 不對：是不是把 'spam' 寫死在程式碼裡，"
         "沒有使用 positive 參數？", compare="equal"),
    case("other_labels_negative",
         ARRAYS + "m = binary_metrics(y_true, y_pred, positive='pos')\n" + SUMMARY,
         {"y_true": ["pos", "neg", "other", "pos", "neg"],
          "y_pred": ["pos", "other", "neg", "neg", "pos"]},
         "[TP, FP + FN, TN] 不對：positive 以外的每一個 label 都是 negative（這裡有 'neg' 和 "
         "'other'）：用「等於 positive / 不等於 positive」來分，不要寫死另一個類別的名稱。",
         compare="equal", weight=0.5),
    case("python_lists",
         "m = binary_metrics(y_true, y_pred)\n" + SUMMARY,
         MIXED, "輸入是 Python list 時 [TP, FP + FN, TN] 不對：`y_true == positive` 對 list "
         "只會得到一個 False，不會逐一比較；請先用 np.asarray(...) 轉成陣列，或用迴圈逐一比較。",
         compare="equal"),
    case("series_matched_by_position",
         "import pandas as pd\n"
         "m = binary_metrics(pd.Series(y_true, index=[3, 4, 5, 6, 0, 1, 2]), pd.Series(y_pred))\n"
         + SUMMARY,
         MIXED, "[TP, FP + FN, TN] 不對：兩個 index 不同的 pandas Series 要依「位置」比對："
         "pandas 的 ==、& 會依 index 對齊，把不同訊息的答案配在一起；請先用 np.asarray(...) "
         "轉成陣列。", compare="equal"),
    Check(name="length_mismatch",
          code=RAISES + "out = [outcome(long, short), outcome(short, long)]",
          inputs={"long": ["spam", "ham", "ham"], "short": ["spam", "ham"]},
          expected=["ValueError", "ValueError"], compare="equal",
          message="y_true 與 y_pred 長度不同時要 raise ValueError（不管哪一個比較長）："
                  "zip() 會默默丟掉多出來的那幾個。"),
    Check(name="empty_input", code=RAISES + "out = outcome(empty, empty)",
          inputs={"empty": []}, expected="ValueError", compare="equal", weight=0.5,
          message="空的輸入沒有分數可算：請 raise ValueError（不要回傳 accuracy 0 或 nan）。"),
    unchanged_inputs("binary_metrics", ["y_true", "y_pred"],
                     {"y_true": list(_TRUE), "y_pred": list(_PRED)}, weight=0.5),
]

# ---------------------------------------------------------------- add_length_columns
_FRAME = "import pandas as pd\ndf = pd.DataFrame({'label': labels, 'text': texts}, dtype=str)\n"
_DTYPES = "[str(res[c].dtype) for c in ('n_chars', 'n_words')]"

ADD_LENGTH_COLUMNS = [
    Check(name="returns_dataframe",
          code=_FRAME + "out = type(add_length_columns(df)).__name__",
          inputs={"labels": ["ham"], "texts": ["Ok lar..."]}, expected="DataFrame",
          compare="equal", weight=0.5,
          message="add_length_columns 要 return 一個新的 pandas DataFrame（最後一行別忘了 "
                  "return）。"),
    Check(name="columns",
          code=_FRAME + "df['id'] = [5, 8]\nout = list(add_length_columns(df).columns)",
          inputs={"labels": ["ham", "spam"], "texts": ["Ok lar...", "WIN a prize"]},
          expected=["label", "text", "id", "n_chars", "n_words"], compare="equal",
          message="欄位不對：原本的欄位（這裡有 label、text、id）全部保留，再依序加上 n_chars、"
                  "n_words（名稱要完全一致）。"),
    case("n_chars", _FRAME + "out = add_length_columns(df)['n_chars'].tolist()",
         {"labels": ["ham", "spam", "ham"], "texts": ["Hi", "Free £5 call!", "Ok lar..."]},
         "n_chars 應為 len(text)：所有字元都算，空白、標點、£ 各算一個。", compare="equal"),
    case("n_words", _FRAME + "out = add_length_columns(df)['n_words'].tolist()",
         {"labels": ["ham"] * 4, "texts": ["see you", "ok  then", " hi there ", "a\tb\nc"]},
         "n_words 要用不帶參數的 text.split()：split(' ') 會把連續空白、開頭結尾的空白切出空字串，"
         "也不會在 tab、換行處切開。", compare="equal"),
    Check(name="int_columns",
          code=_FRAME + f"res = add_length_columns(df)\nout = {_DTYPES}",
          inputs={"labels": ["ham", "spam"], "texts": ["Ok lar...", "WIN a prize"]},
          expected=["int64", "int64"], compare="equal", weight=0.5,
          message="n_chars、n_words 要是整數欄位 (int64)：不要除法或 float，"
                  "必要時用 .astype('int64')。"),
    case("index_and_order_kept",
         _FRAME + "df.index = [10, 3, 7]\nres = add_length_columns(df)\n"
         "out = {'index': res.index.tolist(), 'n_chars': res['n_chars'].tolist()}",
         {"labels": ["ham", "spam", "ham"], "texts": ["abc", "a", "ab"]},
         "要保留原本的 index 與列的順序（不要 reset_index() 或排序），每一列的長度要對上"
         "同一列的 text。", compare="equal", weight=0.5),
    Check(name="empty_dataframe",
          code=_FRAME + "res = add_length_columns(df)\n"
               f"out = {{'columns': list(res.columns), 'rows': len(res), 'dtypes': {_DTYPES}}}",
          inputs={"labels": [], "texts": []},
          expected={"columns": ["label", "text", "n_chars", "n_words"], "rows": 0,
                    "dtypes": ["int64", "int64"]},
          compare="equal", weight=0.5,
          message="沒有任何列的 DataFrame 也要能處理：回傳 0 列、多了 n_chars、n_words 兩欄，"
                  "而且仍是整數欄位（空的 list 會變成 float64，請 .astype('int64')）。"),
    Check(name="input_not_modified",
          code=_FRAME + "before = df.copy()\nres = add_length_columns(df)\n"
               "out = [list(df.columns), bool(df.equals(before)), res is not df]",
          inputs={"labels": ["ham"], "texts": ["Ok lar..."]},
          expected=[["label", "text"], True, True], compare="equal",
          message="傳進來的 df 被修改了（或直接回傳了同一個 df）：請先 out = df.copy()，"
                  "在副本上加欄位再回傳副本。"),
]

# ---------------------------------------------------------------- duplicate_report
REPORT_KEYS = sorted(["n_total", "n_unique", "n_duplicates", "n_repeated", "max_count"])
_SORTED = "out = dict(sorted(duplicate_report(texts).items()))"  # the keys' order is free

DUPLICATE_REPORT = [
    Check(name="keys", code="out = sorted(duplicate_report(texts))",
          inputs={"texts": ["hi", "ok", "hi"]}, expected=REPORT_KEYS, compare="equal",
          weight=0.5,
          message="回傳的 dict 要有這 5 個 key（名稱完全一致）：n_total、n_unique、"
                  "n_duplicates、n_repeated、max_count。"),
    case("no_duplicates", _SORTED,
         {"texts": ["hi", "Ok lar...", "WIN now"]},
         "沒有重複的三則訊息：n_total = n_unique = 3、n_duplicates = n_repeated = 0、"
         "max_count = 1。", compare="equal", weight=0.5),
    case("first_occurrence_not_a_duplicate", "out = duplicate_report(texts)['n_duplicates']",
         {"texts": ["ok", "hi", "ok", "ok"]},
         "第一次出現的那則不算重複：n_duplicates = n_total − n_unique。pandas 的 duplicated() "
         "預設 keep='first' 就是這個意思；keep=False 會把第一則也算進去。", compare="equal"),
    case("repeated_and_max_count",
         "r = duplicate_report(texts)\nout = [r['n_repeated'], r['max_count']]",
         {"texts": ["a", "b", "a", "c", "b", "a"]},
         "[n_repeated, max_count] 不對：n_repeated 是出現超過一次的「不同文字」有幾種，"
         "max_count 是同一段文字最多出現幾次。", compare="equal"),
    case("exact_text_only",
         "r = duplicate_report(texts)\nout = [r['n_unique'], r['max_count']]",
         {"texts": ["Ok", "ok", "Ok ", "Ok"]},
         "只有完全相同的文字才算重複：大小寫或空白不同就是不同的訊息"
         "（不要 lower() 或 strip()）。", compare="equal"),
    Check(name="empty_input", code=_SORTED, inputs={"texts": []},
          expected=dict.fromkeys(REPORT_KEYS, 0), compare="equal", weight=0.5,
          message="空的輸入：所有數字都是 0"
                  "（max() 遇到空序列會出錯，可用 max(..., default=0)）。"),
    case("pandas_series",
         "import pandas as pd\n"
         "r = duplicate_report(pd.Series(texts, index=[4, 4, 9, 1], dtype=str))\n"
         "out = [r['n_total'], r['n_unique']]",
         {"texts": ["hi", "yo", "hi", "yo"]},
         "輸入是 pandas Series（index 可能重複或不連續）時 [n_total, n_unique] 不對："
         "只看文字本身，不要用 index 取值。", compare="equal", weight=0.5),
    Check(name="plain_python_int",
          code="import pandas as pd\n"
               "out = [sorted({type(v).__name__ for v in duplicate_report(seq).values()})\n"
               "       for seq in (pd.Series(texts, dtype=str), [])]",
          inputs={"texts": ["a", "b", "a"]}, expected=[["int"], ["int"]], compare="equal",
          weight=0.5,
          message="所有值都要是 Python 的 int（空的輸入也是）：從 numpy / pandas 拿到的數字"
                  "請用 int(...) 轉換。"),
    unchanged_inputs("duplicate_report", ["texts"], {"texts": ["b", "a", "b"]},
                     "duplicate_report 修改了傳進來的 list（例如 sort()）：請不要改動輸入。",
                     weight=0.5),
]

CHECKS = {
    "test_label_counts": LABEL_COUNTS,
    "test_duplicate_report": DUPLICATE_REPORT,
}

PRACTICE = {  # 選讀 (ungraded): the same verdict and likely causes, no points
    "practice_binary_metrics": BINARY_METRICS,
    "practice_add_length_columns": ADD_LENGTH_COLUMNS,
}
