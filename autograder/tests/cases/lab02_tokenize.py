"""Lab02 (將句子轉換成 token): correct-but-different answers and one-mistake submissions.

Each source is a whole answer cell as a student would write it; a mistake is the student's
own correct cell (``*_CELL``) with one edit, or real tokenizer code from public repositories
(Chollet's Vectorizer, d2l's tokenize). A wrong tokenize costs tokenize's points and the one
integration check of build_vocab and of texts_to_sequences, nothing else.
"""

from autograder.tests.cases import Mistake

FILTERS_LINE = "FILTERS = '!\"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n'\n"


def _edit(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, old
    return source.replace(old, new)


# ---------------------------------------------------------------- tokenize
TOKENIZE_CELL = FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    if lower:
        text = text.lower()
    table = str.maketrans({ch: " " for ch in filters})
    return [word for word in text.translate(table).split(" ") if word]
'''

TOKENIZE_REPLACE_LOOP = FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    if lower:
        text = text.lower()
    for ch in filters:
        text = text.replace(ch, " ")
    return [word for word in text.split(" ") if word != ""]
'''

TOKENIZE_CHARACTER_LOOP = FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    words, current = [], ""
    for ch in text.lower() if lower else text:
        if ch == " " or ch in filters:  # a separator ends the current word
            if current:
                words.append(current)
            current = ""
        else:
            current += ch
    if current:
        words.append(current)
    return words
'''

TOKENIZE_RE_SPLIT = "import re\n\n" + FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    text = text.lower() if lower else text
    return [w for w in re.split("[" + re.escape(filters) + " ]", text) if w]
'''

TOKENIZE_CHOLLET = "import string\n\n" + FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    # Chollet's Vectorizer (Deep Learning with Python, 2nd ed., listing 11.1)
    text = text.lower()
    text = "".join(char for char in text if char not in string.punctuation)
    return text.split()
'''

TOKENIZE_D2L = "import re\n\n" + FILTERS_LINE + '''

def tokenize(text, filters=FILTERS, lower=True):
    # d2l.ai's preprocessing and tokenize('word')
    return re.sub("[^A-Za-z]+", " ", text).strip().lower().split()
'''

# ---------------------------------------------------------------- build_vocab
VOCAB_CELL = '''def build_vocab(texts, oov_token="<OOV>"):
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=counts.get, reverse=True)
    words = ranked if oov_token is None else [oov_token] + ranked
    return {word: index for index, word in enumerate(words, start=1)}
'''

VOCAB_COUNTER = '''from collections import Counter


def build_vocab(texts, oov_token="<OOV>"):
    counts = Counter()
    for text in texts:
        counts.update(tokenize(text))
    words = [word for word, _ in counts.most_common()]  # ties: first seen first
    if oov_token is not None:
        words = [oov_token] + words
    return {word: i for i, word in enumerate(words, start=1)}
'''

VOCAB_FIRST_INDEX = '''def build_vocab(texts, oov_token="<OOV>"):
    counts, first = {}, {}
    position = 0
    for text in texts:
        for word in tokenize(text):
            if word not in first:
                first[word], counts[word] = position, 0
            counts[word] += 1
            position += 1
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w]))
    vocab = {} if oov_token is None else {oov_token: 1}
    for word in ranked:
        vocab[word] = len(vocab) + 1
    return vocab
'''

# ---------------------------------------------------------------- texts_to_sequences
SEQUENCES_CELL = '''def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
    oov_index = vocab.get(oov_token)
    sequences = []
    for text in texts:
        ids = []
        for word in tokenize(text):
            index = vocab.get(word)
            if index is not None and (num_words is None or index < num_words):
                ids.append(index)
            elif oov_index is not None:
                ids.append(oov_index)
        sequences.append(ids)
    return sequences
'''

SEQUENCES_LOOKUP = '''def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
    limit = num_words if num_words is not None else float("inf")
    oov = vocab[oov_token] if oov_token in vocab else None

    def lookup(word):
        index = vocab.get(word, oov)
        return oov if index is not None and index >= limit else index

    return [[i for i in map(lookup, tokenize(text)) if i is not None] for text in texts]
'''

# ---------------------------------------------------------------- pad_sequences
PAD_CELL = '''import numpy as np


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max(len(seq) for seq in sequences)
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for row, seq in enumerate(sequences):
        if len(seq) == 0:
            continue
        if truncating == "pre":
            kept = seq[-maxlen:]
        else:
            kept = seq[:maxlen]
        if padding == "pre":
            out[row, maxlen - len(kept):] = kept
        else:
            out[row, :len(kept)] = kept
    return out
'''

PAD_LISTS = '''import numpy as np


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    seqs = [list(s) for s in sequences]
    if maxlen is None:
        maxlen = max(len(s) for s in seqs)
    rows = []
    for s in seqs:
        s = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        pad = [value] * (maxlen - len(s))
        rows.append(pad + s if padding == "pre" else s + pad)
    return np.array(rows, dtype=np.int32).reshape(len(seqs), maxlen)
'''

PAD_ARRAYS = '''import numpy as np


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    lengths = [len(s) for s in sequences]
    T = max(lengths) if maxlen is None else maxlen
    x = np.full((len(sequences), T), value, dtype="int32")
    for i, s in enumerate(sequences):
        s = np.asarray(s, dtype=np.int64)
        if s.size == 0:
            continue
        s = s[max(s.size - T, 0):] if truncating == "pre" else s[:T]
        start = T - s.size if padding == "pre" else 0
        x[i, start:start + s.size] = s
    return x
'''

ALTERNATIVES = {
    "tokenize": [TOKENIZE_CELL, TOKENIZE_REPLACE_LOOP, TOKENIZE_CHARACTER_LOOP,
                 TOKENIZE_RE_SPLIT],
    "build_vocab": [VOCAB_CELL, VOCAB_COUNTER, VOCAB_FIRST_INDEX],
    "texts_to_sequences": [SEQUENCES_CELL, SEQUENCES_LOOKUP],
    "pad_sequences": [PAD_CELL, PAD_LISTS, PAD_ARRAYS],
}

MISTAKES = [
    Mistake(
        name="tokenize_not_lower", cell="tokenize",
        source=_edit(TOKENIZE_CELL, "    if lower:\n        text = text.lower()\n", ""),
        points={"test_tokenize": 0.96, "test_build_vocab": 2.7,
                "test_texts_to_sequences": 2.7},
        first_message="沒有轉成小寫",
        about="tokenize never lowercases (lower ignored)",
    ),
    Mistake(
        name="tokenize_punct_deleted", cell="tokenize",
        source=_edit(TOKENIZE_CELL, '{ch: " " for ch in filters}', '{ch: "" for ch in filters}'),
        points={"test_tokenize": 1.04, "test_build_vocab": 2.7,
                "test_texts_to_sequences": 2.7},
        first_message="標點沒有處理好",
        about="filter characters deleted instead of replaced by a space",
    ),
    Mistake(
        name="tokenize_split_any_whitespace", cell="tokenize",
        source=_edit(TOKENIZE_CELL, '.split(" ") if word]', ".split() if word]"),
        points={"test_tokenize": 1.36},
        first_message="只能用空白字元 ' ' 切開",
        about="split() instead of split(' ')",
    ),
    Mistake(
        name="tokenize_chollet", cell="tokenize", source=TOKENIZE_CHOLLET,
        points={"test_tokenize": 0.72, "test_build_vocab": 2.7},
        first_message="標點沒有處理好",
        about="Chollet's Vectorizer: string.punctuation deleted, split(), filters/lower ignored",
    ),
    Mistake(
        name="tokenize_d2l", cell="tokenize", source=TOKENIZE_D2L,
        points={"test_tokenize": 0.64},
        first_message="filters 以外的字元要保留",
        about="d2l's tokenize: letters only, split(), filters/lower ignored",
    ),
    Mistake(
        name="vocab_from_0", cell="build_vocab",
        source=_edit(VOCAB_CELL, "enumerate(words, start=1)", "enumerate(words)"),
        points={"test_build_vocab": 2.25},
        first_message="index 從 1 開始",
        about="indices start at 0",
    ),
    Mistake(
        name="vocab_ties_alphabetical", cell="build_vocab",
        source=_edit(VOCAB_CELL, "sorted(counts, key=counts.get, reverse=True)",
                     "sorted(counts, key=lambda w: (-counts[w], w))"),
        points={"test_build_vocab": 2.1},
        first_message="次數相同時順序錯了",
        about="ties in alphabetical order instead of first appearance",
    ),
    Mistake(
        name="seq_oov_dropped", cell="texts_to_sequences",
        source=_edit(SEQUENCES_CELL, "            elif oov_index is not None:\n"
                                     "                ids.append(oov_index)\n", ""),
        points={"test_texts_to_sequences": 1.8},
        first_message="沒看過的字（mom）要換成 OOV",
        about="unknown and rare words dropped instead of mapped to the OOV index",
    ),
    Mistake(
        name="pad_sides_swapped", cell="pad_sequences",
        source=_edit(PAD_CELL, 'if padding == "pre":', 'if padding == "post":'),
        points={"test_pad_sequences": 1.53},
        first_message="padding 補錯邊",
        about="padding 'pre' and 'post' swapped",
    ),
    Mistake(
        name="pad_truncating_swapped", cell="pad_sequences",
        source=_edit(PAD_CELL, 'if truncating == "pre":', 'if truncating == "post":'),
        points={"test_pad_sequences": 1.47},
        first_message="truncating 截錯邊",
        about="truncating 'pre' and 'post' swapped",
    ),
    Mistake(
        name="pad_float_dtype", cell="pad_sequences",
        source=_edit(PAD_CELL, "dtype=np.int32", "dtype=float"),
        points={"test_pad_sequences": 1.87},
        first_message="dtype 要是 int32",
        about="a float64 matrix",
    ),
]
