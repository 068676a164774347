"""Time one training epoch of the Lab03 spam model in numpy against the same model in PyTorch.

    python benchmarks/bench_lab03.py [--threads 2] [--repeat 2]

Both sides train the same model (embedding -> tanh RNN -> masked mean + max pooling ->
logistic read-out; dropout 0.3, BCE, global-norm clipping at 5, Adam) on the same batches
of the same data (the Lab03 training split, post-padded, each batch trimmed to its longest
message), with the same thread budget. numpy runs the reference ``rnn_cell_forward`` and
``masked_mean_pool`` of the solution notebook through ``rnnlab.training``. Prints the best
epoch time of each and the ratio numpy / PyTorch (goal: <= 1.5); numbers only, no assertion.
Needs the optional PyTorch extra.
"""

from __future__ import annotations

# isort: skip_file

import argparse
import re
import time

from _setup import THREADS_DEFAULT  # first: sets the BLAS threads before numpy loads

import numpy as np

from autograder.reference import reference_namespace
from rnnlab.training import (
    PAD_ID,
    adam_init,
    init_params,
    minibatches,
    one_blas_thread,
    train_epoch,
    trim_batch,
)

EMBED, HIDDEN, BATCH, DROPOUT, CLIP, LR = 32, 64, 32, 0.3, 5.0, 3e-3
TOKEN_PATTERN = r"[a-z0-9£$']+|[!?]"


def lab03_training_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """(ids (n, maxlen), labels (n,), vocabulary size) of the Lab03 training split, built as
    in the notebook: dedup, stratified 70/15/15 split, digits -> 0, vocabulary of the
    training split by frequency (0 = PAD, 1 = OOV), maxlen = 99th percentile, post-padding."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import train_test_split

    from rnnlab.data import load_sms_spam

    data = load_sms_spam().drop_duplicates("text").reset_index(drop=True)
    texts = data["text"].to_numpy()
    labels = (data["label"] == "spam").to_numpy().astype(np.int64)
    idx, _ = train_test_split(np.arange(len(data)), test_size=0.15, stratify=labels,
                              random_state=seed)
    idx, _ = train_test_split(idx, test_size=0.15 / 0.85, stratify=labels[idx],
                              random_state=seed)
    vectorizer = CountVectorizer(preprocessor=lambda t: re.sub(r"\d", "0", t.lower()),
                                 token_pattern=TOKEN_PATTERN)
    freq = np.asarray(vectorizer.fit_transform(texts[idx]).sum(axis=0)).ravel()
    words = vectorizer.get_feature_names_out()[np.argsort(-freq, kind="stable")]
    vocab = {w: i + 2 for i, w in enumerate(words)}
    analyzer = vectorizer.build_analyzer()
    seqs = [[vocab.get(tok, 1) for tok in analyzer(t)] or [1] for t in texts[idx]]
    maxlen = int(np.percentile([len(s) for s in seqs], 99))
    ids = np.full((len(seqs), maxlen), PAD_ID, dtype=np.int64)
    for row, seq in enumerate(seqs):
        ids[row, :min(len(seq), maxlen)] = seq[:maxlen]
    return ids, labels[idx], len(vocab) + 2


def torch_model(torch, params: dict):
    """The Lab03 model in PyTorch, with the weights of the numpy ``params``
    (Wx = weight_ih.T, Wh = weight_hh.T, b = bias_ih + bias_hh with bias_hh = 0)."""
    nn, F = torch.nn, torch.nn.functional
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

        def forward(self, ids, dropout: float = 0.0):
            mask = (ids != PAD_ID).unsqueeze(-1)                       # (N, T, 1)
            x = F.dropout(self.embedding(ids), dropout, training=dropout > 0)
            hs, _ = self.rnn(x)                                        # (N, T, H)
            m = mask.to(hs.dtype)
            mean = (hs * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)
            top = hs.masked_fill(~mask, float("-inf")).amax(dim=1)
            pooled = F.dropout(torch.cat([mean, top], dim=1), dropout, training=dropout > 0)
            return self.out(pooled).squeeze(1)

    return SpamRNN()


def torch_epoch(torch, model, optimiser, ids: np.ndarray, y: np.ndarray,
                rng: np.random.Generator) -> float:
    """One epoch over the same shuffled, trimmed batches as the numpy side."""
    loss_fn = torch.nn.BCEWithLogitsLoss()
    losses = []
    for idx in minibatches(len(ids), BATCH, rng):
        batch = torch.from_numpy(trim_batch(ids[idx]))
        target = torch.from_numpy(y[idx]).to(model.out.weight.dtype)
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(model(batch, DROPOUT), target)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("bench_lab03: PyTorch is not installed (make setup-bench); skipped")
        return 0
    from threadpoolctl import threadpool_limits

    ref = reference_namespace("lab03_rnn_spam")
    cell, pool = ref["rnn_cell_forward"], ref["masked_mean_pool"]
    ids, y, vocab_size = lab03_training_data()

    def fresh_params():
        return init_params(vocab_size, EMBED, HIDDEN, seed=0, pos_rate=float(y.mean()))

    def run_torch(threads: int):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = torch_model(torch, fresh_params())
        optimiser = torch.optim.Adam(model.parameters(), lr=LR)
        rng = np.random.default_rng(0)
        return timed_epochs(lambda: torch_epoch(torch, model, optimiser, ids, y, rng),
                            args.repeat)

    def run_numpy():
        params = fresh_params()
        state, rng = adam_init(params), np.random.default_rng(0)
        return timed_epochs(lambda: train_epoch(params, state, ids, y, cell, pool, rng,
                                                batch_size=BATCH, lr=LR, clip=CLIP,
                                                dropout=DROPOUT)[0], args.repeat)

    print(f"Lab03 model, one training epoch: {len(ids)} messages, batch {BATCH}, maxlen "
          f"{ids.shape[1]}, D={EMBED}, H={HIDDEN}, float32, budget {args.threads} threads, "
          f"best of {args.repeat} epochs (the machine may be shared: re-run for stable numbers)")
    rows = {}
    with threadpool_limits(limits=args.threads):
        rows[f"PyTorch, torch.set_num_threads({args.threads})"] = run_torch(args.threads)
        rows["PyTorch, torch.set_num_threads(1)"] = run_torch(1)
        rows[f"numpy, BLAS {args.threads} threads"] = run_numpy()
        with one_blas_thread():  # what rnnlab.training.train does
            rows["numpy, BLAS 1 thread (as in train)"] = run_numpy()
    for name, (seconds, loss) in rows.items():
        print(f"  {name:38s} {seconds:6.2f} s/epoch   first-epoch loss {loss:.4f}")
    t_np = rows["numpy, BLAS 1 thread (as in train)"][0]
    t_torch_main = rows[f"PyTorch, torch.set_num_threads({args.threads})"][0]
    t_torch_best = min(t for name, (t, _) in rows.items() if name.startswith("PyTorch"))
    verdict = "goal met" if t_np <= 1.5 * t_torch_best else "goal missed"
    print(f"  ratio numpy / PyTorch({args.threads} threads) = {t_np / t_torch_main:.2f}; "
          f"numpy / fastest PyTorch = {t_np / t_torch_best:.2f} (goal <= 1.5: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
