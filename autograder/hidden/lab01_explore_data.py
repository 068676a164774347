"""Hidden checks of Lab01 (觀察垃圾郵件資料集): seeded random inputs, reference answers."""

import numpy as np

from rnnlab.checking import Check

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


def _texts(seed: int, n: int) -> list[str]:
    """Messages of random words joined by random whitespace, some padded at the ends."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n):
        words = [str(w) for w in rng.choice(_WORDS, size=int(rng.integers(0, 12)))]
        text = "".join(w + str(rng.choice(_GAPS)) for w in words).rstrip(" ")
        texts.append(str(rng.choice(["", " ", "\t"])) + text)
    return texts


def _repeated_texts(seed: int, n: int, pool: int) -> list[str]:
    """``n`` texts drawn with replacement from ``pool`` distinct texts (near-twins included)."""
    rng = np.random.default_rng(seed)
    base = _texts(seed + 1, pool)
    base += [t.upper() for t in base[:3]] + [t + " " for t in base[3:5]]
    return [base[int(i)] for i in rng.integers(0, len(base), size=n)]


_FRAME = ("import pandas as pd\n"
          "df = pd.DataFrame({'label': labels, 'text': texts}, dtype=str)\n")
_METRIC_CALL = "out = binary_metrics(y_true, y_pred, positive=positive)"

CHECKS = {
    "test_label_counts": [
        Check(name="random_distinct_counts_a", code="out = label_counts(labels)",
              inputs={"labels": _labels_distinct_counts(11)}, compare="equal",
              message="隨機的 label（次數都不同）：次數或順序不對。"),
        Check(name="random_distinct_counts_b", code="out = label_counts(tuple(labels))",
              inputs={"labels": _labels_distinct_counts(12)}, compare="equal",
              message="輸入是 tuple 時次數或順序不對。"),
        Check(name="spam_like_series",
              code="import pandas as pd\nimport numpy as np\n"
                   "idx = np.random.default_rng(3).permutation(len(labels)) * 2\n"
                   "out = label_counts(pd.Series(labels, index=idx, dtype=str))",
              inputs={"labels": _binary(13, 300, p_pos=0.134)}, compare="equal",
              message="輸入是 index 打亂的 pandas Series 時結果不對。"),
        Check(name="single_label", code="out = label_counts(labels)",
              inputs={"labels": ["spam"]}, compare="equal",
              message="只有一個 label 時應回傳 {'spam': 1}。"),
        Check(name="value_types",
              code="import pandas as pd\n"
                   "out = [type(v).__name__ for v in label_counts(pd.Series(labels)).values()]",
              inputs={"labels": _labels_distinct_counts(14)}, compare="equal",
              message="次數要是 Python int（pandas Series 輸入）。"),
        Check(name="series_not_modified",
              code="import pandas as pd\ns = pd.Series(labels, dtype=str)\nlabel_counts(s)\n"
                   "out = s.tolist()",
              inputs={"labels": _binary(15, 20)}, compare="equal",
              message="label_counts 修改了傳進來的 Series。"),
    ],
    "test_binary_metrics": [
        Check(name="random_lists", code=_METRIC_CALL,
              inputs={"y_true": _binary(21, 60), "y_pred": _binary(22, 60), "positive": "spam"},
              message="隨機的 list 輸入：計數或分數不對。"),
        Check(name="random_positive_ham", code=_METRIC_CALL,
              inputs={"y_true": _binary(23, 45), "y_pred": _binary(24, 45), "positive": "ham"},
              message="positive='ham' 的隨機輸入：計數或分數不對。"),
        Check(name="random_numpy_large",
              code="import numpy as np\n"
                   "out = binary_metrics(np.array(y_true), np.array(y_pred), positive)",
              inputs={"y_true": _binary(25, 2000, 0.134), "y_pred": _binary(26, 2000, 0.2),
                      "positive": "spam"},
              message="大的 numpy 陣列輸入：計數或分數不對。"),
        Check(name="series_shuffled_index",
              code="import numpy as np\nimport pandas as pd\n"
                   "idx = np.random.default_rng(4).permutation(len(y_true))\n"
                   "out = binary_metrics(pd.Series(y_true, index=idx), pd.Series(y_pred), "
                   "positive=positive)",
              inputs={"y_true": _binary(27, 80), "y_pred": _binary(28, 80), "positive": "spam"},
              message="index 打亂的 pandas Series：要依位置比對，不可依 index 對齊。"),
        Check(name="always_positive", code=_METRIC_CALL,
              inputs={"y_true": _binary(29, 50, 0.134), "y_pred": ["spam"] * 50,
                      "positive": "spam"},
              message="永遠預測 spam：recall 是 1，MCC 的分母為 0，應為 0.0。"),
        Check(name="no_true_positive_class", code=_METRIC_CALL,
              inputs={"y_true": ["ham"] * 12, "y_pred": _binary(30, 12), "positive": "spam"},
              message="沒有任何真正的 spam：recall 的分母為 0，應為 0.0。"),
        Check(name="several_negative_labels", code=_METRIC_CALL,
              inputs={"y_true": _binary(31, 40, 0.4, ("pos", "neg")),
                      "y_pred": [["pos", "neg", "other"][i % 3] for i in range(40)],
                      "positive": "pos"},
              message="positive 以外的 label 都算 negative（這裡有 'neg' 和 'other'）。"),
        Check(name="length_mismatch_arrays",
              code="import numpy as np\ntry:\n"
                   "    binary_metrics(np.array(y_true), np.array(y_true[:-1]))\n"
                   "    out = 'no error'\nexcept ValueError:\n    out = 'ValueError'",
              inputs={"y_true": _binary(32, 10)}, compare="equal",
              message="長度不同的 numpy 陣列應 raise ValueError。"),
        Check(name="inputs_not_modified",
              code="a, b = list(y_true), list(y_pred)\nbinary_metrics(a, b)\nout = [a, b]",
              inputs={"y_true": _binary(33, 15), "y_pred": _binary(34, 15)}, compare="equal",
              message="binary_metrics 修改了傳進來的 list。"),
    ],
    "test_add_length_columns": [
        Check(name="random_texts",
              code=_FRAME + "res = add_length_columns(df)\n"
                   "out = {'n_chars': res['n_chars'].tolist(), "
                   "'n_words': res['n_words'].tolist()}",
              inputs={"labels": _binary(41, 40), "texts": _texts(41, 40)}, compare="equal",
              message="隨機訊息（含連續空白、tab、換行、開頭結尾空白、空字串）：長度不對。"),
        Check(name="extra_columns_kept",
              code=_FRAME + "df['id'] = list(range(len(df)))\nres = add_length_columns(df)\n"
                   "out = {'columns': list(res.columns), 'id': res['id'].tolist(), "
                   "'label': res['label'].tolist()}",
              inputs={"labels": _binary(42, 8), "texts": _texts(42, 8)}, compare="equal",
              message="原本的其他欄位（這裡多了 'id'）要原封不動保留。"),
        Check(name="shuffled_index",
              code=_FRAME + "import numpy as np\n"
                   "df.index = np.random.default_rng(5).permutation(len(df)) + 100\n"
                   "res = add_length_columns(df)\n"
                   "out = {'index': res.index.tolist(), 'n_words': res['n_words'].tolist()}",
              inputs={"labels": _binary(43, 25), "texts": _texts(43, 25)}, compare="equal",
              message="index 打亂時要保留 index 與列的順序。"),
        Check(name="random_frame_not_modified",
              code=_FRAME + "before = df.copy()\nadd_length_columns(df)\n"
                   "out = bool(df.equals(before))",
              inputs={"labels": _binary(44, 10), "texts": _texts(44, 10)}, compare="equal",
              message="傳進來的 df 被修改了。"),
    ],
    "test_duplicate_report": [
        Check(name="random_repeats", code="out = duplicate_report(texts)",
              inputs={"texts": _repeated_texts(51, 120, 30)}, compare="equal",
              message="隨機重複的訊息（含只差大小寫或空白的訊息）：數字不對。"),
        Check(name="random_repeats_tuple", code="out = duplicate_report(tuple(texts))",
              inputs={"texts": _repeated_texts(52, 60, 50)}, compare="equal",
              message="輸入是 tuple 時數字不對。"),
        Check(name="random_repeats_series",
              code="import pandas as pd\nout = duplicate_report(pd.Series(texts, dtype=str))",
              inputs={"texts": _repeated_texts(53, 80, 10)}, compare="equal",
              message="輸入是 pandas Series 時數字不對。"),
        Check(name="all_the_same", code="out = duplicate_report(texts)",
              inputs={"texts": ["Sorry, I'll call later"] * 30}, compare="equal",
              message="30 則完全相同的訊息：1 種文字、29 則重複、max_count 30。"),
        Check(name="single_text", code="out = duplicate_report(texts)",
              inputs={"texts": ["Ok lar..."]}, compare="equal",
              message="只有一則訊息時：沒有重複，max_count 為 1。"),
    ],
}
