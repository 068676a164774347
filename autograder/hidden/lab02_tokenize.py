"""Hidden checks of Lab02 (將句子轉換成 token): seeded random strings and sequences, and
real SMS messages. ``expected`` stays at its default, FROM_REFERENCE: the reference solution
(equal to Keras' classic Tokenizer and keras.utils.pad_sequences, see
tests/test_lab02_tokenize.py) gives the expected values."""

from __future__ import annotations

import numpy as np

from rnnlab.checking import Check

FILTERS_LITERAL = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
OTHER_WHITESPACE = ["\r", "\xa0", "\u3000", "\x0b", "\x0c", "\x85", "\u2028", "\x1c"]
UNICODE = list("İßΣσςÉéüÜ£’‘…–中文字😀ﬁǄ")
CHARACTERS = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'")
              + list(FILTERS_LITERAL) + [" "] * 20 + OTHER_WHITESPACE + UNICODE)
WORDS = ["free", "call", "now", "win", "txt", "u", "ok", "i'm", "£100", "2day", "oov", "unk",
         "lol", "x", "go", "home", "prize", "claim", "mobile", "stop"]


def random_strings(seed: int, n: int, max_len: int = 60) -> list[str]:
    """n strings of random characters: letters, digits, FILTERS, whitespace, unicode."""
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(CHARACTERS, size=rng.integers(0, max_len + 1)))
            for _ in range(n)]


def random_messages(seed: int, n: int, max_words: int = 12) -> list[str]:
    """n texts of words from a small pool (so counts tie often), in random case, joined
    by spaces, punctuation and other whitespace."""
    rng = np.random.default_rng(seed)
    separators = [" ", " ", " ", "  ", ", ", "! ", ".", "\n", "\t", "?", "\xa0", "-"]
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.integers(0, max_words + 1)):
            word = str(rng.choice(WORDS))
            word = word.upper() if rng.random() < 0.2 else word
            parts += [word, str(rng.choice(separators))]
        texts.append("".join(parts))
    return texts


def random_vocab(seed: int, oov_token: str | None = "<OOV>") -> dict[str, int]:
    """A vocabulary of the WORDS pool with shuffled indices 1..V (oov_token among them)."""
    rng = np.random.default_rng(seed)
    words = WORDS + ([oov_token] if oov_token is not None and oov_token not in WORDS else [])
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


# a fixed vocabulary of frequent training words and spam words, <OOV> at 1
COMMON_WORDS = ["i", "to", "you", "the", "a", "u", "and", "in", "is", "me", "my", "for", "it",
                "your", "of", "have", "that", "2", "call", "on", "are", "now", "so", "but",
                "not", "i'm", "at", "or", "can", "get", "do", "will", "be", "just", "if",
                "free", "txt", "text", "claim", "prize", "mobile", "stop", "ur", "4", "lt",
                "gt"]
COMMON_VOCAB = {"<OOV>": 1} | {w: i for i, w in enumerate(COMMON_WORDS, start=2)}

SORTED_VOCAB = "v = build_vocab({args}); out = dict(sorted(v.items(), key=lambda kv: kv[1]))"

TOKENIZE = [
    Check(
        name="random_strings",
        code="out = [tokenize(s) for s in texts]",
        inputs={"texts": random_strings(1902, 300)},
        message=("隨機字串（字母、數字、FILTERS、各種空白、unicode）的切法和 Keras 不同："
                 "檢查 lower()、FILTERS 換成空白、split(' ')、丟掉空字串。"),
        compare="equal",
    ),
    Check(
        name="real_messages",
        code="out = [tokenize(s) for s in texts]",
        inputs={"texts": REAL_MESSAGES},
        message="真實簡訊的切法和 Keras 不同。",
        compare="equal",
    ),
    Check(
        name="unicode_lowercase",
        code='out = tokenize("İSTANBUL Straße ΣΟΦΙΑ Ǆ ﬁne ÜBER")',
        message="unicode 的小寫要用 str.lower()（不是 casefold()，也不是只處理 A–Z）。",
        compare="equal",
    ),
    Check(
        name="other_whitespace_kept",
        code="out = tokenize(text)",
        inputs={"text": "a" + "b".join(OTHER_WHITESPACE) + "c d\te\nf"},
        message=("只有 ' '（以及被換成空白的 '\\t'、'\\n'）會切開 token；"
                 "其他空白類字元要留在 token 裡（Keras 的 split=' '）。"),
        compare="equal",
    ),
]

BUILD_VOCAB = [
    Check(
        name="random_messages",
        code="out = [dict(sorted(build_vocab(texts, oov_token=o).items(), key=lambda kv: kv[1]))"
             " for o in (None, '<OOV>', '[UNK]')]",
        inputs={"texts": random_messages(1903, 60)},
        message=("隨機句子的詞彙表和 Keras 不同：檢查依總次數排序、同次數依第一次出現的順序、"
                 "OOV 在 1。"),
        compare="equal",
    ),
    Check(
        name="real_messages",
        code=SORTED_VOCAB.format(args="texts"),
        inputs={"texts": REAL_MESSAGES},
        message="真實簡訊的詞彙表和 Keras 不同（也可能是 tokenize 的錯誤）。",
        compare="equal",
    ),
    Check(
        name="no_texts",
        code="out = [build_vocab([], oov_token=None), build_vocab([])]",
        message="沒有句子時，詞彙表是空的 {}（有 oov_token 時只有 {oov_token: 1}）。",
        compare="equal",
    ),
    Check(
        name="oov_token_also_a_word",
        code=SORTED_VOCAB.format(args='["oov a oov", "b", "a oov"], oov_token="oov"'),
        message=("oov_token 也是句子中的字時要和 Keras 一樣：它先拿 1，再依次數排進去時被後面的 "
                 "index 蓋掉（dict 留下後面的值），index 1 就空著不用。"),
        compare="equal",
    ),
    Check(
        name="real_texts_not_modified",
        code="build_vocab(texts)\nout = texts",
        inputs={"texts": REAL_MESSAGES[:10]},
        expected=REAL_MESSAGES[:10],
        message="build_vocab 不可以修改傳進來的 texts。",
        compare="equal",
    ),
]

TEXTS_TO_SEQUENCES = [
    Check(
        name="random_messages",
        code=("out = [texts_to_sequences(texts, vocab, num_words=n)"
              " for n in (None, 1, 2, 5, 12, 30)]"),
        inputs={"texts": random_messages(1904, 40), "vocab": random_vocab(1905)},
        message=("隨機句子的 id 序列和 Keras 不同：檢查 num_words（只保留 index < num_words）"
                 "與 OOV（查 vocab[oov_token]）。"),
        compare="equal",
    ),
    Check(
        name="random_messages_without_oov",
        code=("out = [texts_to_sequences(texts, vocab, num_words=n, oov_token=None)"
              " for n in (None, 3, 10)]"),
        inputs={"texts": random_messages(1906, 40), "vocab": random_vocab(1907, None)},
        message="沒有 OOV 時，沒看過的字與 index >= num_words 的字都要丟掉。",
        compare="equal",
    ),
    Check(
        name="oov_token_not_in_vocab",
        code='out = texts_to_sequences(["call mom now"], vocab, oov_token="<OOV>")',
        inputs={"vocab": {"call": 1, "now": 2}},
        message="oov_token 不在 vocab 裡時，沒看過的字要丟掉（不能補 None 或 1）。",
        compare="equal",
    ),
    Check(
        name="num_words_zero_means_no_limit",
        code='out = texts_to_sequences(["win call free now"], vocab, num_words=0)',
        inputs={"vocab": {"<OOV>": 1, "call": 2, "free": 3, "now": 4, "win": 5}},
        message="和 Keras 一樣，num_words=0 等於不限制（Keras 寫的是 if num_words and ...）。",
        compare="equal",
    ),
    Check(
        name="real_messages",
        code="out = [texts_to_sequences(texts, vocab, num_words=n) for n in (None, 20)]",
        inputs={"texts": REAL_MESSAGES, "vocab": COMMON_VOCAB},
        message="真實簡訊的 id 序列和 Keras 不同（也可能是 tokenize 的錯誤）。",
        compare="equal",
    ),
    Check(
        name="empty_inputs",
        code='out = [texts_to_sequences([], vocab), texts_to_sequences(["", "?!"], vocab)]',
        inputs={"vocab": COMMON_VOCAB},
        message="沒有句子時回傳 []；沒有 token 的句子變成空的 list []。",
        compare="equal",
    ),
    Check(
        name="real_texts_and_vocab_not_modified",
        code=("texts_to_sequences(texts, vocab, num_words=10)\n"
              "out = [texts, vocab]"),
        inputs={"texts": REAL_MESSAGES[:10], "vocab": COMMON_VOCAB},
        expected=[REAL_MESSAGES[:10], COMMON_VOCAB],
        message="texts_to_sequences 不可以修改傳進來的 texts 或 vocab。",
        compare="equal",
    ),
]

PAD_SEQUENCES = [
    Check(
        name="random_all_options",
        code=("out = [pad_sequences(seqs, maxlen=m, padding=p, truncating=t, value=v)\n"
              "       for m in (None, 1, 4, 9, 20) for p in ('pre', 'post')\n"
              "       for t in ('pre', 'post') for v in (0, -1)]"),
        inputs={"seqs": random_sequences(1908, 25)},
        message=("隨機序列在某種 maxlen / padding / truncating / value 的組合下和 Keras 不同"
                 "（結果應為 int32 陣列）。"),
        compare="equal",
    ),
    Check(
        name="array_and_tuple_sequences",
        code=("import numpy as np\n"
              "seqs = [np.array(a), tuple(b), np.array([], dtype=int)]\n"
              "out = [pad_sequences(seqs), pad_sequences(seqs, maxlen=3, padding='post')]"),
        inputs={"a": [4, 5, 6, 7], "b": [8, 9]},
        message="sequences 裡的序列也可能是 numpy 陣列或 tuple（包含空的）。",
        compare="equal",
    ),
    Check(
        name="no_sequences",
        code=("import numpy as np\n"
              "x = np.asarray(pad_sequences([], maxlen=4))\nout = [x.shape, str(x.dtype)]"),
        message="沒有序列但有 maxlen 時，應回傳 shape (0, maxlen) 的 int32 陣列。",
        compare="equal",
    ),
    Check(
        name="all_sequences_empty",
        code="out = pad_sequences([[], []])",
        message="所有序列都是空的且 maxlen=None 時，最長長度是 0：shape (2, 0)。",
        compare="equal",
    ),
    Check(
        name="long_batch",
        code="out = pad_sequences(seqs, maxlen=30)",
        inputs={"seqs": random_sequences(1909, 40, max_len=60)},
        message="較長的 batch（maxlen=30，有的需要截斷、有的需要補）和 Keras 不同。",
        compare="equal",
    ),
    Check(
        name="arrays_not_modified",
        code=("import numpy as np\n"
              "seqs = [np.array([1, 2, 3, 4]), np.array([5]), [6, 7, 8]]\n"
              "pad_sequences(seqs, maxlen=2, padding='post', value=-1)\n"
              "pad_sequences(seqs, maxlen=6)\n"
              "out = [np.asarray(s).tolist() for s in seqs]"),
        expected=[[1, 2, 3, 4], [5], [6, 7, 8]],
        message="pad_sequences 不可以修改傳進來的 sequences（包括 numpy 陣列）。",
        compare="equal",
    ),
]

CHECKS = {
    "test_tokenize": TOKENIZE,
    "test_build_vocab": BUILD_VOCAB,
    "test_texts_to_sequences": TEXTS_TO_SEQUENCES,
    "test_pad_sequences": PAD_SEQUENCES,
}
