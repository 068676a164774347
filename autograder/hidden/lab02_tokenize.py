"""Hidden checks of Lab02 (將句子轉換成 token): each re-tests one public rule (``retests``)
on more inputs: seeded random strings, texts and sequences, and real SMS messages.
``expected`` stays at its default, FROM_REFERENCE: the reference solution (equal to Keras'
classic Tokenizer and keras.utils.pad_sequences, see tests/test_lab02_tokenize.py) gives the
expected values.

build_vocab and texts_to_sequences are re-tested on lower-case words joined by single
spaces (random words, or the words of real messages), so a wrong tokenize costs only
tokenize's points and the one integration check of each (see rnnlab/checks/lab02_tokenize.py).
"""

from __future__ import annotations

import re

import numpy as np

from rnnlab.checking import Check

FILTERS_LITERAL = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
OTHER_WHITESPACE = ["\r", "\xa0", "\u3000", "\x0b", "\x0c", "\x85", "\u2028", "\x1c"]
UNICODE = list("İßΣσςÉéüÜ£’‘…–中文字😀ﬁǄ")
CHARACTERS = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'")
              + list(FILTERS_LITERAL) + [" "] * 20 + OTHER_WHITESPACE + UNICODE)
# other filters strings: none, a few, Keras' without £ $ ! ? (what Lab03 keeps as signals)
OTHER_FILTERS = ["", ".,-!?", "".join(c for c in FILTERS_LITERAL if c not in "$!?")]
# lower-case words (no digits, no apostrophes): every usual tokenize mistake splits them right
WORDS = ["free", "call", "now", "win", "txt", "u", "ok", "im", "prize", "day", "oov", "unk",
         "lol", "x", "go", "home", "claim", "mobile", "stop", "reply"]


def random_strings(seed: int, n: int, max_len: int = 60) -> list[str]:
    """n strings of random characters: letters, digits, FILTERS, whitespace, unicode."""
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(CHARACTERS, size=rng.integers(0, max_len + 1)))
            for _ in range(n)]


def random_texts(seed: int, n: int, max_words: int = 12) -> list[str]:
    """n texts of 1..max_words words from a small pool (so counts tie often), lower case,
    joined by single spaces."""
    rng = np.random.default_rng(seed)
    return [" ".join(str(w) for w in rng.choice(WORDS, size=rng.integers(1, max_words + 1)))
            for _ in range(n)]


def random_vocab(seed: int, oov_token: str | None = "<OOV>", size: int = 14) -> dict[str, int]:
    """``size`` words of the pool (the others are unknown) with shuffled indices 1..V,
    oov_token among them."""
    rng = np.random.default_rng(seed)
    words = [str(w) for w in rng.choice(WORDS, size=size, replace=False)]
    words += [oov_token] if oov_token is not None else []
    indices = rng.permutation(len(words)) + 1
    return {w: int(i) for w, i in zip(words, indices)}


def random_sequences(seed: int, n: int, max_len: int = 15) -> list[list[int]]:
    """n id sequences of random lengths 0..max_len (some empty)."""
    rng = np.random.default_rng(seed)
    return [rng.integers(1, 1000, size=rng.integers(0, max_len + 1)).tolist()
            for _ in range(n)]


REAL_MESSAGES = [
    ('Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Te'
     "xt FA to 87121 to receive entry question(std txt rate)T&C's apply 0845"
     "2810075over18's"),
    'Fine if that\x92s the way u feel. That\x92s the way its gota b',
    ('hi baby im cruisin with my girl friend what r u up 2? give me a call i'
     'n and hour at home if thats alright or fone me on this fone now love j'
     'enny xxx'),
    'Almost there, see u in a sec',
    ('Yar lor wait 4 my mum 2 finish sch then have lunch lor... I whole morn'
     'ing stay at home clean my room now my room quite clean... Hee...'),
    'This pay is  &lt;DECIMAL&gt;  lakhs:)',
    'All e best 4 ur driving tmr :-)',
    ('U were outbid by simonwatson5120 on the Shinco DVD Plyr. 2 bid again, '
     'visit sms. ac/smsrewards 2 end bid notifications, reply END OUT'),
    '26th OF JULY',
    "That's fine, I'll bitch at you about it later then",
    'K give me a sec, breaking a  &lt;#&gt;  at cstore',
    ("That's ok. I popped in to ask bout something and she said you'd been i"
     'n. Are you around tonght wen this girl comes?'),
    ("Hope ur head doesn't hurt 2 much ! Am ploughing my way through a pile "
     'of ironing ! Staying in with a chinky tonight come round if you like.'),
    ("Wat makes u thk i'll fall down. But actually i thk i'm quite prone 2 f"
     'alls. Lucky my dad at home i ask him come n fetch me already.'),
    ('Dont search love, let love find U. Thats why its called falling in lov'
     'e, bcoz U dont force yourself, U just fall and U know there is smeone '
     'to hold U... BSLVYL'),
    ('Sounds like you have many talents! would you like to go on a dinner da'
     'te next week?'),
    ('Hi 07734396839 IBH Customer Loyalty Offer: The NEW NOKIA6600 Mobile fr'
     'om ONLY £10 at TXTAUCTION!Txt word:START to No:81151 & get Yours Now!4'
     'T&'),
    'I dun believe u. I thk u told him.',
    ('U haven\x92t lost me ill always b here 4u.i didn\x92t intend 2 hurt u but I '
     'never knew how u felt about me when Iwas+marine&that\x92s what itried2tel'
     'l urmom.i careabout u'),
    "OK i'm waliking ard now... Do u wan me 2 buy anything go ur house?",
    ('wiskey Brandy Rum Gin Beer Vodka Scotch Shampain Wine "KUDI"yarasu dhi'
     'na vaazhthukkal. ..'),
    'Oh k k:)but he is not a big hitter.anyway good',
    ('December only! Had your mobile 11mths+? You are entitled to update to '
     'the latest colour camera mobile for Free! Call The Mobile Update Co FR'
     'EE on 08002986906 '),
    'Aight, tomorrow around  &lt;#&gt;  it is',
    "Aight, lemme know what's up",
    "What u talking bout early morning? It's almost noon where your at!",
    'Ok then i come n pick u at engin?',
    ('"HEY DAS COOL... IKNOW ALL 2 WELLDA PERIL OF STUDENTFINANCIAL CRISIS!S'
     'PK 2 U L8R."'),
    "Aight, we'll head out in a few",
    'Actually nvm, got hella cash, we still on for  &lt;#&gt; ish?',
    ('Free video camera phones with Half Price line rental for 12 mths and 5'
     '00 cross ntwk mins 100 txts. Call MobileUpd8 08001950382 or Call2OptOu'
     't/674&'),
    ('Bored housewives! Chat n date now! 0871750.77.11! BT-national rate 10p'
     '/min only from landlines!'),
    ('"The world suffers a lot... Not because of the violence of bad people.'
     ' But because of the silence of good people!", Gud night....'),
    ('True lov n care wil nevr go unrecognized. though somone often makes mi'
     'stakes when valuing it. but they will definitly undrstnd once when the'
     'y start missing it.'),
    'Shopping? Eh ger i toking abt syd leh...Haha',
    'Wat time ü finish?',
    'i can call in  &lt;#&gt;  min if thats ok',
    'Okey dokey swashbuckling stuff what oh.',
    ('Jamster! To get your free wallpaper text HEART to 88888 now! T&C apply'
     '. 16 only. Need Help? Call 08701213186.'),
    'Can you pls send me that company name. In saibaba colany',
]


def words_only(text: str) -> str:
    """The lower-case letter runs of ``text`` joined by single spaces (real words that every
    usual tokenize mistake splits the same way)."""
    return " ".join(re.findall("[a-z]+", text.lower()))


REAL_WORDS = [words_only(t) for t in REAL_MESSAGES]

# a fixed vocabulary of frequent training words and spam words, <OOV> at 1
COMMON_WORDS = ["i", "to", "you", "the", "a", "u", "and", "in", "is", "me", "my", "for", "it",
                "your", "of", "have", "that", "call", "on", "are", "now", "so", "but", "not",
                "at", "or", "can", "get", "do", "will", "be", "just", "if", "free", "txt",
                "text", "claim", "prize", "mobile", "stop", "ur", "lt", "gt"]
COMMON_VOCAB = {"<OOV>": 1} | {w: i for i, w in enumerate(COMMON_WORDS, start=2)}

RANKING = "v = build_vocab({args})\nout = [w for w, _ in sorted(v.items(), key=lambda kv: kv[1])]"
KEPT = ("import numpy as _np\n"
        "out = [[v for v in row if v != {value}]\n"
        "       for row in _np.asarray(pad_sequences({args})).tolist()]")
W = 0.5  # a hidden check weighs half a public one: new inputs, not new rules

TOKENIZE = [
    Check(
        name="random_strings",
        code="out = [tokenize(s) for s in texts]",
        inputs={"texts": random_strings(1902, 300)},
        message=("隨機字串（字母、數字、FILTERS、各種空白、unicode）切得和 Keras 不同："
                 "檢查 lower()、filters 的字元換成空白、split(' ')、丟掉空字串。"),
        compare="equal", weight=W, retests="punctuation_becomes_space",
    ),
    Check(
        name="real_messages",
        code="out = [tokenize(s) for s in texts]",
        inputs={"texts": REAL_MESSAGES},
        compare="equal", weight=W, retests="other_characters_kept",
        message="真實簡訊切得和 Keras 不同：'、£、數字要留下，filters 的字元換成空白。",
    ),
    Check(
        name="random_strings_other_filters",
        code=("out = [[tokenize(s, filters=f, lower=low) for s in texts]\n"
              "       for f in filters for low in (True, False)]"),
        inputs={"texts": random_strings(1903, 60), "filters": OTHER_FILTERS},
        compare="equal", weight=W, retests="custom_filters",
        message=("用其他的 filters（''、'.,-!?'、不含 $ ! ? 的 FILTERS）或 lower=False 時"
                 "切得不對：只換掉參數 filters 的字元，只有 lower 為 True 時才轉小寫。"),
    ),
    Check(
        name="unicode_lowercase",
        code='out = tokenize("İSTANBUL Straße ΣΟΦΙΑ Ǆ ﬁne ÜBER")',
        compare="equal", weight=W, retests="lower_not_casefold",
        message=("其他語言的大寫字母也要轉小寫：用 str.lower()"
                 "（不是 casefold()，也不是只處理 A–Z）。"),
    ),
    Check(
        name="other_whitespace_kept",
        code="out = tokenize(text)",
        inputs={"text": "a" + "b".join(OTHER_WHITESPACE) + "c d\te\nf"},
        compare="equal", weight=W, retests="split_on_space_only",
        message=("只有 ' '（以及被換成空白的 '\\t'、'\\n'）會切開 token；"
                 "其他空白類字元要留在 token 裡（Keras 的 split=' '）。"),
    ),
]

BUILD_VOCAB = [
    Check(
        name="random_texts",
        code=("out = [[w for w, _ in sorted(build_vocab(list(texts), oov_token=o).items(),\n"
              "                              key=lambda kv: kv[1])]\n"
              "       for o in (None, '<OOV>', '[UNK]')]"),
        inputs={"texts": random_texts(1904, 60)},
        compare="equal", weight=W, retests="most_frequent_first",
        message=("隨機句子的詞彙表順序不對：oov_token 第一，其他的字依總次數由多到少，"
                 "同次數依第一次出現的順序。"),
    ),
    Check(
        name="real_words_ranking",
        code=RANKING.format(args="texts, oov_token=None"),
        inputs={"texts": REAL_WORDS},
        compare="equal", weight=W, retests="ties_in_first_appearance_order",
        message="真實簡訊的字排序不對：次數相同時要依第一次出現的順序。",
    ),
    Check(
        name="real_words_indices",
        code="v = build_vocab(texts)\nout = [v.get('<OOV>'), sorted(v.values())]",
        inputs={"texts": REAL_WORDS},
        compare="equal", weight=W, retests="oov_token_at_1",
        message="真實簡訊的詞彙表 index 不對：'<OOV>' 是 1，其他的字是 2, 3, …, V。",
    ),
    Check(
        name="real_texts_not_modified",
        code="build_vocab(texts)\nout = texts",
        inputs={"texts": REAL_MESSAGES[:10]},
        expected=REAL_MESSAGES[:10],
        compare="equal", weight=W, retests="inputs_not_modified",
        message="build_vocab 不可以修改傳進來的 texts。",
    ),
]

TEXTS_TO_SEQUENCES = [
    Check(
        name="random_texts",
        code=("out = [texts_to_sequences(list(texts), dict(vocab), num_words=n)"
              " for n in (None, 1, 2, 5, 12, 30)]"),
        inputs={"texts": random_texts(1905, 40), "vocab": random_vocab(1906)},
        compare="equal", weight=W, retests="rare_words_become_oov",
        message=("隨機句子的 id 序列不對：沒看過的字與 index >= num_words 的字"
                 "都要換成 vocab[oov_token]。"),
    ),
    Check(
        name="random_texts_without_oov",
        code=("out = [texts_to_sequences(list(texts), dict(vocab), num_words=n, oov_token=None)"
              " for n in (None, 3, 10)]"),
        inputs={"texts": random_texts(1907, 40), "vocab": random_vocab(1908, None)},
        compare="equal", weight=W, retests="num_words_keeps_smaller_indices",
        message="沒有 OOV 時，沒看過的字與 index >= num_words 的字都要丟掉。",
    ),
    Check(
        name="real_words",
        code=("out = [texts_to_sequences(list(texts), dict(vocab), num_words=n)"
              " for n in (None, 20)]"),
        inputs={"texts": REAL_WORDS, "vocab": COMMON_VOCAB},
        compare="equal", weight=W, retests="unknown_word_to_oov",
        message="真實簡訊的 id 序列不對：沒看過的字要換成 vocab[oov_token]。",
    ),
    Check(
        name="real_texts_and_vocab_not_modified",
        code="texts_to_sequences(texts, vocab, num_words=10)\nout = [texts, vocab]",
        inputs={"texts": REAL_MESSAGES[:10], "vocab": COMMON_VOCAB},
        expected=[REAL_MESSAGES[:10], COMMON_VOCAB],
        compare="equal", weight=W, retests="inputs_not_modified",
        message="texts_to_sequences 不可以修改傳進來的 texts 或 vocab。",
    ),
]

PAD_SEQUENCES = [
    Check(
        name="random_all_options",
        code=("import numpy as _np\n"
              "out = [_np.asarray(pad_sequences([list(s) for s in seqs], maxlen=m, padding=p,\n"
              "                                 truncating=t, value=v)).tolist()\n"
              "       for m in (None, 1, 4, 9, 20) for p in ('pre', 'post')\n"
              "       for t in ('pre', 'post') for v in (0, -1)]"),
        inputs={"seqs": random_sequences(1909, 25)},
        compare="allclose", weight=W, retests="padding_and_truncating_independent",
        message=("隨機序列在某種 maxlen / padding / truncating / value 的組合下不對："
                 "padding 決定補哪一邊，truncating 決定截哪一邊，兩者獨立。"),
    ),
    Check(
        name="long_batch",
        code=KEPT.format(args="seqs, maxlen=30", value=0),
        inputs={"seqs": [s for s in random_sequences(1910, 80, max_len=60) if len(s) > 30]},
        compare="allclose", weight=W, retests="truncating_pre_by_default",
        message="較長的序列（maxlen=30）截得不對：預設截掉開頭，保留最後 maxlen 個。",
    ),
    Check(
        name="random_dtype",
        code=("import numpy as _np\n"
              "out = [str(_np.asarray(pad_sequences([list(s) for s in seqs], maxlen=m,\n"
              "                                     value=v)).dtype)\n"
              "       for m in (None, 3) for v in (0, -1)]"),
        inputs={"seqs": random_sequences(1911, 5)},
        compare="equal", weight=W, retests="dtype_int32",
        message="隨機序列的結果 dtype 不是 int32：建立陣列時指定 dtype=np.int32。",
    ),
    Check(
        name="random_arrays_and_tuples",
        code=("import numpy as _np\n"
              "def seqs():  # fresh tuples and arrays for every call\n"
              "    return [_np.array(s, dtype=_np.int64) if i % 2 else tuple(s)\n"
              "            for i, s in enumerate(lists)]\n"
              "out = [[[v for v in row if v != 0] for row in\n"
              "        _np.asarray(pad_sequences(seqs(), maxlen=m, padding=p)).tolist()]\n"
              "       for m in (None, 20) for p in ('pre', 'post')]"),
        inputs={"lists": random_sequences(1912, 12)},
        compare="allclose", weight=W, retests="tuples_and_arrays_accepted",
        message="sequences 裡的序列是 tuple 或 numpy 陣列（有的是空的）時結果不對。",
    ),
    Check(
        name="arrays_not_modified",
        code=("import numpy as _np\n"
              "seqs = [_np.array([1, 2, 3, 4]), _np.array([5]), [6, 7, 8]]\n"
              "pad_sequences(seqs, maxlen=2, padding='post', value=-1)\n"
              "pad_sequences(seqs, maxlen=6)\n"
              "out = [_np.asarray(s).tolist() for s in seqs]"),
        expected=[[1, 2, 3, 4], [5], [6, 7, 8]],
        compare="equal", weight=W, retests="inputs_not_modified",
        message="pad_sequences 不可以修改傳進來的 sequences（包括 numpy 陣列）。",
    ),
]

CHECKS = {
    "test_tokenize": TOKENIZE,
    "test_build_vocab": BUILD_VOCAB,
    "test_texts_to_sequences": TEXTS_TO_SEQUENCES,
    "test_pad_sequences": PAD_SEQUENCES,
}
