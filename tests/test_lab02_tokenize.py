"""Lab02 (將句子轉換成 token): the reference tokenizer equals Keras, and the checks catch
the mistakes students make.

The Keras tests compare the reference solution (the answer cells of the source notebook)
with Keras' classic ``Tokenizer`` and ``keras.utils.pad_sequences`` on the whole SMS Spam
Collection and on hypothesis-generated strings and sequences; they are skipped when the
optional ``bench`` extra (Keras) is not installed. The mutation tests plant one typical
mistake at a time in the solution's own code and check that the right visible check fails.
"""

from __future__ import annotations

import os

import nbformat
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder import reference
from autograder.hidden import expected_outputs, hidden_checks
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks

A = "lab02_tokenize"
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


@pytest.fixture(scope="module")
def ref():
    return reference.reference_namespace(A)


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
@pytest.fixture(scope="module")
def answer_sources():
    """grade_id -> source of each answer cell of the solution, markers removed."""
    nb = nbformat.read(reference.source_notebook(A), as_version=4)
    return {c.metadata.nbgrader["grade_id"]: reference.strip_markers(c.source)
            for c in reference.answer_cells(nb)}


def mutant(ref, answer_sources, function: str, edits) -> dict:
    """The reference namespace with ``function`` redefined from its answer cell after the
    (old, new) text ``edits``: one typical mistake planted in the real solution."""
    source = answer_sources[function]
    for old, new in edits:
        assert old in source, f"{function}: {old!r} is no longer in the solution"
        source = source.replace(old, new)
    scope = dict(ref)
    exec(source, scope)  # noqa: S102 - the solution's own code with one edit
    return scope


# (function, the visible check that must fail first [+ others that must fail too], edits)
MISTAKES = [
    ("tokenize", "lowercase", [("text.lower()", "text")]),
    ("tokenize", "empty_strings_dropped", [(" if word]", "]")]),
    ("tokenize", "punctuation_becomes_space",  # deleted instead of replaced by ' '
     [('{ch: " " for ch in FILTERS}', '{ch: " " if ch in "\\t\\n" else "" for ch in FILTERS}')]),
    ("tokenize", "tab_and_newline_are_filters",
     [("for ch in FILTERS}", "for ch in FILTERS[:-2]}")]),
    ("tokenize", "other_characters_kept",
     [('[word for word in text.lower().translate(table).split(" ") if word]',
       '__import__("re").findall("[a-z0-9]+", text.lower())')]),
    ("tokenize", "split_on_space_only", [('.split(" ")', ".split()")]),
    ("build_vocab", "returns_dict_from_1", [("enumerate(words, start=1)", "enumerate(words)")]),
    ("build_vocab", "most_frequent_first",
     [("sorted(counts, key=counts.get, reverse=True)", "list(counts)")]),
    ("build_vocab", "total_count_not_documents",
     [("in tokenize(text):", "in dict.fromkeys(tokenize(text)):")]),
    ("build_vocab", "ties_in_first_appearance_order",
     [("sorted(counts, key=counts.get, reverse=True)",
       "sorted(counts, key=lambda w: (-counts[w], w))")]),
    ("build_vocab", "ties_in_first_appearance_order",
     [("sorted(counts, key=counts.get, reverse=True)", "sorted(counts, key=counts.get)[::-1]")]),
    ("build_vocab", "oov_token_at_1", [("[oov_token] + ranked", "ranked + [oov_token]")]),
    ("build_vocab", "uses_oov_token_argument", [("[oov_token] + ranked", '["<OOV>"] + ranked')]),
    ("build_vocab", "words_come_from_tokenize", [("in tokenize(text):", "in text.split():")]),
    ("build_vocab", "input_not_modified",
     [("    counts = {}", '    texts.append("")\n    counts = {}')]),
    ("texts_to_sequences", "uses_tokenize", [("in tokenize(text):", "in text.split():")]),
    ("texts_to_sequences", "unknown_word_to_oov",
     [("                ids.append(oov_index)", "                pass")]),
    ("texts_to_sequences", "unknown_word_to_oov+oov_index_from_vocab",
     [("ids.append(oov_index)", "ids.append(0)")]),
    ("texts_to_sequences", "oov_index_from_vocab", [("ids.append(oov_index)", "ids.append(1)")]),
    ("texts_to_sequences", "unknown_dropped_without_oov",
     [("elif oov_index is not None:", "else:")]),
    ("texts_to_sequences", "num_words_keeps_smaller_indices",
     [("index >= num_words", "index > num_words")]),
    ("texts_to_sequences", "num_words_without_oov_drops",
     [("elif oov_index is not None:", "elif oov_index is not None or num_words:")]),
    ("texts_to_sequences", "input_not_modified",
     [("    return sequences", "    vocab.clear()\n    return sequences")]),
    ("pad_sequences", "returns_ndarray", [("    return out", "    return out.tolist()")]),
    ("pad_sequences", "dtype_int32", [("dtype=np.int32", "dtype=float")]),
    ("pad_sequences", "dtype_int32", [("dtype=np.int32", "dtype=np.int64")]),
    ("pad_sequences", "padding_pre_by_default",
     [('padding: str = "pre"', 'padding: str = "post"')]),
    ("pad_sequences", "padding_post", [('if padding == "pre":', 'if padding != "mid":')]),
    ("pad_sequences", "truncating_pre_by_default",
     [('truncating: str = "pre"', 'truncating: str = "post"')]),
    ("pad_sequences", "truncating_post", [('if truncating == "pre":', "if True:")]),
    ("pad_sequences", "truncating_post+padding_and_truncating_independent",  # one option for both
     [('if truncating == "pre":', 'if padding == "pre":'),
      ('elif truncating == "post":', 'elif padding == "post":')]),
    ("pad_sequences", "shorter_than_maxlen_kept_whole",
     [("seq[max(len(seq) - maxlen, 0):]", "seq[len(seq) - maxlen:]")]),
    ("pad_sequences", "maxlen_none_uses_longest",
     [("max(len(seq) for seq in sequences)", "len(sequences[0])")]),
    ("pad_sequences", "value_argument", [("), value, dtype", "), 0, dtype")]),
    ("pad_sequences", "empty_sequence_is_all_padding",  # Keras-style slices without the skip
     [("        if len(seq) == 0:\n            continue\n", ""),
      ("out[row, maxlen - len(kept):] = kept", "out[row, -len(kept):] = kept")]),
    ("pad_sequences", "input_not_modified",
     [("    return out", "    for seq in sequences:\n        seq[:] = seq[-1:]\n    return out")]),
]


@pytest.mark.parametrize("function, target, edits", MISTAKES,
                         ids=[f"{f}-{t}-{i}" for i, (f, t, _) in enumerate(MISTAKES)])
def test_one_mistake_fails_the_check_that_names_it(ref, answer_sources, function, target,
                                                   edits):
    """Each planted mistake fails its own visible check first: the checks go from basic to
    subtle, so the first message a student reads names the mistake. ``first+other`` means
    ``first`` fails first and ``other`` fails too."""
    scope = mutant(ref, answer_sources, function, edits)
    results = run_checks(public_checks(A, f"test_{function}"), scope)
    failed = [r.name for r in results if not r.passed]
    first, *others = target.split("+")
    assert failed and failed[0] == first, f"expected {first} to fail first; failed: {failed}"
    assert set(others) <= set(failed), f"{others} should fail too; failed: {failed}"


# Keras quirks that the docstrings state and only the hidden checks test
QUIRKS = [
    ("tokenize", "unicode_lowercase", [("text.lower()", "text.casefold()")]),
    ("build_vocab", "oov_token_also_a_word",
     [("[oov_token] + ranked", "[oov_token] + [w for w in ranked if w != oov_token]")]),
    ("texts_to_sequences", "num_words_zero_means_no_limit",
     [("not (num_words and index", "not (num_words is not None and index")]),
]


@pytest.mark.parametrize("function, target, edits", QUIRKS, ids=[t for _, t, _ in QUIRKS])
def test_hidden_checks_catch_the_keras_quirks(ref, answer_sources, function, target, edits):
    scope = mutant(ref, answer_sources, function, edits)
    gid = f"test_{function}"
    assert all(r.passed for r in run_checks(public_checks(A, gid), scope))
    checks = hidden_checks(A, gid)
    failed = [r.name for r in run_checks(checks, scope, expected_outputs(A, checks))
              if not r.passed]
    assert target in failed
