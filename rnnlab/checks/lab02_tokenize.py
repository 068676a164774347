"""Public checks of Lab02 (將句子轉換成 token): tokenize, build_vocab, texts_to_sequences,
pad_sequences, one rule of their docstrings per check, from the simplest to the composite.

build_vocab and texts_to_sequences call the student's tokenize: their checks use lower-case
words joined by single spaces, on which the usual tokenize mistakes change nothing, plus one
``integration`` check each (``REQUIRES``: a failing tokenize is named as the root cause).
"""

from __future__ import annotations

from rnnlab.checks.factories import case, returns_type, unchanged_inputs

REQUIRES = {
    "test_build_vocab": ["test_tokenize"],
    "test_texts_to_sequences": ["test_tokenize"],
}

FILTERS_LITERAL = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # Keras' default filters

# a small vocabulary in Keras order: <OOV> at 1, then words by count
VOCAB = {"<OOV>": 1, "call": 2, "free": 3, "now": 4, "win": 5}
VOCAB_NO_OOV = {"call": 1, "free": 2, "now": 3}

# build_vocab's dict as {word: index} sorted by index (the key order is not graded) ...
SORTED_VOCAB = "v = build_vocab({args})\nout = dict(sorted(v.items(), key=lambda kv: kv[1]))"
# ... or only its words in index order (a ranking check, whatever the first index is)
RANKING = "v = build_vocab({args})\nout = [w for w, _ in sorted(v.items(), key=lambda kv: kv[1])]"
# padded values whatever the container and dtype (returns_ndarray and dtype_int32 test those;
# "allclose" accepts 5.0 for 5) ...
PADDED = "import numpy as _np\nout = _np.asarray(pad_sequences({args})).tolist()"
# ... or only the kept ids of each row, whichever side the padding went to
KEPT = ("import numpy as _np\n"
        "out = [[v for v in row if v != {value}]\n"
        "       for row in _np.asarray(pad_sequences({args})).tolist()]")

TOKENIZE = [
    case("returns_list_of_words", 'out = tokenize("see you later")', {},
         "tokenize 應回傳 token (str) 的 list，例如 ['see', 'you', 'later']。",
         expected=["see", "you", "later"], compare="equal"),
    case("lowercase", 'out = tokenize("FREE Entry Now")', {},
         "沒有轉成小寫：lower=True（預設）時先用 text.lower()。",
         expected=["free", "entry", "now"], compare="equal"),
    case("empty_strings_dropped", 'out = tokenize("  see   you  ")', {},
         "留下了空字串 ''：split(' ') 遇到連續的空白或開頭、結尾的空白會切出 ''，要把它們丟掉。",
         expected=["see", "you"], compare="equal"),
    case("punctuation_becomes_space", 'out = tokenize("win!!! call.now,(free)")', {},
         "標點沒有處理好：filters 裡的每個字元都要換成一個空白 ' '（不是刪掉），"
         "所以 'call.now' 會變成 'call' 和 'now' 兩個 token。",
         expected=["win", "call", "now", "free"], compare="equal"),
    case("every_default_filter", "out = tokenize('a' + 'a'.join(FILTERS_LITERAL) + 'a')",
         {"FILTERS_LITERAL": FILTERS_LITERAL},
         "預設的 FILTERS 裡每一個字元（包括 '\\t' 和 '\\n'）都要換成空白：請用參數 filters，"
         "不要自己另列一份標點。",
         expected=["a"] * (len(FILTERS_LITERAL) + 1), weight=0.5, compare="equal"),
    case("other_characters_kept", "out = tokenize(\"don't pay £1.50 at 3pm, ok?\")", {},
         "filters 以外的字元要保留：單引號 '、£、數字都不在 FILTERS 裡"
         "（不要用只留英文字母的正規表示式，也不要用 string.punctuation）。",
         expected=["don't", "pay", "£1", "50", "at", "3pm", "ok"], compare="equal"),
    case("lower_not_casefold", 'out = tokenize("ÜBER STRASSE Straße")', {},
         "小寫要用 str.lower()：它也處理 Ü 這類字母；casefold() 會把 ß 變成 ss，和 Keras 不同。",
         expected=["über", "strasse", "straße"], weight=0.5, compare="equal"),
    case("split_on_space_only", 'out = tokenize("a\\xa0b c\\rd")', {},
         "只能用空白字元 ' ' 切開（split(' ')，Keras 的 split=' '）：不帶參數的 split() "
         "也會在 '\\r'、不換行空白 '\\xa0' 等字元切開，Keras 不會。",
         expected=["a\xa0b", "c\rd"], weight=0.5, compare="equal"),
    case("no_tokens_gives_empty_list", 'out = [tokenize(""), tokenize("!!! ... ?")]', {},
         "空字串或只有標點的句子沒有任何 token，應回傳空的 list []。",
         expected=[[], []], weight=0.5, compare="equal"),
    case("lower_false_keeps_case", 'out = tokenize("FREE Entry now", lower=False)', {},
         "lower=False 時不要轉小寫：只有 lower 為 True 時才呼叫 text.lower()。",
         expected=["FREE", "Entry", "now"], compare="equal"),
    case("empty_filters_keep_punctuation",
         'out = tokenize("win!!! £100, call now?", filters="")', {},
         "filters='' 時沒有字元要換掉，標點要留在 token 裡：請用參數 filters，"
         "不要寫死 FILTERS。",
         expected=["win!!!", "£100,", "call", "now?"], compare="equal"),
    case("custom_filters", 'out = tokenize("win!!! £1.50, call-now?", filters=".,-")', {},
         "要換成空白的是參數 filters 裡的字元（這裡只有 . , -），不是固定的 FILTERS。",
         expected=["win!!!", "£1", "50", "call", "now?"], compare="equal"),
]

BUILD_VOCAB = [
    case("returns_dict_from_1", 'out = build_vocab(["hello world hello"], oov_token=None)', {},
         "build_vocab 應回傳 dict，index 從 1 開始（0 保留給 padding），不是從 0。",
         expected={"hello": 1, "world": 2}, compare="equal"),
    case("most_frequent_first", RANKING.format(args='["a", "b c", "c b", "c"], oov_token=None'),
         {}, "出現次數多的字要排在前面（index 小）：依次數由多到少排序。",
         expected=["c", "b", "a"], compare="equal"),
    case("total_count_not_documents",
         RANKING.format(args='["x x x x y", "y", "y"], oov_token=None'), {},
         "要算每個字在所有句子中出現的總次數（x 出現 4 次），"
         "不是出現在幾則句子裡（y 出現在 3 則句子）。",
         expected=["x", "y"], compare="equal"),
    case("ties_in_first_appearance_order",
         RANKING.format(args='["zebra apple", "mango", "apple zebra mango"], oov_token=None'),
         {}, "次數相同時順序錯了：要依第一次出現的順序（zebra, apple, mango），不是字母順序，"
             "也不是反過來；sorted(..., reverse=True) 是穩定排序，會保持原來的順序。",
         expected=["zebra", "apple", "mango"], compare="equal"),
    case("oov_token_at_1", SORTED_VOCAB.format(args='["free call free"]'), {},
         "oov_token（預設 '<OOV>'）要在 index 1，其他的字從 2 開始。",
         expected={"<OOV>": 1, "free": 2, "call": 3}, compare="equal"),
    case("uses_oov_token_argument", RANKING.format(args='["hi there hi"], oov_token="[UNK]"'), {},
         "要使用參數 oov_token（這裡是 '[UNK]'），不要寫死 '<OOV>'。",
         expected=["[UNK]", "hi", "there"], compare="equal"),
    unchanged_inputs("build_vocab", ["texts"], {"texts": ["b a", "a"]},
                     "build_vocab 不可以修改傳進來的 texts（例如 texts.sort() 或 .append）。"),
    case("words_come_from_tokenize",
         RANKING.format(args='["Hi, hi! HI...you? you"], oov_token=None'), {},
         "詞彙表的字要用 tokenize(text) 切出來（小寫、標點換成空白），'Hi,' 和 'hi' 是同一個字。",
         expected=["hi", "you"], compare="equal", integration=True),
]

TEXTS_TO_SEQUENCES = [
    case("known_words_to_ids", 'out = texts_to_sequences(["call now", "free win"], vocab)',
         {"vocab": VOCAB},
         "每則句子要變成一個 list：把每個 token 換成 vocab[token]，順序不變。",
         expected=[[2, 4], [3, 5]], compare="equal"),
    case("unknown_word_to_oov", 'out = texts_to_sequences(["call mom now"], vocab)',
         {"vocab": VOCAB},
         "沒看過的字（mom）要換成 OOV 的 index vocab[oov_token]（這裡是 1），不能丟掉，"
         "也不能變成 0（0 是 padding）。",
         expected=[[2, 1, 4]], compare="equal"),
    case("oov_index_from_vocab",
         'out = texts_to_sequences(["call mom"], vocab, oov_token="[UNK]")',
         {"vocab": {"call": 1, "[UNK]": 2}},
         "OOV 的 index 要查 vocab[oov_token]（這裡是 2），不要寫死 1 或 '<OOV>'。",
         expected=[[1, 2]], compare="equal"),
    case("unknown_dropped_without_oov",
         ('out = [texts_to_sequences(["call mom now"], dict(vocab), oov_token=None),\n'
          '       texts_to_sequences(["call mom now"], dict(vocab))]'),
         {"vocab": VOCAB_NO_OOV},
         "oov_token 是 None 或不在 vocab 裡（這裡的 vocab 沒有 '<OOV>'）時，"
         "沒看過的字要直接丟掉（不能補 None、0 或 1）。",
         expected=[[[1, 3]], [[1, 3]]], compare="equal"),
    case("num_words_keeps_smaller_indices",
         'out = texts_to_sequences(["now call free"], vocab, num_words=3, oov_token=None)',
         {"vocab": VOCAB_NO_OOV},
         "num_words=3 只保留 index < 3 的字（call=1、free=2），now=3 不保留；注意是 < 不是 <=。",
         expected=[[1, 2]], compare="equal"),
    case("rare_words_become_oov",
         'out = texts_to_sequences(["win call free now"], vocab, num_words=4)',
         {"vocab": VOCAB},
         "有 OOV 時，index >= num_words 的字（now=4、win=5）要換成 OOV 的 index，不是丟掉。",
         expected=[[1, 2, 3, 1]], compare="equal"),
    unchanged_inputs("texts_to_sequences", ["texts", "vocab"],
                     {"texts": ["call mom", "win"], "vocab": VOCAB},
                     "texts_to_sequences 不可以修改傳進來的 texts 或 vocab。",
                     call="texts_to_sequences(texts, vocab, num_words=3)"),
    case("uses_tokenize", 'out = texts_to_sequences(["CALL, now!", "free\\twin"], vocab)',
         {"vocab": VOCAB},
         "句子要先用 tokenize(text) 切詞（小寫、標點換成空白），再查 vocab。",
         expected=[[2, 4], [3, 5]], compare="equal", integration=True),
]

PAD_SEQUENCES = [
    returns_type("pad_sequences", "pad_sequences([[1, 2]], maxlen=3)", "ndarray",
                 "pad_sequences 要回傳 numpy 陣列 (np.ndarray)，不是 list。",
                 name="returns_ndarray"),
    case("dtype_int32",
         "import numpy as _np\nout = str(_np.asarray(pad_sequences([[1, 2]], maxlen=3)).dtype)",
         {}, "dtype 要是 int32（Keras 的預設）：token id 是整數，"
             "例如用 np.full(..., value, dtype=np.int32)。",
         expected="int32", weight=0.5, compare="equal"),
    case("shape_n_by_maxlen",
         "import numpy as _np\n"
         "out = _np.asarray(pad_sequences([[1], [2, 3], [4]], maxlen=5)).shape", {},
         "shape 應為 (len(sequences), maxlen)。", expected=(3, 5), compare="equal"),
    case("padding_pre_by_default", PADDED.format(args="[[5, 6]], maxlen=4"), {},
         "padding 補錯邊：預設 padding='pre'，value 要補在序列的前面。",
         expected=[[0, 0, 5, 6]], compare="allclose"),
    case("padding_post", PADDED.format(args="[[5, 6]], maxlen=4, padding='post'"), {},
         "padding 補錯邊：padding='post' 時 value 要補在序列的後面。",
         expected=[[5, 6, 0, 0]], compare="allclose"),
    case("truncating_pre_by_default", KEPT.format(args="[[1, 2, 3, 4, 5]], maxlen=3", value=0),
         {},
         "truncating 截錯邊：預設 truncating='pre'，太長時截掉開頭，保留最後 maxlen 個。",
         expected=[[3, 4, 5]], compare="allclose"),
    case("truncating_post",
         KEPT.format(args="[[1, 2, 3, 4, 5]], maxlen=3, truncating='post'", value=0), {},
         "truncating 截錯邊：truncating='post' 時截掉結尾，保留前 maxlen 個。",
         expected=[[1, 2, 3]], compare="allclose"),
    case("padding_and_truncating_independent",
         PADDED.format(args="[[1, 2, 3, 4, 5], [7]], maxlen=3, padding='post', "
                            "truncating='pre'"), {},
         "padding 與 truncating 是兩個獨立的參數：這裡要補在後面，但截掉開頭。",
         expected=[[3, 4, 5], [7, 0, 0]], compare="allclose"),
    case("shorter_than_maxlen_kept_whole",
         KEPT.format(args="[[1, 2, 3, 4, 5, 6]], maxlen=10", value=0), {},
         "比 maxlen 短的序列要完整保留：seq[len(seq) - maxlen:] 在序列較短時起點是負數，"
         "會從後面數回去，只剩一部分。",
         expected=[[1, 2, 3, 4, 5, 6]], compare="allclose"),
    case("maxlen_none_uses_longest",
         "import numpy as _np\nout = _np.asarray(pad_sequences([[1], [2, 3, 4], [5, 6]])).shape",
         {}, "maxlen=None 時，長度要用最長序列的長度。", expected=(3, 3), compare="equal"),
    case("value_argument",
         "import numpy as _np\n"
         "out = sorted(_np.asarray(pad_sequences([[1]], maxlen=3, value=-1)).tolist()[0])", {},
         "要用參數 value 當 padding 的值（這裡是 -1），不要寫死 0。",
         expected=[-1, -1, 1], compare="allclose"),
    case("empty_sequence_is_all_padding", PADDED.format(args="[[], [1, 2]], maxlen=2"), {},
         "空序列那一列應該全部是 value。小心 x[i, -0:] 是整列、seq[-0:] 是整個序列："
         "長度為 0 的序列可以直接跳過。",
         expected=[[0, 0], [1, 2]], weight=0.5, compare="allclose"),
    case("tuples_and_arrays_accepted",
         KEPT.format(args="[(1, 2, 3), _np.array([4, 5, 6])], maxlen=3", value=0),
         {}, "sequences 裡的序列也可能是 tuple 或 numpy 陣列：不要用 [value] * k + seq 這種"
             "只對 list 有效的寫法，直接寫進 np.full 建好的陣列裡。",
         expected=[[1, 2, 3], [4, 5, 6]], weight=0.5, compare="allclose"),
    unchanged_inputs("pad_sequences", ["sequences"], {"sequences": [[1, 2, 3], [4]]},
                     "pad_sequences 不可以修改傳進來的 sequences（例如就地截斷或補值）。",
                     call="pad_sequences(sequences, maxlen=2, truncating='post')"),
]

CHECKS = {
    "test_tokenize": TOKENIZE,
    "test_build_vocab": BUILD_VOCAB,
    "test_texts_to_sequences": TEXTS_TO_SEQUENCES,
    "test_pad_sequences": PAD_SEQUENCES,
}
