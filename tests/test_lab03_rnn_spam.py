"""Lab03 (RNN spam classifier): the reference answers, the numpy model and its training.

Proof against PyTorch where it is installed (the cell equals torch.nn.RNN; the model's
logits, BPTT gradients and clipping equal autograd's), centred-difference gradient checks,
training that ignores the student's cache, a broken cell that visibly trains worse, the
threshold choice, the public checks naming planted mistakes, and the notebook's
`test_metrics` and comparison table (majority baseline figures included).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.reference import reference_namespace
from rnnlab import training
from rnnlab.checking import run_checks
from rnnlab.checks import public_checks
from rnnlab.metrics import choose_threshold, threshold_scan

REPO_ROOT = Path(__file__).resolve().parents[1]
AID = "lab03_rnn_spam"
REF = reference_namespace(AID)
CELL, POOL = REF["rnn_cell_forward"], REF["masked_mean_pool"]


def _bench():
    """benchmarks/bench_lab03.py as a module: its PyTorch model is the one we prove equal."""
    spec = importlib.util.spec_from_file_location("bench_lab03",
                                                  REPO_ROOT / "benchmarks" / "bench_lab03.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench()


@pytest.fixture(scope="module")
def spam_ids(bench):
    """(ids, labels) of the Lab03 training split, built as in the notebook."""
    ids, y, vocab_size = bench.lab03_training_data()
    return ids, y, vocab_size


def _tiny_params(seed=3, V=9, D=3, H=4):
    rng = np.random.default_rng(seed)
    params = training.init_params(V, D, H, seed=seed, dtype=np.float64)
    params["b"] = 0.3 * rng.standard_normal(H)
    params["c"] = np.array(0.2)
    return params


TINY_IDS = np.array([[2, 3, 4, 0, 0], [5, 6, 1, 2, 3], [7, 0, 0, 0, 0], [8, 8, 2, 0, 0]])
TINY_Y = np.array([1, 0, 1, 0])


# ---------------------------------------------------------------- the reference answers
def test_reference_cell_equals_torch_rnn():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 7, 4, 5
    rnn = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").double()
    x = rng.standard_normal((N, T, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    with torch.no_grad():
        out, h_last = rnn(torch.from_numpy(x), torch.from_numpy(h0)[None])
    Wx = rnn.weight_ih_l0.detach().numpy().T
    Wh = rnn.weight_hh_l0.detach().numpy().T
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    h, ours = h0, []
    for t in range(T):
        h, _ = CELL(x[:, t], h, Wx, Wh, b)
        ours.append(h)
    assert np.max(np.abs(np.stack(ours, axis=1) - out.numpy())) < 1e-6
    assert np.max(np.abs(h - h_last[0].numpy())) < 1e-6


def test_reference_pool_equals_a_masked_array_mean():
    rng = np.random.default_rng(1)
    hs = rng.standard_normal((6, 9, 4))
    mask = rng.random((6, 9)) < 0.5
    mask[:, 4] = True
    expected = np.ma.masked_array(hs, ~np.repeat(mask[:, :, None], 4, axis=2)).mean(axis=1)
    assert np.allclose(POOL(hs, mask), expected.filled(np.nan), rtol=0, atol=1e-12)


# ---------------------------------------------------------------- the model's BPTT
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_model_gradients_pass_a_centred_difference_check(dropout):
    params = _tiny_params()

    def forward(p):  # the same dropout masks on every call
        return training.model_forward(p, TINY_IDS, CELL, POOL, dropout,
                                      np.random.default_rng(5))

    def loss_of(p):
        return training.bce_with_logits(forward(p)[0], TINY_Y)[0]

    logits, cache = forward(params)
    grads = training.model_backward(training.bce_with_logits(logits, TINY_Y)[1], params, cache)
    eps = 1e-6
    for name in training.PARAM_NAMES:
        flat, analytic = params[name].reshape(-1), grads[name].reshape(-1)
        assert np.shares_memory(flat, params[name])
        numeric = np.empty_like(flat)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = loss_of(params)
            flat[i] = old - eps
            minus = loss_of(params)
            flat[i] = old
            numeric[i] = (plus - minus) / (2 * eps)
        rel = np.abs(numeric - analytic) / np.maximum(1e-8, np.abs(numeric) + np.abs(analytic))
        assert rel.max() < 1e-6, f"d{name}: relative error {rel.max():.2e}"
    assert np.all(grads["E"][training.PAD_ID] == 0), "the padding row gets no gradient"


def test_model_logits_and_gradients_equal_pytorch(bench):
    torch = pytest.importorskip("torch")
    params = _tiny_params()
    model = bench.torch_model(torch, params)
    logits_t = model(torch.from_numpy(TINY_IDS))
    torch.nn.functional.binary_cross_entropy_with_logits(
        logits_t, torch.from_numpy(TINY_Y).double()).backward()
    logits, cache = training.model_forward(params, TINY_IDS, CELL, POOL)
    grads = training.model_backward(training.bce_with_logits(logits, TINY_Y)[1], params, cache)
    theirs = {"E": model.embedding.weight.grad, "Wx": model.rnn.weight_ih_l0.grad.T,
              "Wh": model.rnn.weight_hh_l0.grad.T, "b": model.rnn.bias_ih_l0.grad,
              "w": model.out.weight.grad[0], "c": model.out.bias.grad[0]}
    assert np.allclose(logits, logits_t.detach().numpy(), rtol=0, atol=1e-10)
    for name, grad in theirs.items():
        assert np.allclose(grads[name], grad.numpy(), rtol=1e-7, atol=1e-10), name


def test_clipped_adam_steps_equal_pytorch():
    """Two steps: large gradients (clipped, norm > max_norm), then small ones (not clipped);
    Adam's second step depends on the scale of the first, so clipping must match too."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    shapes = {"a": (4, 5), "b": (7,), "c": ()}
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    optimiser = torch.optim.Adam(tensors.values(), lr=0.01)
    state = training.adam_init(params)
    for scale, max_norm in ((30.0, 1.0), (0.1, 1.0)):
        grads = {k: scale * rng.standard_normal(s) for k, s in shapes.items()}
        norm = training.adam_step(params, grads, state, lr=0.01, max_norm=max_norm)
        for k, t in tensors.items():
            t.grad = torch.tensor(grads[k])
        total = torch.nn.utils.clip_grad_norm_(list(tensors.values()), max_norm)
        optimiser.step()
        assert norm == pytest.approx(float(total), rel=1e-12)
        for k, t in tensors.items():
            assert np.allclose(params[k], t.detach().numpy(), rtol=1e-9, atol=1e-12), k


def test_an_overflowing_gradient_skips_the_step():
    params = {"a": np.ones(3)}
    state = training.adam_init(params)
    norm = training.adam_step(params, {"a": np.array([np.inf, 1.0, 0.0])}, state, max_norm=1.0)
    assert not np.isfinite(norm) and state["t"] == 0 and np.all(params["a"] == 1.0)


# ---------------------------------------------------------------- training with any cell
def _synthetic(seed=0, n=800, T=10, V=30):
    """Messages of random tokens; spam (1) when token 2 or 3 occurs."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, T + 1, n)
    ids = np.zeros((n, T), dtype=np.int64)
    for row, length in enumerate(lengths):
        ids[row, :length] = rng.integers(4, V, length)
        if rng.random() < 0.3:
            ids[row, rng.integers(0, length)] = rng.integers(2, 4)
    return ids, np.isin(ids, (2, 3)).any(axis=1).astype(np.int64)


def _cell_none_cache(x_t, h_prev, Wx, Wh, b):
    return CELL(x_t, h_prev, Wx, Wh, b)[0], None


def _cell_dict_cache(x_t, h_prev, Wx, Wh, b):
    return CELL(x_t, h_prev, Wx, Wh, b)[0], {"anything": "the student likes"}


def _cell_list_float64(x_t, h_prev, Wx, Wh, b):
    h = CELL(x_t.astype(np.float64), h_prev.astype(np.float64), Wx, Wh, b)[0]
    return [h, 42]


def _cell_no_tanh(x_t, h_prev, Wx, Wh, b):
    return x_t @ Wx + h_prev @ Wh + b, None


def _fit(cell, ids, y, epochs=2, n_train=600, vocab_size=30, size=(8, 16), lr=1e-2,
         dropout=0.0):
    params = training.init_params(vocab_size, *size, seed=0,
                                  pos_rate=float(y[:n_train].mean()))
    with np.errstate(all="ignore"):
        return training.train(params, ids[:n_train], y[:n_train], ids[n_train:], y[n_train:],
                              cell, POOL, epochs=epochs, lr=lr, dropout=dropout, patience=99,
                              progress=False)


@pytest.mark.parametrize("cell", [_cell_none_cache, _cell_dict_cache, _cell_list_float64])
def test_training_ignores_the_students_cache(cell):
    ids, y = _synthetic()
    best_ref, hist_ref = _fit(CELL, ids, y)
    best, hist = _fit(cell, ids, y)
    assert best.keys() == best_ref.keys()
    for name in best_ref:
        assert best[name].dtype == np.float32
        assert np.allclose(best[name], best_ref[name], rtol=1e-4, atol=1e-5), name
    assert hist["val_loss"] == pytest.approx(hist_ref["val_loss"], rel=1e-4)


def test_training_learns_and_keeps_the_best_weights():
    ids, y = _synthetic()
    best, hist = _fit(CELL, ids, y, epochs=6)
    assert hist["val_loss"][-1] < 0.2 * hist["val_loss"][0]
    val_loss = training.evaluate_loss(best, ids[600:], y[600:], CELL, POOL)
    assert val_loss == pytest.approx(min(hist["val_loss"]), rel=1e-5)
    assert hist["best_epoch"] == int(np.argmin(hist["val_loss"])) + 1


def test_a_broken_cell_gives_a_clearly_worse_validation_loss(spam_ids):
    ids, y, vocab_size = spam_ids
    ids, y = ids[:1500], y[:1500]
    settings = {"epochs": 3, "n_train": 1000, "vocab_size": vocab_size, "size": (32, 64),
                "lr": 3e-3, "dropout": 0.3}  # the notebook's model, a shorter run
    _, good = _fit(CELL, ids, y, **settings)
    _, broken = _fit(_cell_no_tanh, ids, y, **settings)
    good_loss, broken_loss = min(good["val_loss"]), min(broken["val_loss"])
    assert good_loss < 0.2
    assert broken_loss > 2 * good_loss, (good_loss, broken_loss)


# ---------------------------------------------------------------- threshold choice
def _accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def test_threshold_scan_scores_every_threshold():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.2, 0.6, 0.4, 0.9])
    thresholds, values = threshold_scan(y, p, _accuracy, thresholds=[0.1, 0.3, 0.5, 0.7, 0.95])
    assert list(values) == [0.5, 0.75, 0.5, 0.75, 0.5]
    assert list(thresholds) == [0.1, 0.3, 0.5, 0.7, 0.95]


def test_threshold_is_the_middle_of_the_near_best_plateau():
    y = np.array([0] * 8 + [1] * 4)
    p = np.array([0.1] * 7 + [0.45] + [0.55, 0.6, 0.7, 0.9])
    assert choose_threshold(y, p, _accuracy) == pytest.approx(0.5, abs=0.01)  # (0.45, 0.55]
    p_wide = np.array([0.1] * 8 + [0.9] * 4)  # every threshold in (0.1, 0.9] is perfect
    assert choose_threshold(y, p_wide, _accuracy) == pytest.approx(0.5, abs=0.01)


def test_clipping_stays_inside_adam_step():
    """ch19_3 grades clip_by_norm: the Lab03 code must not ship a drop-in for it."""
    import rnnlab.metrics
    import rnnlab.training

    for module in (rnnlab.metrics, rnnlab.training):
        names = {n for n, v in vars(module).items() if callable(v)}
        assert not [n for n in names if "clip" in n], module.__name__


# ---------------------------------------------------------------- the checks name mistakes
def _cell_without_bias(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh), None


def _cell_wrong_order(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + (Wh @ h_prev.T).T + b), None


def _cell_sigmoid(x_t, h_prev, Wx, Wh, b):
    return 1 / (1 + np.exp(-(x_t @ Wx + h_prev @ Wh + b))), None


def _cell_in_place(x_t, h_prev, Wx, Wh, b):
    h_prev[...] = np.tanh(x_t @ Wx + h_prev @ Wh + b)  # right values, caller's array overwritten
    return h_prev, None


def _cell_only_h(x_t, h_prev, Wx, Wh, b):
    return np.tanh(h_prev @ Wh + b)


def _pool_divides_by_T(hs, mask):
    return (hs * mask[:, :, None]).sum(axis=1) / hs.shape[1]


def _pool_ignores_mask(hs, mask):
    return hs.mean(axis=1)


def _pool_first_steps(hs, mask):
    lengths = mask.sum(axis=1)
    return np.stack([hs[n, :k].mean(axis=0) for n, k in enumerate(lengths)])


@pytest.mark.parametrize("grade_id, name, wrong, must_fail", [
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_without_bias, "only_b"),
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_wrong_order, "only_h_prev"),
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_sigmoid, "tanh_applied"),
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_no_tanh, "tanh_applied"),
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_in_place, "inputs_not_modified"),
    ("test_rnn_cell_forward", "rnn_cell_forward", _cell_only_h, "returns_pair"),
    ("test_masked_mean_pool", "masked_mean_pool", _pool_divides_by_T,
     "denominator_is_row_length"),
    ("test_masked_mean_pool", "masked_mean_pool", _pool_ignores_mask, "padding_ignored"),
    ("test_masked_mean_pool", "masked_mean_pool", _pool_first_steps, "mask_not_at_the_end"),
])
def test_public_checks_name_the_mistake(grade_id, name, wrong, must_fail):
    results = {r.name: r for r in run_checks(public_checks(AID, grade_id), {name: wrong})}
    assert not results[must_fail].passed, f"{must_fail} should catch {wrong.__name__}"
    assert any(r.passed for r in results.values()) or must_fail == "returns_pair"


def test_the_wrong_term_fails_only_its_isolating_check():
    results = {r.name: r.passed for r in run_checks(public_checks(AID, "test_rnn_cell_forward"),
                                                   {"rnn_cell_forward": _cell_without_bias})}
    assert results["only_x"] and results["only_h_prev"] and not results["only_b"]


# ---------------------------------------------------------------- the notebook
def _run_solution(fast: bool) -> dict:
    from nbclient import NotebookClient

    nb = nbformat.read(REPO_ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\n"
        "print(json.dumps({'keys': list(test_metrics), 'metrics': test_metrics,\n"
        "                  'table': comparison.fillna(-9).to_dict(orient='index'),\n"
        "                  'seconds': train_seconds}))"))
    env_before = os.environ.get("NBGRADER_EXECUTION")
    os.environ.pop("NBGRADER_EXECUTION", None)
    if fast:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(REPO_ROOT)}}).execute()
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)
        if env_before is not None:
            os.environ["NBGRADER_EXECUTION"] = env_before
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.mark.slow
@pytest.mark.parametrize("fast", [True, False], ids=["nbgrader_execution", "full"])
def test_solution_notebook_reports_test_metrics_and_the_comparison(fast):
    out = _run_solution(fast)
    assert out["keys"] == ["accuracy", "precision", "recall", "f1", "mcc"]
    rows = list(out["table"].values())
    assert rows[0] == pytest.approx({"accuracy": 678 / 776, "precision": 0.0, "recall": 0.0,
                                     "f1": 0.0, "mcc": 0.0})
    assert rows[1]["accuracy"] == 0.9764 and rows[1]["mcc"] == 0.893
    assert rows[2]["mcc"] > 0.85  # TF-IDF + LinearSVC on the same split
    assert rows[3] == pytest.approx(out["metrics"])
    if not fast:  # the reference meets the targets
        assert out["metrics"]["mcc"] >= 0.90 and out["metrics"]["accuracy"] >= 0.975
