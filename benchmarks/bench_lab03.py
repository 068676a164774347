"""Lab03's spam RNN: its test scores over several seeds, and one training epoch in numpy
against the same model in PyTorch.

    python benchmarks/bench_lab03.py [--seeds 0 1 2] [--threads 2] [--repeat 2]

Scores: the solution notebook's own pipeline (its answer cells, then its provided cells up to
``train_step``, executed here) trained as in the notebook with each seed (initialisation and
batch order), the threshold chosen on the validation split; prints test MCC and accuracy
per seed and their mean, for the model and for section 8's (選讀) memoryless variant
(W_h = 0, frozen).
Timing: the same model in PyTorch (embedding -> tanh RNN -> masked mean + max pooling ->
linear; BCE, global-norm clipping at 5, Adam) on the same batches, with the same thread
budget; prints the best epoch time of each and the ratio numpy / PyTorch (goal <= 1.5).
Numbers only, no assertion; the timing needs the optional PyTorch extra.
"""

from __future__ import annotations

# isort: skip_file

import argparse
import os
import time

from _setup import REPO_ROOT, THREADS_DEFAULT  # first: sets the BLAS threads before numpy

import numpy as np

from rnnlab.training import (
    PAD_ID,
    adam_init,
    init_params,
    minibatches,
    one_blas_thread,
    predict_proba,
    train,
    train_epoch,
    trim_batch,
)

EMBED, HIDDEN, BATCH, CLIP, LR = 32, 64, 32, 5.0, 3e-3
SOURCE = REPO_ROOT / "solutions" / "lab03_rnn_spam" / "lab03_rnn_spam.ipynb"
LAST_CELL = "def train_step("  # the notebook's cells are run up to the one defining it


def notebook_namespace() -> dict:
    """The names of the solution notebook after its cells up to ``train_step`` (answers,
    paste checks, data, tokens, vocabulary, encoded splits, ``forward`` and ``train_step``):
    the notebook's pipeline itself, not a copy. Figures go to a non-interactive backend."""
    import matplotlib
    import nbformat

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograder.reference import strip_markers

    os.environ.pop("NBGRADER_EXECUTION", None)
    nb = nbformat.read(SOURCE, as_version=4)
    scope: dict = {"__name__": "lab03_notebook"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in strip_markers(cell.source).splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        exec(compile(source, "<lab03 notebook>", "exec"), scope)  # noqa: S102 - our notebook
        plt.close("all")
        if LAST_CELL in cell.source:
            return scope
    raise RuntimeError(f"{SOURCE} has no cell with {LAST_CELL!r}")


def test_scores(ns: dict, seed: int, frozen: tuple[str, ...] = ()) -> dict:
    """Train the notebook's model with ``seed`` (W_h = 0 when it is frozen) and return its
    test MCC and accuracy at the threshold chosen on validation, as the notebook does."""
    from sklearn.metrics import accuracy_score, matthews_corrcoef

    from rnnlab.metrics import choose_threshold

    params = init_params(len(ns["vocab"]), EMBED, HIDDEN, seed=seed,
                         pos_rate=float(ns["y_train"].mean()))
    for name in frozen:
        params[name][...] = 0.0
    best, history = train(params, ns["X_train"], ns["y_train"], ns["X_val"], ns["y_val"],
                          ns["train_step"], ns["forward"], epochs=20, batch_size=BATCH, lr=LR,
                          patience=3, seed=seed, frozen=frozen, progress=False)
    threshold = choose_threshold(ns["y_val"], predict_proba(best, ns["X_val"], ns["forward"]),
                                 matthews_corrcoef)
    pred = predict_proba(best, ns["X_test"], ns["forward"]) >= threshold
    return {"mcc": float(matthews_corrcoef(ns["y_test"], pred)),
            "accuracy": float(accuracy_score(ns["y_test"], pred)),
            "epochs": len(history["epoch"]), "seconds": history["seconds"][-1]}


def torch_model(torch, params: dict):
    """The Lab03 model in PyTorch, with the weights of the numpy ``params``
    (Wx = weight_ih.T, Wh = weight_hh.T, b = bias_ih + bias_hh with bias_hh = 0)."""
    nn = torch.nn
    dtype = torch.float64 if params["E"].dtype == np.float64 else torch.float32

    class SpamRNN(nn.Module):
        def __init__(self):
            super().__init__()
            V, D = params["E"].shape
            H = params["Wh"].shape[0]
            self.embedding = nn.Embedding(V, D, padding_idx=PAD_ID, dtype=dtype)
            self.rnn = nn.RNN(D, H, batch_first=True, nonlinearity="tanh", dtype=dtype)
            self.out = nn.Linear(2 * H, 1, dtype=dtype)
            with torch.no_grad():
                self.embedding.weight.copy_(torch.from_numpy(params["E"]))
                self.rnn.weight_ih_l0.copy_(torch.from_numpy(params["Wx"].T.copy()))
                self.rnn.weight_hh_l0.copy_(torch.from_numpy(params["Wh"].T.copy()))
                self.rnn.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
                self.rnn.bias_hh_l0.zero_()
                self.out.weight.copy_(torch.from_numpy(params["w"][None, :].copy()))
                self.out.bias.fill_(float(params["c"]))

        def forward(self, ids):
            hs, _ = self.rnn(self.embedding(ids))                      # (N, T, H)
            return self.out(readout(torch, hs, ids != PAD_ID)).squeeze(1)

    return SpamRNN()


def readout(torch, hs, mask):
    """[masked mean; masked max] over time of hs (N, T, H), mask (N, T) bool: (N, 2H)."""
    m = mask.unsqueeze(-1)
    mean = (hs * m).sum(dim=1) / m.sum(dim=1)
    top = hs.masked_fill(~m, float("-inf")).amax(dim=1)
    return torch.cat([mean, top], dim=1)


def torch_epoch(torch, model, optimiser, ids: np.ndarray, y: np.ndarray,
                rng: np.random.Generator) -> float:
    """One epoch over the same shuffled, trimmed batches as the numpy side."""
    loss_fn = torch.nn.BCEWithLogitsLoss()
    losses = []
    for idx in minibatches(len(ids), BATCH, rng):
        batch = torch.from_numpy(trim_batch(ids[idx]))
        target = torch.from_numpy(y[idx]).to(model.out.weight.dtype)
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(model(batch), target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimiser.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def timed_epochs(run_epoch, repeat: int) -> tuple[float, float]:
    """(best wall time of ``repeat`` successive epochs, training loss of the first one)."""
    times, losses = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        losses.append(run_epoch())
        times.append(time.perf_counter() - start)
    return min(times), losses[0]


def report_scores(ns: dict, seeds: list[int]) -> None:
    print(f"Lab03 test scores (threshold chosen on validation), seeds {seeds}:")
    for label, frozen in (("RNN", ()), ("no memory (W_h = 0)", ("Wh",))):
        rows = [test_scores(ns, seed, frozen) for seed in seeds]
        for seed, row in zip(seeds, rows):
            print(f"  {label:20s} seed {seed}: MCC {row['mcc']:.4f}  accuracy "
                  f"{row['accuracy']:.4f}  ({row['epochs']} epochs, {row['seconds']:.1f} s)")
        print(f"  {label:20s} mean  : MCC {np.mean([r['mcc'] for r in rows]):.4f}  accuracy "
              f"{np.mean([r['accuracy'] for r in rows]):.4f}")


def report_timing(ns: dict, threads: int, repeat: int) -> None:
    try:
        import torch
    except ImportError:
        print("bench_lab03 timing: PyTorch is not installed (make setup-bench); skipped")
        return
    from threadpoolctl import threadpool_limits

    ids, y = ns["X_train"], ns["y_train"]

    def fresh_params():
        return init_params(len(ns["vocab"]), EMBED, HIDDEN, seed=0, pos_rate=float(y.mean()))

    def run_torch(n: int):
        torch.set_num_threads(n)
        model = torch_model(torch, fresh_params())
        optimiser = torch.optim.Adam(model.parameters(), lr=LR)
        rng = np.random.default_rng(0)
        return timed_epochs(lambda: torch_epoch(torch, model, optimiser, ids, y, rng), repeat)

    def run_numpy():
        params = fresh_params()
        state, rng = adam_init(params), np.random.default_rng(0)
        return timed_epochs(lambda: train_epoch(params, state, ids, y, ns["train_step"], rng,
                                                batch_size=BATCH, lr=LR)["loss"], repeat)

    print(f"Lab03 model, one training epoch: {len(ids)} messages, batch {BATCH}, maxlen "
          f"{ids.shape[1]}, D={EMBED}, H={HIDDEN}, float32, budget {threads} threads, best of "
          f"{repeat} epochs (the machine may be shared: re-run for stable numbers)")
    rows = {}
    with threadpool_limits(limits=threads):
        rows[f"PyTorch, torch.set_num_threads({threads})"] = run_torch(threads)
        rows["PyTorch, torch.set_num_threads(1)"] = run_torch(1)
        with one_blas_thread():  # what rnnlab.training.train does
            rows["numpy, BLAS 1 thread (as in train)"] = run_numpy()
    for name, (seconds, loss) in rows.items():
        print(f"  {name:38s} {seconds:6.2f} s/epoch   first-epoch loss {loss:.4f}")
    t_np = rows["numpy, BLAS 1 thread (as in train)"][0]
    t_torch = min(t for name, (t, _) in rows.items() if name.startswith("PyTorch"))
    verdict = "goal met" if t_np <= 1.5 * t_torch else "goal missed"
    print(f"  ratio numpy / fastest PyTorch = {t_np / t_torch:.2f} (goal <= 1.5: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    ns = notebook_namespace()
    report_scores(ns, args.seeds)
    report_timing(ns, args.threads, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
