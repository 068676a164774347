"""Public checks of Lab01 (觀察垃圾郵件資料集): tiny hand-made inputs, literal answers."""

from rnnlab.checking import Check

# y_true / y_pred with every count and score different: tp=2, fp=3, fn=1, tn=1
_TRUE = ["spam", "spam", "spam", "ham", "ham", "ham", "ham"]
_PRED = ["spam", "spam", "ham", "spam", "spam", "spam", "ham"]
_MIXED = {"y_true": _TRUE, "y_pred": _PRED}
_COUNT_KEYS = '["tp", "fp", "fn", "tn"]'
_FIX_COUNTS_FIRST = "（如果 [confusion_counts] 也沒通過，請先修正它）"

_FRAME = "import pandas as pd\ndf = pd.DataFrame({'label': labels, 'text': texts}, dtype=str)\n"

CHECKS = {
    "test_label_counts": [
        Check(
            name="toy_list",
            code="out = label_counts(labels)",
            inputs={"labels": ["ham", "spam", "ham", "ham", "spam", "ham"]},
            expected={"ham": 4, "spam": 2},
            message="小例子的次數不對：每個 label 出現幾次就要數幾次。",
        ),
        Check(
            name="most_frequent_first",
            code="out = list(label_counts(labels))",
            inputs={"labels": ["ham", "spam", "spam", "ok", "spam", "ok"]},
            expected=["spam", "ok", "ham"],
            message="dict 的順序不對：次數多的 label 要排在前面"
                    "（例如 sorted(..., key=...) 依次數由大到小，或 Counter.most_common()）。",
            compare="equal",
        ),
        Check(
            name="plain_python_int",
            code="import numpy as np\n"
                 "out = [type(v).__name__ for v in label_counts(np.array(labels)).values()]",
            inputs={"labels": ["ham", "spam", "ham"]},
            expected=["int", "int"],
            message="次數要是 Python 的 int，不是 numpy.int64："
                    "從 numpy 或 pandas（例如 value_counts() 的值）拿到的數字請用 int(...) 轉換。",
            compare="equal",
        ),
        Check(
            name="empty_input",
            code="out = label_counts(labels)",
            inputs={"labels": []},
            expected={},
            message="空的輸入應回傳空的 dict {}（不要出錯，也不要回傳 None）。",
            compare="equal",
        ),
        Check(
            name="pandas_series",
            code="import pandas as pd\n"
                 "out = label_counts(pd.Series(labels, index=[7, 3, 5, 1], dtype=str))",
            inputs={"labels": ["spam", "ham", "spam", "spam"]},
            expected={"spam": 3, "ham": 1},
            message="輸入是 pandas Series（index 不是 0, 1, 2, …）時結果不對："
                    "直接 for 迴圈走過 Series 的值，或用 value_counts()，"
                    "不要用 labels[i] 依 index 取值。",
            compare="equal",
        ),
        Check(
            name="input_not_modified",
            code="label_counts(labels)\nout = labels",
            inputs={"labels": ["spam", "ham", "ham"]},
            expected=["spam", "ham", "ham"],
            message="label_counts 修改了傳進來的 list（例如 sort() 或 pop()）：請不要改動輸入。",
            compare="equal",
        ),
    ],
    "test_binary_metrics": [
        Check(
            name="all_correct_numpy",
            code="import numpy as np\nout = binary_metrics(np.array(y), np.array(y))",
            inputs={"y": ["spam", "ham", "ham"]},
            expected={"tp": 1, "fp": 0, "fn": 0, "tn": 2, "accuracy": 1.0, "precision": 1.0,
                      "recall": 1.0, "f1": 1.0, "mcc": 1.0},
            message="全部預測正確時（numpy 陣列輸入），所有分數都應為 1.0："
                    "先確認回傳的 dict 有 tp、fp、fn、tn、accuracy、precision、recall、f1、mcc。",
        ),
        Check(
            name="python_lists",
            code="out = binary_metrics(y, y)",
            inputs={"y": ["spam", "ham", "ham"]},
            expected={"tp": 1, "fp": 0, "fn": 0, "tn": 2, "accuracy": 1.0, "precision": 1.0,
                      "recall": 1.0, "f1": 1.0, "mcc": 1.0},
            message="輸入是 Python list 時結果不對："
                    "`y_true == positive` 對 list 只會得到一個 False，"
                    "不會逐一比較；請先用 np.asarray(...) 轉成陣列，或用迴圈逐一比較。",
        ),
        Check(
            name="confusion_counts",
            code=f"m = binary_metrics(y_true, y_pred)\nout = [m[k] for k in {_COUNT_KEYS}]",
            inputs=_MIXED,
            expected=[2, 3, 1, 1],
            message="TP/FP/FN/TN（依序）數錯了：FP 是「預測 spam、其實是 ham」，"
                    "FN 是「其實是 spam、預測成 ham」；是不是把 FP 和 FN 對調了？",
            compare="equal",
        ),
        Check(
            name="accuracy",
            code="out = binary_metrics(y_true, y_pred)['accuracy']",
            inputs=_MIXED,
            expected=0.42857142857142855,
            message="accuracy 應為 (TP + TN) / N，也就是預測正確的比例。" + _FIX_COUNTS_FIRST,
        ),
        Check(
            name="precision_and_recall",
            code="m = binary_metrics(y_true, y_pred)\nout = [m['precision'], m['recall']]",
            inputs=_MIXED,
            expected=[0.4, 0.6666666666666666],
            message="[precision, recall] 不對：precision = TP / (TP + FP)、"
                    "recall = TP / (TP + FN)；是不是把兩者對調了？" + _FIX_COUNTS_FIRST,
        ),
        Check(
            name="f1",
            code="out = binary_metrics(y_true, y_pred)['f1']",
            inputs=_MIXED,
            expected=0.5,
            message="F1 應為 2·precision·recall / (precision + recall)"
                    "（precision 與 recall 的調和平均，不是算術平均）。" + _FIX_COUNTS_FIRST,
        ),
        Check(
            name="mcc",
            code="out = binary_metrics(y_true, y_pred)['mcc']",
            inputs=_MIXED,
            expected=-0.09128709291752768,
            message="MCC 應為 (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))；"
                    "這個例子比亂猜還差，所以 MCC 是負的。" + _FIX_COUNTS_FIRST,
        ),
        Check(
            name="positive_argument",
            code="m = binary_metrics(y_true, y_pred, positive='ham')\n"
                 "out = [m['tp'], m['tn']]",
            inputs=_MIXED,
            expected=[1, 2],
            message="positive='ham' 時 [TP, TN] 不對：是不是把 'spam' 寫死在程式碼裡，"
                    "沒有使用 positive 參數？",
            compare="equal",
        ),
        Check(
            name="nothing_predicted_positive",
            code="m = binary_metrics(y_true, y_pred)\n"
                 "out = [m['accuracy'], m['precision'], m['recall'], m['f1'], m['mcc']]",
            inputs={"y_true": ["spam", "ham", "ham", "ham"], "y_pred": ["ham"] * 4},
            expected=[0.75, 0.0, 0.0, 0.0, 0.0],
            message="從不預測 spam 時 [accuracy, precision, recall, f1, mcc] 不對："
                    "precision、F1、MCC 的分母是 0，依規定回傳 0.0"
                    "（不是 nan，也不要出現 ZeroDivisionError）。",
        ),
        Check(
            name="series_matched_by_position",
            code="import pandas as pd\n"
                 "m = binary_metrics(pd.Series(y_true, index=[3, 2, 1, 0]), pd.Series(y_pred))\n"
                 f"out = [m[k] for k in {_COUNT_KEYS}]",
            inputs={"y_true": ["spam", "spam", "ham", "ham"],
                    "y_pred": ["spam", "spam", "ham", "ham"]},
            expected=[2, 0, 0, 2],
            message="兩個 index 不同的 pandas Series 要依「位置」比對："
                    "pandas 的 & 會依 index 對齊，"
                    "把不同訊息的答案配在一起；請先用 np.asarray(...) 轉成陣列。",
            compare="equal",
        ),
        Check(
            name="length_mismatch",
            code="try:\n    binary_metrics(['spam', 'ham', 'ham'], ['spam', 'ham'])\n"
                 "    out = 'no error'\nexcept ValueError:\n    out = 'ValueError'",
            expected="ValueError",
            message="y_true 與 y_pred 長度不同時要 raise ValueError："
                    "zip() 會默默丟掉多出來的那幾個。",
        ),
        Check(
            name="empty_input",
            code="try:\n    binary_metrics([], [])\n    out = 'no error'\n"
                 "except ValueError:\n    out = 'ValueError'",
            expected="ValueError",
            message="空的輸入沒有分數可算：請 raise ValueError（不要回傳 accuracy 0 或 nan）。",
        ),
        Check(
            name="plain_number_types",
            code="m = binary_metrics(y_true, y_pred)\n"
                 f"out = [type(m[k]).__name__ for k in {_COUNT_KEYS}] + "
                 "[isinstance(m[k], float) for k in ['accuracy', 'precision', 'recall', 'f1', "
                 "'mcc']]",
            inputs=_MIXED,
            expected=["int", "int", "int", "int", True, True, True, True, True],
            message="型別不對：TP/FP/FN/TN 要是 Python int（numpy 的整數請用 int(...) 轉換），"
                    "五個分數要是 float（例如 0.0 而不是 0）。",
            compare="equal",
        ),
    ],
    "test_add_length_columns": [
        Check(
            name="columns",
            code=_FRAME + "out = list(add_length_columns(df).columns)",
            inputs={"labels": ["ham", "spam"], "texts": ["Ok lar...", "WIN a prize"]},
            expected=["label", "text", "n_chars", "n_words"],
            message="回傳的 DataFrame 欄位不對：保留原本的欄位，再依序加上 n_chars、n_words"
                    "（名稱要完全一致），並記得 return 新的 DataFrame。",
            compare="equal",
        ),
        Check(
            name="n_chars",
            code=_FRAME + "out = add_length_columns(df)['n_chars'].tolist()",
            inputs={"labels": ["ham", "spam", "ham"],
                    "texts": ["Hi", "Free £5 call!", "Ok lar..."]},
            expected=[2, 13, 9],
            message="n_chars 應為 len(text)：所有字元都算，空白、標點、£ 各算一個；值要是整數。",
            compare="equal",
        ),
        Check(
            name="n_words_split_on_whitespace",
            code=_FRAME + "out = add_length_columns(df)['n_words'].tolist()",
            inputs={"labels": ["ham", "ham", "ham", "ham"],
                    "texts": ["see you", "ok  then", " hi there ", "a\tb\nc"]},
            expected=[2, 2, 2, 3],
            message="n_words 要用不帶參數的 text.split()：split(' ') 會把連續空白、開頭結尾的空白"
                    "切出空字串，也不會在 tab、換行處切開。",
            compare="equal",
        ),
        Check(
            name="index_and_order_kept",
            code=_FRAME + "df.index = [10, 3, 7]\nres = add_length_columns(df)\n"
                 "out = {'index': res.index.tolist(), 'n_chars': res['n_chars'].tolist()}",
            inputs={"labels": ["ham", "spam", "ham"], "texts": ["abc", "a", "ab"]},
            expected={"index": [10, 3, 7], "n_chars": [3, 1, 2]},
            message="要保留原本的 index 與列的順序（不要 reset_index() 或排序），"
                    "每一列的長度要對上同一列的 text。",
            compare="equal",
        ),
        Check(
            name="empty_dataframe",
            code=_FRAME + "res = add_length_columns(df)\n"
                 "out = {'columns': list(res.columns), 'rows': len(res)}",
            inputs={"labels": [], "texts": []},
            expected={"columns": ["label", "text", "n_chars", "n_words"], "rows": 0},
            message="沒有任何列的 DataFrame 也要能處理："
                    "回傳 0 列、欄位一樣多了 n_chars、n_words。",
            compare="equal",
        ),
        Check(
            name="input_not_modified",
            code=_FRAME + "add_length_columns(df)\nout = list(df.columns)",
            inputs={"labels": ["ham"], "texts": ["Ok lar..."]},
            expected=["label", "text"],
            message="傳進來的 df 被加上了新欄位：請先 df.copy()，在副本上加欄位再回傳。",
            compare="equal",
        ),
    ],
    "test_duplicate_report": [
        Check(
            name="no_duplicates",
            code="out = duplicate_report(texts)",
            inputs={"texts": ["hi", "Ok lar...", "WIN now"]},
            expected={"n_total": 3, "n_unique": 3, "n_duplicates": 0, "n_repeated": 0,
                      "max_count": 1},
            message="沒有重複的三則訊息：n_total = n_unique = 3、n_duplicates = n_repeated = 0、"
                    "max_count = 1；先確認 dict 的五個 key 名稱都正確。",
            compare="equal",
        ),
        Check(
            name="first_occurrence_not_a_duplicate",
            code="out = duplicate_report(texts)['n_duplicates']",
            inputs={"texts": ["ok", "hi", "ok", "ok"]},
            expected=2,
            message="第一次出現的那則不算重複：['ok', 'hi', 'ok', 'ok'] 有 2 則重複（不是 3）。"
                    "pandas 的 duplicated() 預設 keep='first' 就是這個意思；"
                    "keep=False 會把第一則也算進去。",
            compare="equal",
        ),
        Check(
            name="repeated_and_max_count",
            code="r = duplicate_report(texts)\nout = [r['n_repeated'], r['max_count']]",
            inputs={"texts": ["a", "b", "a", "c", "b", "a"]},
            expected=[2, 3],
            message="[n_repeated, max_count] 不對：n_repeated 是出現超過一次的「不同文字」有幾種"
                    "（這裡 'a' 和 'b'），max_count 是同一段文字最多出現幾次（'a' 出現 3 次）。",
            compare="equal",
        ),
        Check(
            name="exact_text_only",
            code="r = duplicate_report(texts)\nout = [r['n_unique'], r['max_count']]",
            inputs={"texts": ["Ok", "ok", "Ok ", "Ok"]},
            expected=[3, 2],
            message="[n_unique, max_count] 不對：只有完全相同的文字才算重複，"
                    "大小寫或空白不同就是不同的訊息（不要 lower() 或 strip()）。",
            compare="equal",
        ),
        Check(
            name="empty_input",
            code="out = duplicate_report(texts)",
            inputs={"texts": []},
            expected={"n_total": 0, "n_unique": 0, "n_duplicates": 0, "n_repeated": 0,
                      "max_count": 0},
            message="空的輸入：所有數字都是 0"
                    "（max() 遇到空序列會出錯，可用 max(..., default=0)）。",
            compare="equal",
        ),
        Check(
            name="pandas_series",
            code="import pandas as pd\n"
                 "r = duplicate_report(pd.Series(texts, index=[4, 4, 9, 1], dtype=str))\n"
                 "out = [r['n_total'], r['n_unique']]",
            inputs={"texts": ["hi", "yo", "hi", "yo"]},
            expected=[4, 2],
            message="輸入是 pandas Series（index 可能重複或不連續）時 [n_total, n_unique] 不對："
                    "請只看文字本身，不要用 index 取值。",
            compare="equal",
        ),
        Check(
            name="plain_python_int",
            code="import numpy as np\nr = duplicate_report(np.array(texts))\n"
                 "out = sorted({type(v).__name__ for v in r.values()})",
            inputs={"texts": ["a", "b", "a"]},
            expected=["int"],
            message="所有值都要是 Python 的 int：從 numpy / pandas 拿到的數字請用 int(...) 轉換。",
            compare="equal",
        ),
        Check(
            name="input_not_modified",
            code="duplicate_report(texts)\nout = texts",
            inputs={"texts": ["b", "a", "b"]},
            expected=["b", "a", "b"],
            message="duplicate_report 修改了傳進來的 list（例如 sort()）：請不要改動輸入。",
            compare="equal",
        ),
    ],
}
