"""Public checks of Lab02 (將句子轉換成 token): tokenize, build_vocab, texts_to_sequences,
pad_sequences. Each check isolates one rule of Keras' Tokenizer / pad_sequences; the
expected values are literals taken from the reference solution (and Keras)."""

from __future__ import annotations

from rnnlab.checking import Check

FILTERS_LITERAL = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

# a small vocabulary in Keras order: <OOV> at 1, then words by count
VOCAB = {"<OOV>": 1, "call": 2, "free": 3, "now": 4, "win": 5}
VOCAB_NO_OOV = {"call": 1, "free": 2, "now": 3}

# sort build_vocab's dict by index, so the key order of a student's dict does not matter
SORTED_VOCAB = "v = build_vocab({args}); out = dict(sorted(v.items(), key=lambda kv: kv[1]))"
# compare padded values whatever the container and dtype (separate checks test those)
PADDED = "import numpy as np\nout = np.asarray(pad_sequences({args})).tolist()"

TOKENIZE = [
    Check(
        name="returns_list_of_words",
        code='out = tokenize("see you later")',
        expected=["see", "you", "later"],
        message="tokenize 應回傳 token (str) 的 list，例如 ['see', 'you', 'later']。",
        compare="equal",
    ),
    Check(
        name="lowercase",
        code='out = tokenize("FREE Entry Now")',
        expected=["free", "entry", "now"],
        message="沒有轉成小寫：先用 text.lower()（Keras 的 lower=True）。",
        compare="equal",
    ),
    Check(
        name="empty_strings_dropped",
        code='out = tokenize("  see   you  ")',
        expected=["see", "you"],
        message=("留下了空字串 ''：split(' ') 遇到連續的空白或開頭、結尾的空白會切出 ''，"
                 "要把它們丟掉。"),
        compare="equal",
    ),
    Check(
        name="punctuation_becomes_space",
        code='out = tokenize("win!!! call.now,(free)")',
        expected=["win", "call", "now", "free"],
        message=("標點沒有處理好：FILTERS 裡的每個字元都要換成一個空白 ' '（不是刪掉），"
                 "所以 'call.now' 會變成 'call' 和 'now' 兩個 token。"),
        compare="equal",
    ),
    Check(
        name="tab_and_newline_are_filters",
        code='out = tokenize("ok\\tsee you\\nlater")',
        expected=["ok", "see", "you", "later"],
        message="'\\t' 和 '\\n' 也在 FILTERS 裡，要換成空白。",
        compare="equal",
    ),
    Check(
        name="only_filters_gives_empty_list",
        code='out = [tokenize(""), tokenize("!!! ... ?")]',
        expected=[[], []],
        message="空字串或只有標點的句子沒有任何 token，應回傳空的 list []。",
        compare="equal",
    ),
    Check(
        name="other_characters_kept",
        code="out = tokenize(\"don't pay £1.50 at 3pm, ok?\")",
        expected=["don't", "pay", "£1", "50", "at", "3pm", "ok"],
        message=("FILTERS 以外的字元要保留：單引號 '、£、數字都不在 FILTERS 裡"
                 "（不要用只保留英文字母的正規表示式）。"),
        compare="equal",
    ),
    Check(
        name="split_on_space_only",
        code='out = tokenize("a\\xa0b c\\rd")',
        expected=["a\xa0b", "c\rd"],
        message=("只能用空白字元 ' ' 切開（split(' ')，Keras 的 split=' '）：不帶參數的 split() "
                 "會在 '\\r'、不換行空白 '\\xa0' 等字元也切開，Keras 不會。"),
        compare="equal",
    ),
    Check(
        name="filters_unchanged",
        code='tokenize("ok")\nout = FILTERS',  # after a call: the stub must fail it too
        expected=FILTERS_LITERAL,
        message="FILTERS 被改過了：請保留題目給的 FILTERS（Keras Tokenizer 的預設 filters）。",
        compare="equal",
    ),
]

BUILD_VOCAB = [
    Check(
        name="returns_dict_from_1",
        code='out = build_vocab(["hello"], oov_token=None)',
        expected={"hello": 1},
        message="build_vocab 應回傳 dict，index 從 1 開始（0 保留給 padding），不是從 0。",
        compare="equal",
    ),
    Check(
        name="most_frequent_first",
        code=SORTED_VOCAB.format(args='["a", "b c", "c b", "c"], oov_token=None'),
        expected={"c": 1, "b": 2, "a": 3},
        message="出現次數多的字要排在前面（index 小）：依次數由多到少排序。",
        compare="equal",
    ),
    Check(
        name="total_count_not_documents",
        code=SORTED_VOCAB.format(args='["x x x x y", "y", "y"], oov_token=None'),
        expected={"x": 1, "y": 2},
        message=("要算每個字在所有句子中出現的總次數（x 出現 4 次），"
                 "不是出現在幾個句子裡（y 出現在 3 個句子）。"),
        compare="equal",
    ),
    Check(
        name="ties_in_first_appearance_order",
        code=SORTED_VOCAB.format(args='["zebra apple", "mango", "apple zebra mango"], '
                                      'oov_token=None'),
        expected={"zebra": 1, "apple": 2, "mango": 3},
        message=("次數相同時順序錯了：要依第一次出現的順序（zebra, apple, mango），"
                 "不是字母順序，也不是反過來；sorted(..., reverse=True) 是穩定排序，"
                 "會保持原順序。"),
        compare="equal",
    ),
    Check(
        name="oov_token_at_1",
        code=SORTED_VOCAB.format(args='["free call free"]'),
        expected={"<OOV>": 1, "free": 2, "call": 3},
        message="oov_token 要在 index 1，其他的字從 2 開始。",
        compare="equal",
    ),
    Check(
        name="uses_oov_token_argument",
        code=SORTED_VOCAB.format(args='["hi there"], oov_token="[UNK]"'),
        expected={"[UNK]": 1, "hi": 2, "there": 3},
        message="要使用參數 oov_token（這裡是 '[UNK]'），不要寫死 '<OOV>'。",
        compare="equal",
    ),
    Check(
        name="words_come_from_tokenize",
        code=SORTED_VOCAB.format(args='["Hi, hi! HI... you?"], oov_token=None'),
        expected={"hi": 1, "you": 2},
        message=("詞彙表的字要用 tokenize() 切出來（小寫、去標點），'Hi,' 和 'hi' 是同一個字；"
                 "如果 test_tokenize 沒有通過，先修好 tokenize。"),
        compare="equal",
    ),
    Check(
        name="input_not_modified",
        code='texts = ["b a", "a"]\nbuild_vocab(texts)\nout = texts',
        expected=["b a", "a"],
        message="build_vocab 不可以修改傳進來的 texts。",
        compare="equal",
    ),
]

TEXTS_TO_SEQUENCES = [
    Check(
        name="known_words_to_ids",
        code='out = texts_to_sequences(["call now", "free win"], vocab)',
        inputs={"vocab": VOCAB},
        expected=[[2, 4], [3, 5]],
        message="每則句子要變成一個 list：把每個 token 換成 vocab[token]。",
        compare="equal",
    ),
    Check(
        name="uses_tokenize",
        code='out = texts_to_sequences(["CALL, now!"], vocab)',
        inputs={"vocab": VOCAB},
        expected=[[2, 4]],
        message=("句子要先用 tokenize() 切詞（小寫、去標點），再查 vocab；"
                 "如果 test_tokenize 沒有通過，先修好 tokenize。"),
        compare="equal",
    ),
    Check(
        name="unknown_word_to_oov",
        code='out = texts_to_sequences(["call mom now"], vocab)',
        inputs={"vocab": VOCAB},
        expected=[[2, 1, 4]],
        message=("沒看過的字（mom）要換成 OOV 的 index vocab[oov_token] = 1，不能丟掉，"
                 "也不能變成 0（0 是 padding）。"),
        compare="equal",
    ),
    Check(
        name="oov_index_from_vocab",
        code='out = texts_to_sequences(["call mom"], vocab, oov_token="[UNK]")',
        inputs={"vocab": {"call": 1, "[UNK]": 2}},
        expected=[[1, 2]],
        message="OOV 的 index 要查 vocab[oov_token]（這裡是 2），不要寫死 1 或 '<OOV>'。",
        compare="equal",
    ),
    Check(
        name="unknown_dropped_without_oov",
        code='out = texts_to_sequences(["call mom now"], vocab, oov_token=None)',
        inputs={"vocab": VOCAB_NO_OOV},
        expected=[[1, 3]],
        message="oov_token 是 None（或不在 vocab 裡）時，沒看過的字要直接丟掉。",
        compare="equal",
    ),
    Check(
        name="num_words_keeps_smaller_indices",
        code='out = texts_to_sequences(["win call free now"], vocab, num_words=4)',
        inputs={"vocab": VOCAB},
        expected=[[1, 2, 3, 1]],
        message=("num_words=4 只保留 index < 4 的字（call=2、free=3）；index >= 4 的字"
                 "（now=4、win=5）要換成 OOV。注意是 < 不是 <=。"),
        compare="equal",
    ),
    Check(
        name="num_words_without_oov_drops",
        code='out = texts_to_sequences(["now call free"], vocab, num_words=3, oov_token=None)',
        inputs={"vocab": VOCAB_NO_OOV},
        expected=[[1, 2]],
        message="沒有 OOV 時，index >= num_words 的字（now=3）要丟掉。",
        compare="equal",
    ),
    Check(
        name="input_not_modified",
        code=('texts = ["call mom", "win"]\ntexts_to_sequences(texts, vocab, num_words=3)\n'
              "out = [texts, vocab]"),
        inputs={"vocab": VOCAB},
        expected=[["call mom", "win"], VOCAB],
        message="texts_to_sequences 不可以修改傳進來的 texts 或 vocab。",
        compare="equal",
    ),
]

PAD_SEQUENCES = [
    Check(
        name="returns_ndarray",
        code="out = type(pad_sequences([[1, 2]], maxlen=3)).__name__",
        expected="ndarray",
        message="pad_sequences 要回傳 numpy 陣列 (np.ndarray)，不是 list。",
        compare="equal",
    ),
    Check(
        name="dtype_int32",
        code="import numpy as np\nout = str(np.asarray(pad_sequences([[1, 2]], maxlen=3)).dtype)",
        expected="int32",
        message=("dtype 要是整數 int32（Keras 的預設）：token id 是整數，"
                 "例如用 np.full(..., dtype=np.int32) 或 np.zeros(..., dtype=np.int32)。"),
        compare="equal",
    ),
    Check(
        name="shape_n_by_maxlen",
        code=("import numpy as np\n"
              "out = np.asarray(pad_sequences([[1], [2, 3], [4]], maxlen=5)).shape"),
        expected=(3, 5),
        message="shape 應為 (len(sequences), maxlen)。",
        compare="equal",
    ),
    Check(
        name="padding_pre_by_default",
        code=PADDED.format(args="[[5, 6]], maxlen=4"),
        expected=[[0, 0, 5, 6]],
        message="padding 補錯邊：預設 padding='pre'，0 要補在序列的前面。",
    ),
    Check(
        name="padding_post",
        code=PADDED.format(args="[[5, 6]], maxlen=4, padding='post'"),
        expected=[[5, 6, 0, 0]],
        message="padding 補錯邊：padding='post' 時 0 要補在序列的後面。",
    ),
    Check(
        name="truncating_pre_by_default",
        code=PADDED.format(args="[[1, 2, 3, 4, 5]], maxlen=3"),
        expected=[[3, 4, 5]],
        message="truncating 截錯邊：預設 truncating='pre'，太長時截掉開頭，保留最後 maxlen 個。",
    ),
    Check(
        name="truncating_post",
        code=PADDED.format(args="[[1, 2, 3, 4, 5]], maxlen=3, truncating='post'"),
        expected=[[1, 2, 3]],
        message="truncating 截錯邊：truncating='post' 時截掉結尾，保留前 maxlen 個。",
    ),
    Check(
        name="padding_and_truncating_independent",
        code=PADDED.format(args="[[1, 2, 3, 4, 5], [7]], maxlen=3, padding='post', "
                                "truncating='pre'"),
        expected=[[3, 4, 5], [7, 0, 0]],
        message="padding 與 truncating 是兩個獨立的參數：這裡要補在後面，但截掉開頭。",
    ),
    Check(
        name="shorter_than_maxlen_kept_whole",
        code=PADDED.format(args="[[1, 2, 3, 4, 5, 6]], maxlen=10"),
        expected=[[0, 0, 0, 0, 1, 2, 3, 4, 5, 6]],
        message=("比 maxlen 短的序列要完整保留：seq[len(seq) - maxlen:] 在序列較短時起點是負數，"
                 "會從後面數回去，只剩一部分。"),
    ),
    Check(
        name="maxlen_none_uses_longest",
        code=PADDED.format(args="[[1], [2, 3, 4], [5, 6]]"),
        expected=[[0, 0, 1], [2, 3, 4], [0, 5, 6]],
        message="maxlen=None 時，長度要用最長序列的長度。",
    ),
    Check(
        name="value_argument",
        code=PADDED.format(args="[[1]], maxlen=3, value=-1"),
        expected=[[-1, -1, 1]],
        message="要用參數 value 當 padding 的值（這裡是 -1），不要寫死 0。",
    ),
    Check(
        name="empty_sequence_is_all_padding",
        code=PADDED.format(args="[[], [1, 2]], maxlen=2"),
        expected=[[0, 0], [1, 2]],
        message=("空序列那一列應該全部是 value。小心 x[i, -0:] 是整列、seq[-0:] 是整個序列："
                 "長度為 0 的序列可以直接跳過。"),
    ),
    Check(
        name="input_not_modified",
        code=("seqs = [[1, 2, 3], [4]]\n"
              "pad_sequences(seqs, maxlen=2, truncating='post')\nout = seqs"),
        expected=[[1, 2, 3], [4]],
        message="pad_sequences 不可以修改傳進來的 sequences（例如就地截斷或補值）。",
        compare="equal",
    ),
]

CHECKS = {
    "test_tokenize": TOKENIZE,
    "test_build_vocab": BUILD_VOCAB,
    "test_texts_to_sequences": TEXTS_TO_SEQUENCES,
    "test_pad_sequences": PAD_SEQUENCES,
}
