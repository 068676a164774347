"""Lab02 (將句子轉換成 token): the reference tokenizer equals Keras, and the checks catch
the mistakes students make.

The Keras tests compare the reference solution (the answer cells of the source notebook)
with Keras' classic ``Tokenizer`` and ``keras.utils.pad_sequences`` on the whole SMS Spam
Collection and on hypothesis-generated strings and sequences; they are skipped when the
optional ``bench`` extra (Keras) is not installed. The mutation tests plant one typical
mistake at a time in the reference and check that the right visible check fails.
"""

from __future__ import annotations

import os
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.hidden import expected_outputs, hidden_checks
from autograder.reference import reference_namespace
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks

A = "lab02_tokenize"
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


@pytest.fixture(scope="module")
def ref():
    return reference_namespace(A)


@pytest.fixture(scope="module")
def texts():
    from rnnlab.data import load_sms_spam

    return load_sms_spam()["text"].tolist()


@pytest.fixture(scope="module")
def keras_api():
    """Keras' Tokenizer, text_to_word_sequence and pad_sequences (torch backend)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from keras.src.legacy.preprocessing.text import Tokenizer, text_to_word_sequence
    from keras.utils import pad_sequences

    return Tokenizer, text_to_word_sequence, pad_sequences


def keras_tokenizer(keras_api, fit_texts, oov_token, num_words=None):
    tokenizer = keras_api[0](num_words=num_words, oov_token=oov_token)
    tokenizer.fit_on_texts(fit_texts)
    return tokenizer


# ------------------------------------------------------------ the reference equals Keras
@pytest.mark.bench
def test_tokenize_equals_keras_on_the_dataset(ref, texts, keras_api):
    text_to_word_sequence = keras_api[1]
    assert ref["FILTERS"] == FILTERS
    different = [t for t in texts if ref["tokenize"](t) != text_to_word_sequence(t)]
    assert not different, different[:3]


@pytest.mark.bench
@pytest.mark.parametrize("oov_token", [None, "<OOV>", "[UNK]", "u", "call"])
def test_build_vocab_equals_keras_word_index(ref, texts, keras_api, oov_token):
    """Same words, same indices, same key order; 'u' and 'call' are real words of the
    dataset, so they exercise Keras' handling of an oov_token that is also a word."""
    for fit in (texts, texts[:4000]):
        word_index = keras_tokenizer(keras_api, fit, oov_token).word_index
        vocab = ref["build_vocab"](fit, oov_token=oov_token)
        assert vocab == word_index
        assert list(vocab) == list(word_index)
    if oov_token in ("u", "call"):  # the quirk is real: index 1 is left unused
        assert 1 not in vocab.values() and vocab[oov_token] > 1


@pytest.mark.bench
@pytest.mark.parametrize("oov_token", [None, "<OOV>", "u"])
def test_texts_to_sequences_equals_keras(ref, texts, keras_api, oov_token):
    fit, apply = texts[:4000], texts
    vocab = ref["build_vocab"](fit, oov_token=oov_token)
    for num_words in (None, 0, 1, 2, 3, 100, 1000, 2000, 10**6):
        tokenizer = keras_tokenizer(keras_api, fit, oov_token, num_words)
        ours = ref["texts_to_sequences"](apply, vocab, num_words=num_words, oov_token=oov_token)
        assert ours == tokenizer.texts_to_sequences(apply), (oov_token, num_words)


@pytest.mark.bench
@pytest.mark.parametrize("maxlen", [None, 1, 10, 51, 200])
def test_pad_sequences_equals_keras_on_the_dataset(ref, texts, keras_api, maxlen):
    sequences = keras_tokenizer(keras_api, texts, "<OOV>").texts_to_sequences(texts)
    for padding in ("pre", "post"):
        for truncating in ("pre", "post"):
            for value in (0, -1):
                ours = ref["pad_sequences"](sequences, maxlen=maxlen, padding=padding,
                                            truncating=truncating, value=value)
                theirs = keras_api[2](sequences, maxlen=maxlen, padding=padding,
                                      truncating=truncating, value=value)
                assert ours.dtype == theirs.dtype == np.int32
                np.testing.assert_array_equal(ours, theirs)


CHARS = list("aAbBzZ019'£ßİΣé中😀") + list(FILTERS) + [" ", " ", "\r", "\xa0", "\u3000", "\x85"]
text_strategy = st.text(alphabet=st.sampled_from(CHARS) | st.characters(), max_size=40)
message_strategy = st.text(alphabet=st.sampled_from(list("abAB u ,.!\t\n\xa0'")), max_size=25)
oov_strategy = st.sampled_from([None, "<OOV>", "a", "ab", "B", ""]) | st.text(max_size=3)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.bench
@SETTINGS
@given(text=text_strategy)
def test_tokenize_equals_keras_on_generated_strings(ref, keras_api, text):
    assert ref["tokenize"](text) == keras_api[1](text)


@pytest.mark.bench
@SETTINGS
@given(fit=st.lists(message_strategy, max_size=8), apply=st.lists(message_strategy, max_size=4),
       oov_token=oov_strategy, num_words=st.none() | st.integers(0, 8))
def test_vocab_and_sequences_equal_keras_on_generated_texts(ref, keras_api, fit, apply,
                                                            oov_token, num_words):
    tokenizer = keras_tokenizer(keras_api, fit, oov_token, num_words)
    vocab = ref["build_vocab"](fit, oov_token=oov_token)
    assert vocab == tokenizer.word_index and list(vocab) == list(tokenizer.word_index)
    ours = ref["texts_to_sequences"](apply, vocab, num_words=num_words, oov_token=oov_token)
    assert ours == tokenizer.texts_to_sequences(apply)


@pytest.mark.bench
@SETTINGS
@given(sequences=st.lists(st.lists(st.integers(1, 2**31 - 1), max_size=8), min_size=1,
                          max_size=6),
       maxlen=st.none() | st.integers(1, 10), padding=st.sampled_from(["pre", "post"]),
       truncating=st.sampled_from(["pre", "post"]), value=st.integers(-3, 3))
def test_pad_sequences_equals_keras_on_generated_sequences(ref, keras_api, sequences, maxlen,
                                                           padding, truncating, value):
    before = [list(s) for s in sequences]
    ours = ref["pad_sequences"](sequences, maxlen=maxlen, padding=padding,
                                truncating=truncating, value=value)
    theirs = keras_api[2](sequences, maxlen=maxlen, padding=padding, truncating=truncating,
                          value=value)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)
    assert sequences == before


@pytest.mark.bench
def test_pad_sequences_edge_cases_documented_in_the_notebook(ref, keras_api):
    """No sequences: shape (0, maxlen), and ValueError without maxlen, as Keras. maxlen=0:
    Keras fails with truncating='pre' (its s[-0:] keeps the whole sequence); the reference
    returns the (N, 0) array Keras gives with truncating='post'. Not graded."""
    keras_pad, ours = keras_api[2], ref["pad_sequences"]
    assert ours([], maxlen=3).shape == keras_pad([], maxlen=3).shape == (0, 3)
    with pytest.raises(ValueError):
        keras_pad([])
    with pytest.raises(ValueError):
        ours([])
    np.testing.assert_array_equal(ours([[], []]), keras_pad([[], []]))
    with pytest.raises(ValueError):
        keras_pad([[1, 2], []], maxlen=0)
    expected = keras_pad([[1, 2], []], maxlen=0, truncating="post")
    for truncating in ("pre", "post"):
        got = ours([[1, 2], []], maxlen=0, truncating=truncating)
        assert got.shape == expected.shape == (2, 0) and got.dtype == np.int32
    # a float padding value is cut to int32, as Keras' np.full does
    np.testing.assert_array_equal(ours([[1]], maxlen=3, value=2.7),
                                  keras_pad([[1]], maxlen=3, value=2.7))


@pytest.mark.bench
def test_hidden_check_expectations_equal_keras(keras_api):
    """The hidden checks' expected values (from the reference) are Keras' answers too."""
    from autograder.hidden import lab02_tokenize as hidden

    tok = [c for c in hidden.TOKENIZE if c.name in ("random_strings", "real_messages")]
    for check, expected in zip(tok, expected_outputs(A, tok)):
        assert expected == [keras_api[1](t) for t in check.inputs["texts"]]
    real = hidden.REAL_MESSAGES
    vocab_check = next(c for c in hidden.BUILD_VOCAB if c.name == "real_messages")
    (expected,) = expected_outputs(A, [vocab_check])
    assert expected == keras_tokenizer(keras_api, real, "<OOV>").word_index


# ------------------------------------------------------------ checks catch the mistakes
def _with(ref, source: str) -> dict:
    """The reference namespace with one function replaced by ``source``."""
    scope = dict(ref)
    exec(textwrap.dedent(source), scope)  # noqa: S102 - test-local mutant code
    return scope


TOKENIZE_MUTANTS = {
    "lowercase": """
        def tokenize(text):
            table = str.maketrans({c: " " for c in FILTERS})
            return [w for w in text.translate(table).split(" ") if w]
    """,
    "punctuation_becomes_space": """
        def tokenize(text):
            table = str.maketrans({c: "" for c in FILTERS if c not in "\\t\\n"})
            return [w for w in text.lower().translate(table).replace("\\t", " ")
                    .replace("\\n", " ").split(" ") if w]
    """,
    "tab_and_newline_are_filters": """
        def tokenize(text):
            table = str.maketrans({c: " " for c in FILTERS[:-2]})
            return [w for w in text.lower().translate(table).split(" ") if w]
    """,
    "empty_strings_dropped": """
        def tokenize(text):
            table = str.maketrans({c: " " for c in FILTERS})
            return text.lower().translate(table).split(" ")
    """,
    "other_characters_kept": """
        import re
        def tokenize(text):
            return re.findall(r"[a-z0-9]+", text.lower())
    """,
    "split_on_space_only": """
        def tokenize(text):
            table = str.maketrans({c: " " for c in FILTERS})
            return text.lower().translate(table).split()
    """,
}

BUILD_VOCAB_MUTANTS = {
    "returns_dict_from_1": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in tokenize(t):
                    counts[w] = counts.get(w, 0) + 1
            words = ([] if oov_token is None else [oov_token]) + sorted(
                counts, key=counts.get, reverse=True)
            return {w: i for i, w in enumerate(words)}
    """,
    "most_frequent_first": """
        def build_vocab(texts, oov_token="<OOV>"):
            words = {} if oov_token is None else {oov_token: None}
            for t in texts:
                words.update(dict.fromkeys(tokenize(t)))  # first-appearance order, no counts
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "ties_in_first_appearance_order": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in tokenize(t):
                    counts[w] = counts.get(w, 0) + 1
            ranked = sorted(counts, key=lambda w: (-counts[w], w))  # alphabetical ties
            words = ([] if oov_token is None else [oov_token]) + ranked
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "total_count_not_documents": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in dict.fromkeys(tokenize(t)):  # counts documents, not occurrences
                    counts[w] = counts.get(w, 0) + 1
            ranked = sorted(counts, key=counts.get, reverse=True)
            words = ([] if oov_token is None else [oov_token]) + ranked
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "oov_token_at_1": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in tokenize(t):
                    counts[w] = counts.get(w, 0) + 1
            words = sorted(counts, key=counts.get, reverse=True)
            words += [] if oov_token is None else [oov_token]
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "uses_oov_token_argument": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in tokenize(t):
                    counts[w] = counts.get(w, 0) + 1
            words = ([] if oov_token is None else ["<OOV>"]) + sorted(
                counts, key=counts.get, reverse=True)
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "words_come_from_tokenize": """
        def build_vocab(texts, oov_token="<OOV>"):
            counts = {}
            for t in texts:
                for w in t.split():
                    counts[w] = counts.get(w, 0) + 1
            words = ([] if oov_token is None else [oov_token]) + sorted(
                counts, key=counts.get, reverse=True)
            return {w: i for i, w in enumerate(words, start=1)}
    """,
    "input_not_modified": """
        def build_vocab(texts, oov_token="<OOV>", _ref=build_vocab):
            vocab = _ref(texts, oov_token)
            texts.clear()
            return vocab
    """,
}

TEXTS_TO_SEQUENCES_MUTANTS = {
    "num_words_keeps_smaller_indices": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            oov = vocab.get(oov_token)
            out = []
            for t in texts:
                ids = []
                for w in tokenize(t):
                    i = vocab.get(w)
                    if i is not None and (not num_words or i <= num_words):
                        ids.append(i)
                    elif oov is not None:
                        ids.append(oov)
                out.append(ids)
            return out
    """,
    "unknown_word_to_oov": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            return [[vocab.get(w, 0) for w in tokenize(t)
                     if not num_words or vocab.get(w, 0) < num_words] for t in texts]
    """,
    "oov_index_from_vocab": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            out = []
            for t in texts:
                ids = []
                for w in tokenize(t):
                    i = vocab.get(w)
                    if i is not None and not (num_words and i >= num_words):
                        ids.append(i)
                    elif oov_token in vocab:
                        ids.append(1)
                out.append(ids)
            return out
    """,
    "unknown_dropped_without_oov": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            out = []
            for t in texts:
                ids = []
                for w in tokenize(t):
                    i = vocab.get(w)
                    if i is not None and not (num_words and i >= num_words):
                        ids.append(i)
                    else:
                        ids.append(vocab.get(oov_token, 1))
                out.append(ids)
            return out
    """,
    "uses_tokenize": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            oov = vocab.get(oov_token)
            out = []
            for t in texts:
                ids = []
                for w in t.split():
                    i = vocab.get(w)
                    if i is not None and not (num_words and i >= num_words):
                        ids.append(i)
                    elif oov is not None:
                        ids.append(oov)
                out.append(ids)
            return out
    """,
    "input_not_modified": """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>",
                               _ref=texts_to_sequences):
            sequences = _ref(texts, vocab, num_words, oov_token)
            for w in tokenize(" ".join(texts)):
                vocab.setdefault(w, vocab.get(oov_token, 0))  # "learns" the new words
            return sequences
    """,
}

PAD_SEQUENCES_MUTANTS = {
    "returns_ndarray": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, truncating, value).tolist()
    """,
    "dtype_int32": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, truncating, value).astype(float)
    """,
    "padding_pre_by_default": """
        def pad_sequences(sequences, maxlen=None, padding="post", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, truncating, value)
    """,
    "padding_post": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, "pre", truncating, value)
    """,
    "truncating_pre_by_default": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="post", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, truncating, value)
    """,
    # truncating follows padding: the first message is about truncating='post'
    "truncating_post+padding_and_truncating_independent": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, padding, value)
    """,
    "shorter_than_maxlen_kept_whole": """
        import numpy as np
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
            if maxlen is None:
                maxlen = max(len(s) for s in sequences)
            out = np.full((len(sequences), maxlen), value, dtype=np.int32)
            for r, s in enumerate(sequences):
                if len(s):
                    kept = s[len(s) - maxlen:] if truncating == "pre" else s[:maxlen]
                    if padding == "pre":
                        out[r, maxlen - len(kept):] = kept
                    else:
                        out[r, :len(kept)] = kept
            return out
    """,
    "empty_sequence_is_all_padding": """
        import numpy as np
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
            if maxlen is None:
                maxlen = max(len(s) for s in sequences)
            out = np.full((len(sequences), maxlen), value, dtype=np.int32)
            for r, s in enumerate(sequences):
                kept = s[-maxlen:] if truncating == "pre" else s[:maxlen]
                if padding == "pre":
                    out[r, -len(kept):] = kept
                else:
                    out[r, :len(kept)] = kept
            return out
    """,
    "value_argument": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            return _ref(sequences, maxlen, padding, truncating, 0)
    """,
    "maxlen_none_uses_longest": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            if maxlen is None:
                maxlen = len(sequences[0])
            return _ref(sequences, maxlen, padding, truncating, value)
    """,
    "input_not_modified": """
        def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0,
                          _ref=pad_sequences):
            out = _ref(sequences, maxlen, padding, truncating, value)
            if maxlen is not None:
                for s in sequences:  # truncates the caller's lists in place
                    s[:] = s[:maxlen] if truncating == "post" else s[-maxlen:]
            return out
    """,
}

MUTANTS = [("test_tokenize", name, src) for name, src in TOKENIZE_MUTANTS.items()]
MUTANTS += [("test_build_vocab", name, src) for name, src in BUILD_VOCAB_MUTANTS.items()]
MUTANTS += [("test_texts_to_sequences", name, src)
            for name, src in TEXTS_TO_SEQUENCES_MUTANTS.items()]
MUTANTS += [("test_pad_sequences", name, src) for name, src in PAD_SEQUENCES_MUTANTS.items()]


@pytest.mark.parametrize("grade_id, target, source", MUTANTS,
                         ids=[f"{g[5:]}-{t}" for g, t, _ in MUTANTS])
def test_one_mistake_fails_the_check_that_names_it(ref, grade_id, target, source):
    """Each planted mistake fails its own visible check first: the checks go from basic to
    subtle, so the first message a student reads names the mistake. ``first+other`` means
    ``first`` fails first and ``other`` fails too."""
    results = run_checks(public_checks(A, grade_id), _with(ref, source))
    failed = [r.name for r in results if not r.passed]
    first, *others = target.split("+")
    assert failed and failed[0] == first, f"expected {first} to fail first; failed: {failed}"
    assert set(others) <= set(failed), f"{others} should fail too; failed: {failed}"


HIDDEN_ONLY_MUTANTS = [
    ("test_tokenize", "unicode_lowercase", """
        def tokenize(text):
            table = str.maketrans({c: " " for c in FILTERS})
            return [w for w in text.casefold().translate(table).split(" ") if w]
    """),
    ("test_build_vocab", "oov_token_also_a_word", """
        def build_vocab(texts, oov_token="<OOV>", _ref=build_vocab):
            vocab = {} if oov_token is None else {oov_token: 1}
            for w in _ref(texts, None):
                if w not in vocab:
                    vocab[w] = len(vocab) + 1
            return vocab
    """),
    ("test_texts_to_sequences", "num_words_zero_means_no_limit", """
        def texts_to_sequences(texts, vocab, num_words=None, oov_token="<OOV>"):
            oov = vocab.get(oov_token)
            out = []
            for t in texts:
                ids = []
                for w in tokenize(t):
                    i = vocab.get(w)
                    if i is not None and (num_words is None or i < num_words):
                        ids.append(i)
                    elif oov is not None:
                        ids.append(oov)
                out.append(ids)
            return out
    """),
]


@pytest.mark.parametrize("grade_id, target, source", HIDDEN_ONLY_MUTANTS,
                         ids=[t for _, t, _ in HIDDEN_ONLY_MUTANTS])
def test_hidden_checks_catch_the_keras_quirks(ref, grade_id, target, source):
    """Mistakes the visible checks let through (Keras quirks told in the docstrings) cost
    the hidden tests."""
    scope = _with(ref, source)
    assert all(r.passed for r in run_checks(public_checks(A, grade_id), scope))
    checks = hidden_checks(A, grade_id)
    failed = [r.name for r in run_checks(checks, scope, expected_outputs(A, checks))
              if not r.passed]
    assert target in failed


def test_rnnlab_ships_no_solution():
    """The student-side modules of this lab define none of the graded functions."""
    import rnnlab.checks.lab02_tokenize as public
    import rnnlab.text_figures as figures

    graded = {"tokenize", "build_vocab", "texts_to_sequences", "pad_sequences"}
    for module in (public, figures):
        assert not graded & set(vars(module)), module.__name__
