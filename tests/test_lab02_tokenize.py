"""Lab02 (將句子轉換成 token): the reference tokenizer equals Keras, and the checks catch
the mistakes students make.

The Keras tests compare the reference solution (the answer cells of the source notebook)
with Keras' classic ``Tokenizer`` and ``keras.utils.pad_sequences`` on the whole SMS Spam
Collection and on hypothesis-generated strings and sequences (tokenize also with other
``filters`` and ``lower=False``, as Lab03 calls it); they are skipped when the optional
``bench`` extra (Keras) is not installed. The mutation tests plant one typical mistake at a
time in the solution's own code and check that the right visible check fails, that a wrong
tokenize costs build_vocab and texts_to_sequences only their integration check, and that
the Keras quirks the notebook shows in its optional part are not graded.
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
@given(text=text_strategy, filters=st.sampled_from(["", ".,-!?", FILTERS.replace("!", "")])
       | st.text(alphabet=st.sampled_from(CHARS), max_size=6), lower=st.booleans())
def test_tokenize_with_filters_and_lower_equals_keras(ref, keras_api, text, filters, lower):
    assert ref["tokenize"](text, filters=filters, lower=lower) == keras_api[1](
        text, filters=filters, lower=lower)


@pytest.mark.bench
def test_tokenize_with_lab03_filters_equals_keras_on_the_dataset(ref, texts, keras_api):
    keep_signals = "".join(ch for ch in FILTERS if ch not in "$!?")
    different = [t for t in texts
                 if ref["tokenize"](t, filters=keep_signals) != keras_api[1](t, keep_signals)]
    assert not different, different[:3]


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
    Keras and the reference fail with truncating='pre' (s[-0:] keeps the whole sequence) and
    give an (N, 0) array with truncating='post'. Not graded."""
    keras_pad, ours = keras_api[2], ref["pad_sequences"]
    assert ours([], maxlen=3).shape == keras_pad([], maxlen=3).shape == (0, 3)
    with pytest.raises(ValueError):
        keras_pad([])
    with pytest.raises(ValueError):
        ours([])
    np.testing.assert_array_equal(ours([[], []]), keras_pad([[], []]))
    for pad in (keras_pad, ours):
        with pytest.raises(ValueError):
            pad([[1, 2], []], maxlen=0)
    expected = keras_pad([[1, 2], []], maxlen=0, truncating="post")
    got = ours([[1, 2], []], maxlen=0, truncating="post")
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
    word_index = keras_tokenizer(keras_api, hidden.REAL_WORDS, "<OOV>").word_index
    vocab_checks = [c for c in hidden.BUILD_VOCAB
                    if c.name in ("real_words_ranking", "real_words_indices")]
    ranking, indices = expected_outputs(A, vocab_checks)
    assert ranking == list(keras_tokenizer(keras_api, hidden.REAL_WORDS, None).word_index)
    assert indices == [word_index["<OOV>"], sorted(word_index.values())]
    options = next(c for c in hidden.TOKENIZE if c.name == "random_strings_other_filters")
    (expected,) = expected_outputs(A, [options])
    assert expected == [[keras_api[1](t, filters=f, lower=low) for t in options.inputs["texts"]]
                        for f in options.inputs["filters"] for low in (True, False)]


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
    ("tokenize", "lowercase", [("text.lower() if lower else text", "text")]),
    ("tokenize", "lower_not_casefold", [("text.lower()", "text.casefold()")]),
    ("tokenize", "lower_false_keeps_case", [("text.lower() if lower else text", "text.lower()")]),
    ("tokenize", "punctuation_becomes_space+every_default_filter",  # deleted, not replaced
     [('{ch: " " for ch in filters}', '{ch: "" for ch in filters}')]),
    ("tokenize", "every_default_filter",
     [("for ch in filters}", "for ch in filters if ch not in '\\t\\n'}")]),
    ("tokenize", "empty_strings_dropped", [(" if word]", "]")]),
    ("tokenize", "other_characters_kept+empty_filters_keep_punctuation",  # string.punctuation
     [("for ch in filters}", "for ch in __import__('string').punctuation + '\\t\\n'}")]),
    ("tokenize", "split_on_space_only", [('.split(" ")', ".split()")]),
    ("tokenize", "empty_filters_keep_punctuation+custom_filters",
     [("for ch in filters}", "for ch in FILTERS}")]),
    ("build_vocab", "returns_dict_from_1+oov_token_at_1",
     [("enumerate(head + words, start=1)", "enumerate(head + words)")]),
    ("build_vocab", "most_frequent_first", [("counts.most_common()", "counts.items()")]),
    ("build_vocab", "total_count_not_documents",
     [("in tokenize(text))", "in dict.fromkeys(tokenize(text)))")]),
    ("build_vocab", "ties_in_first_appearance_order",
     [("counts.most_common()", "sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))")]),
    ("build_vocab", "ties_in_first_appearance_order",
     [("counts.most_common()", "sorted(counts.items(), key=lambda kv: kv[1])[::-1]")]),
    ("build_vocab", "oov_token_at_1", [("head + words", "words + head")]),
    ("build_vocab", "uses_oov_token_argument", [("else [oov_token]", 'else ["<OOV>"]')]),
    ("build_vocab", "inputs_not_modified",
     [("    counts = Counter(", '    texts.append("")\n    counts = Counter(')]),
    ("build_vocab", "words_come_from_tokenize", [("in tokenize(text))", "in text.split())")]),
    ("texts_to_sequences", "unknown_word_to_oov+oov_index_from_vocab+rare_words_become_oov",
     [("else oov_index", "else None")]),
    ("texts_to_sequences", "unknown_word_to_oov+oov_index_from_vocab",
     [("else oov_index", "else 0")]),
    ("texts_to_sequences", "oov_index_from_vocab", [("else oov_index", "else 1")]),
    ("texts_to_sequences", "unknown_dropped_without_oov",  # None kept in the sequences
     [("[[i for i in seq if i is not None] for seq in ids]", "ids")]),
    ("texts_to_sequences", "unknown_dropped_without_oov",  # '<OOV>' missing from vocab
     [("oov_index = vocab.get(oov_token)", "oov_index = vocab.get(oov_token, 1)")]),
    ("texts_to_sequences", "num_words_keeps_smaller_indices",  # index <= num_words kept
     [('num_words or float("inf")', 'num_words + 1 if num_words else float("inf")')]),
    ("texts_to_sequences", "rare_words_become_oov",  # rare words dropped, unknown ones -> OOV
     [("vocab[w] if vocab.get(w, limit) < limit else oov_index",
       "(vocab[w] if vocab[w] < limit else None) if w in vocab else oov_index")]),
    ("texts_to_sequences", "inputs_not_modified",
     [("    return [[i", "    vocab.clear()\n    return [[i")]),
    ("texts_to_sequences", "uses_tokenize", [("in tokenize(text)]", "in text.split()]")]),
    ("pad_sequences", "returns_ndarray", [("    return out", "    return out.tolist()")]),
    ("pad_sequences", "dtype_int32", [("dtype=np.int32", "dtype=float")]),
    ("pad_sequences", "dtype_int32", [("dtype=np.int32", "dtype=np.int64")]),
    ("pad_sequences", "padding_pre_by_default",
     [('padding: str = "pre"', 'padding: str = "post"')]),
    ("pad_sequences", "padding_post", [('if padding == "pre"', 'if padding != "mid"')]),
    ("pad_sequences", "truncating_pre_by_default",
     [('truncating: str = "pre"', 'truncating: str = "post"')]),
    ("pad_sequences", "truncating_post", [('if truncating == "pre"', "if True")]),
    ("pad_sequences", "truncating_post+padding_and_truncating_independent",  # one option for both
     [('if truncating == "pre"', 'if padding == "pre"')]),
    ("pad_sequences", "shorter_than_maxlen_kept_whole",
     [("list(seq)[-maxlen:]", "list(seq)[len(seq) - maxlen:]")]),
    ("pad_sequences", "maxlen_none_uses_longest",
     [("max(len(seq) for seq in sequences)", "len(sequences[0])")]),
    ("pad_sequences", "value_argument", [("), value, dtype", "), 0, dtype")]),
    ("pad_sequences", "empty_sequence_is_all_padding",  # Keras-style slices without its skip
     [("        start = maxlen - len(kept) if padding == \"pre\" else 0  # where the ids begin\n"
       "        out[row, start:start + len(kept)] = kept",
       "        if padding == \"pre\":\n            out[row, -len(kept):] = kept\n"
       "        else:\n            out[row, :len(kept)] = kept")]),
    ("pad_sequences", "tuples_and_arrays_accepted",  # list arithmetic on the sequence itself
     [("list(seq)", "seq"),
      ("out[row, start:start + len(kept)] = kept",
       "pad = [value] * (maxlen - len(kept))\n"
       "        out[row] = pad + kept if padding == \"pre\" else kept + pad")]),
    ("pad_sequences", "inputs_not_modified",
     [("    return out", "    for seq in sequences:\n        if isinstance(seq, list):\n"
                       "            seq.extend([value] * (maxlen - len(seq)))\n    return out")]),
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


TOKENIZE_BODY = ("    text = text.lower() if lower else text\n"
                 '    table = str.maketrans({ch: " " for ch in filters})'
                 '  # every filter character -> \' \'\n'
                 '    return [word for word in text.translate(table).split(" ") if word]')
# real tokenizers that differ from Keras: each fails tokenize's checks only
WRONG_TOKENIZERS = {
    "no_lower": [("text.lower() if lower else text", "text")],
    "split_any_whitespace": [('.split(" ")', ".split()")],
    "keeps_empty_strings": [(" if word]", "]")],
    # Chollet's Vectorizer (Deep Learning with Python, 2nd ed.): delete punctuation, split()
    "chollet": [(TOKENIZE_BODY, '    text = text.lower()\n'
                                '    text = "".join(ch for ch in text if ch not in filters)\n'
                                '    return text.split()')],
    # d2l's tokenize: letters only, then split()
    "d2l": [(TOKENIZE_BODY, '    return __import__("re").sub("[^A-Za-z]+", " ", text)'
                            '.strip().lower().split()')],
}


@pytest.mark.parametrize("wrong", sorted(WRONG_TOKENIZERS))
def test_a_wrong_tokenize_costs_the_callers_only_their_integration_check(ref, answer_sources,
                                                                       wrong):
    """build_vocab and texts_to_sequences call tokenize: with a wrong tokenize (and right
    callers) every other check of theirs, public and hidden, still passes, and the feedback
    names tokenize as the root cause (REQUIRES)."""
    from rnnlab.checks import blocked_by

    scope = mutant(ref, answer_sources, "tokenize", WRONG_TOKENIZERS[wrong])
    tokenize_results = run_checks(public_checks(A, "test_tokenize"), scope)
    assert not all(r.passed for r in tokenize_results), f"{wrong} passes tokenize's checks"
    for gid in ("test_build_vocab", "test_texts_to_sequences"):
        public = public_checks(A, gid)
        hidden = hidden_checks(A, gid)
        results = run_checks(public, scope) + run_checks(hidden, scope,
                                                         expected_outputs(A, hidden))
        integration = {c.name for c in public + hidden if c.integration}
        lost = [r.name for r in results if not r.passed and r.name not in integration]
        assert not lost, f"{wrong}: {gid} loses {lost}"
        assert blocked_by(A, gid, scope) == ["test_tokenize"]


# Keras quirks shown in the notebook's optional part (選讀 A): not graded, so a function that
# handles them differently keeps full marks
QUIRKS = [
    ("build_vocab", [("head + words", "head + [w for w in words if w != oov_token]")]),
    ("texts_to_sequences",
     [('num_words or float("inf")', 'float("inf") if num_words is None else num_words')]),
    ("pad_sequences", [("max(len(seq) for seq in sequences)",
                        "max((len(seq) for seq in sequences), default=0)"),
                       ("list(seq)[-maxlen:]", "list(seq)[max(len(seq) - maxlen, 0):]")]),
]


@pytest.mark.parametrize("function, edits", QUIRKS, ids=[f for f, _ in QUIRKS])
def test_keras_quirks_are_not_graded(ref, answer_sources, function, edits):
    scope = mutant(ref, answer_sources, function, edits)
    gid = f"test_{function}"
    checks = hidden_checks(A, gid)
    results = run_checks(public_checks(A, gid), scope) + run_checks(
        checks, scope, expected_outputs(A, checks))
    assert all(r.passed for r in results), [r.text for r in results if not r.passed]


# ------------------------------------------------------------ figures as the notebook draws them
def test_figures_are_legible_at_100_percent_zoom(ref, texts):
    """The notebook's three figures, drawn as its cells draw them: no text under 9 px in
    JupyterLab (tests/legibility.py)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from legibility import too_small

    from rnnlab.text_figures import plot_padded_batch, plot_token_lengths, plot_vocab_coverage

    plt.rcParams["figure.dpi"] = 100  # the inline backend's
    tokenize, pad = ref["tokenize"], ref["pad_sequences"]
    counts: dict[str, int] = {}
    for text in texts[:3000]:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    lengths = [len(tokenize(t)) for t in texts[:3000]]
    labels = ["spam" if i % 7 == 0 else "ham" for i in range(len(lengths))]
    figures = [plot_vocab_coverage(counts.values(), marks=(100, 1000, 2000)).figure,
               plot_token_lengths(lengths, labels, percentiles=(95, 99), upper=100).figure]
    fig, axes = plt.subplots(2, 1, figsize=(8, 5.6))  # the notebook's padded batches
    for ax, side in zip(axes, ("pre", "post")):
        plot_padded_batch(pad([[5, 17, 320, 1, 2], [9, 4, 1000, 77, 61, 8]], maxlen=12,
                              padding=side), ax=ax, title=f"padding='{side}'")
    fig.tight_layout()
    figures.append(fig)
    for figure in figures:
        assert not too_small(figure)
        plt.close(figure)
