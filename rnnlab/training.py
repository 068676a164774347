"""Training utilities of Lab03: a many-to-one RNN spam classifier in numpy.

The model is embedding -> RNN over time -> masked mean/max pooling -> logistic read-out.
The forward pass calls the student's ``rnn_cell_forward`` once per time step (each call
vectorised over the batch) and the student's ``masked_mean_pool`` once per batch; the
backward pass (BPTT) keeps its own values (the embedded inputs, the hidden states the cell
returned, the lengths) and never reads the student's cache.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable

import numpy as np

PAD_ID = 0  # index 0 of the vocabulary is the padding token
PARAM_NAMES = ("E", "Wx", "Wh", "b", "w", "c")


# ---------------------------------------------------------------- parameters
def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def init_params(vocab_size: int, embed_dim: int = 32, hidden_dim: int = 64, seed: int = 0,
                dtype=np.float32, pos_rate: float = 0.5) -> dict:
    """Parameters of the model, initialised the way a careful practitioner would.

    E (V, D): embeddings, N(0, 0.1^2), the padding row PAD_ID is zero.
    Wx (D, H): input weights scaled by 1/sqrt(D) so x_t @ Wx has unit variance.
    Wh (H, H): orthogonal, so repeated products with Wh neither explode nor vanish at start.
    b (H,): zeros. w (2H,): read-out weights over [mean pool, max pool]. c (): read-out bias
    set to log(p / (1 - p)), the log-odds of the positive class rate ``pos_rate``.
    """
    rng = np.random.default_rng(seed)
    E = 0.1 * rng.standard_normal((vocab_size, embed_dim))
    E[PAD_ID] = 0.0
    params = {
        "E": E,
        "Wx": rng.standard_normal((embed_dim, hidden_dim)) / math.sqrt(embed_dim),
        "Wh": orthogonal(hidden_dim, rng),
        "b": np.zeros(hidden_dim),
        "w": rng.standard_normal(2 * hidden_dim) / math.sqrt(2 * hidden_dim),
        "c": np.array(math.log(pos_rate / (1.0 - pos_rate))),
    }
    return {k: np.asarray(v, dtype=dtype) for k, v in params.items()}


def count_params(params: dict) -> int:
    """Total number of scalars in ``params``."""
    return int(sum(np.size(v) for v in params.values()))


# ---------------------------------------------------------------- model
def model_forward(params: dict, ids: np.ndarray, rnn_cell: Callable, mean_pool: Callable,
                  dropout: float = 0.0, rng: np.random.Generator | None = None) -> tuple:
    """Logits of a batch of post-padded token ids.

    ids (N, T) int, PAD_ID after the last token of each row; rnn_cell(x_t, h_prev, Wx, Wh, b)
    -> (h_next, cache) is called T times, each on the whole batch; mean_pool(hs, mask) ->
    (N, H) averages hs (N, T, H) over the steps where mask (N, T) is True. ``dropout``
    (training only, needs ``rng``) zeroes that fraction of the embedding and pooled features.
    Returns logits (N,) and a cache for :func:`model_backward`.
    """
    E, Wx, Wh, b = params["E"], params["Wx"], params["Wh"], params["b"]
    N, T = ids.shape
    H = Wh.shape[0]
    X = E[ids.T]                                           # (T, N, D) time-major lookup
    keep_x = keep_p = None
    if dropout > 0:                                        # inverted dropout: E[x] unchanged
        keep_x = (rng.random(X.shape) >= dropout).astype(X.dtype) / (1 - dropout)
        X = X * keep_x
    mask = (ids != PAD_ID).T                               # (T, N) real tokens
    lengths = np.maximum(mask.sum(axis=0), 1).astype(X.dtype)  # (N,)
    hs = np.empty((T, N, H), dtype=X.dtype)                # hidden states h_1..h_T
    h = np.zeros((N, H), dtype=X.dtype)                    # h_0
    for t in range(T):
        h_next, _ = rnn_cell(X[t], h, Wx, Wh, b)           # the student's cell; cache unused
        hs[t] = h_next
        h = hs[t].copy()                                   # the cell never sees our storage
    m = mask[:, :, None]
    batch_first = np.ascontiguousarray(hs.transpose(1, 0, 2))             # (N, T, H) copy
    mean = np.asarray(mean_pool(batch_first, mask.T.copy()), dtype=hs.dtype)  # (N, H)
    argmax = np.where(m, hs, -np.inf).argmax(axis=0)       # (N, H) time step of each max
    max_pool = np.take_along_axis(hs, argmax[None], axis=0)[0]
    pooled = np.concatenate([mean, max_pool], axis=1)      # (N, 2H)
    if dropout > 0:
        keep_p = (rng.random(pooled.shape) >= dropout).astype(X.dtype) / (1 - dropout)
        pooled = pooled * keep_p
    logits = pooled @ params["w"] + params["c"]
    cache = (ids, mask, lengths, X, hs, argmax, pooled, keep_x, keep_p)
    return logits, cache


def model_backward(dlogits: np.ndarray, params: dict, cache: tuple) -> dict:
    """Gradients of every parameter given dL/dlogits (N,): read-out, pooling, BPTT through
    the tanh recurrence, then the input weights and embeddings of all steps at once."""
    ids, mask, lengths, X, hs, argmax, pooled, keep_x, keep_p = cache
    Wx, Wh, w = params["Wx"], params["Wh"], params["w"]
    T, N, H = hs.shape
    D = X.shape[2]
    dtype = X.dtype
    dlogits = dlogits.astype(dtype, copy=False)
    grads = {"w": pooled.T @ dlogits, "c": np.asarray(dlogits.sum(), dtype=dtype)}
    dpooled = dlogits[:, None] * w[None, :]                # (N, 2H)
    if keep_p is not None:
        dpooled *= keep_p
    dmean, dmax = dpooled[:, :H], dpooled[:, H:]
    dhs = mask[:, :, None] * (dmean / lengths[:, None])[None]   # mean spreads evenly
    n_idx, h_idx = np.meshgrid(np.arange(N), np.arange(H), indexing="ij")
    dhs[argmax, n_idx, h_idx] += dmax                      # max routes to its time step
    da = np.empty_like(hs)                                 # dL/d(pre-activation) per step
    dh_next = np.zeros((N, H), dtype=dtype)
    for t in range(T - 1, -1, -1):                         # BPTT: last step first
        da[t] = (dhs[t] + dh_next) * (1.0 - hs[t] ** 2)    # through tanh
        dh_next = da[t] @ Wh.T                             # into h_{t-1}
    da2 = da.reshape(T * N, H)
    h_prev = np.concatenate([np.zeros((1, N, H), dtype=dtype), hs[:-1]]).reshape(T * N, H)
    grads["Wh"] = h_prev.T @ da2                           # all steps in one matmul
    grads["Wx"] = X.reshape(T * N, D).T @ da2
    grads["b"] = da2.sum(axis=0)
    dE = np.zeros_like(params["E"])
    dX = da2 @ Wx.T                                        # (T*N, D)
    if keep_x is not None:
        dX *= keep_x.reshape(T * N, D)
    np.add.at(dE, ids.T.reshape(-1), dX)                   # scatter back to the rows used
    dE[PAD_ID] = 0.0                                       # padding stays a zero vector
    grads["E"] = dE
    return grads


def bce_with_logits(logits: np.ndarray, y: np.ndarray, pos_weight: float = 1.0) -> tuple:
    """Weighted binary cross-entropy on logits, stable for large |logits|.

    Returns (mean loss, dL/dlogits). ``pos_weight`` multiplies the loss of positive examples.
    """
    y = y.astype(logits.dtype)
    weights = np.where(y > 0, pos_weight, 1.0).astype(logits.dtype)
    # log(1 + exp(-|z|)) + max(z, 0) - z*y  is  -y log s(z) - (1-y) log(1-s(z))
    losses = np.logaddexp(0.0, -np.abs(logits)) + np.maximum(logits, 0.0) - logits * y
    total = weights.sum()
    loss = float((weights * losses).sum() / total)
    dlogits = weights * (sigmoid(logits) - y) / total
    return loss, dlogits


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---------------------------------------------------------------- optimisation
def adam_init(params: dict) -> dict:
    """Adam's state: first and second moment estimates and the step count."""
    return {"m": {k: np.zeros_like(v) for k, v in params.items()},
            "v": {k: np.zeros_like(v) for k, v in params.items()}, "t": 0}


def adam_step(params: dict, grads: dict, state: dict, lr: float = 3e-3,
              max_norm: float | None = None, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> float:
    """One Adam update of ``params`` in place (bias-corrected moments, as torch.optim.Adam),
    with the gradients first scaled together so their global L2 norm is at most
    ``max_norm`` (clipping tames exploding gradients and keeps their direction; the factor
    is that of torch.nn.utils.clip_grad_norm_).

    Returns the global norm before clipping. A non-finite norm (an overflow) skips the step.
    """
    norm = math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values()))
    if not math.isfinite(norm):
        return norm
    scale = min(1.0, max_norm / (norm + 1e-6)) if max_norm is not None else 1.0
    state["t"] += 1
    t = state["t"]
    correct1, correct2 = 1 - beta1 ** t, 1 - beta2 ** t
    for k, g in grads.items():
        g = g * scale                                      # clipped gradient
        m, v = state["m"][k], state["v"][k]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        step = lr * (m / correct1) / (np.sqrt(v / correct2) + eps)
        params[k] -= step.astype(params[k].dtype, copy=False)
    return norm


# ---------------------------------------------------------------- batching
def one_blas_thread():
    """Limit numpy's BLAS to one thread (a no-op without threadpoolctl).

    The matrices of this model are tiny (32 x 64): starting and syncing BLAS threads costs
    more than it saves, and on a busy machine waiting threads slow it down many times over.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")



def minibatches(n: int, batch_size: int, rng: np.random.Generator | None = None):
    """Index arrays of successive batches of range(n), shuffled when ``rng`` is given."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def trim_batch(ids: np.ndarray) -> np.ndarray:
    """Drop the trailing columns that are padding in every row (post-padded batch)."""
    used = np.flatnonzero((ids != PAD_ID).any(axis=0))
    return ids[:, : (used[-1] + 1 if used.size else 1)]


def predict_proba(params: dict, ids: np.ndarray, rnn_cell: Callable, mean_pool: Callable,
                  batch_size: int = 512) -> np.ndarray:
    """P(positive) for every row of ``ids`` (N, T), in batches."""
    with one_blas_thread():
        out = [sigmoid(model_forward(params, trim_batch(ids[idx]), rnn_cell, mean_pool)[0])
               for idx in minibatches(len(ids), batch_size)]
    return np.concatenate(out) if out else np.zeros(0)


def evaluate_loss(params: dict, ids: np.ndarray, y: np.ndarray, rnn_cell: Callable,
                  mean_pool: Callable, pos_weight: float = 1.0, batch_size: int = 512) -> float:
    """Mean weighted BCE of the whole set (same weighting as training)."""
    p = np.clip(predict_proba(params, ids, rnn_cell, mean_pool, batch_size).astype(np.float64),
                1e-7, 1 - 1e-7)
    weights = np.where(y > 0, pos_weight, 1.0)
    losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float((weights * losses).sum() / weights.sum())


# ---------------------------------------------------------------- training loop
def train_epoch(params: dict, state: dict, ids: np.ndarray, y: np.ndarray, rnn_cell: Callable,
                mean_pool: Callable, rng: np.random.Generator, *, batch_size: int = 32,
                lr: float = 3e-3, clip: float = 5.0, pos_weight: float = 1.0,
                dropout: float = 0.0, bar=None) -> tuple:
    """One pass over (ids, y) in shuffled mini-batches: forward, loss, BPTT, clipping, Adam.

    Updates ``params`` and the Adam ``state`` in place; returns (mean loss, median and
    largest gradient norm before clipping).
    """
    losses, norms = [], []
    for idx in minibatches(len(ids), batch_size, rng):
        logits, cache = model_forward(params, trim_batch(ids[idx]), rnn_cell, mean_pool,
                                      dropout, rng)
        loss, dlogits = bce_with_logits(logits, y[idx], pos_weight)
        norm = adam_step(params, model_backward(dlogits, params, cache), state, lr, clip)
        losses.append(loss)
        norms.append(norm)
        if bar is not None:
            bar.update(1)
    return float(np.mean(losses)), float(np.median(norms)), float(np.max(norms))


def train(params: dict, train_ids: np.ndarray, train_y: np.ndarray, val_ids: np.ndarray,
          val_y: np.ndarray, rnn_cell: Callable, mean_pool: Callable, *, epochs: int = 20,
          batch_size: int = 32, lr: float = 3e-3, clip: float = 5.0, pos_weight: float = 1.0,
          patience: int = 3, dropout: float = 0.0, seed: int = 0, progress: bool = True,
          metric: Callable | None = None) -> tuple:
    """Mini-batch Adam with global-norm clipping and early stopping on validation loss.

    Returns (best params, history). The best parameters (lowest validation loss) are kept;
    training stops after ``patience`` epochs without improvement. ``metric(y_true, p)``, if
    given, is recorded for the validation set every epoch. ``progress`` shows a tqdm bar
    (tqdm writes to stderr: never use it inside a test cell).
    """
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    history = {"epoch": [], "train_loss": [], "val_loss": [], "val_metric": [],
               "grad_norm": [], "grad_norm_max": [], "seconds": []}
    best, best_loss, bad_epochs = _copy(params), math.inf, 0
    bar = _progress(epochs * math.ceil(len(train_ids) / batch_size), progress)
    start = time.perf_counter()
    with one_blas_thread():
        for epoch in range(1, epochs + 1):
            loss, norm, norm_max = train_epoch(
                params, state, train_ids, train_y, rnn_cell, mean_pool, rng,
                batch_size=batch_size, lr=lr, clip=clip, pos_weight=pos_weight,
                dropout=dropout, bar=bar)
            val_loss = evaluate_loss(params, val_ids, val_y, rnn_cell, mean_pool, pos_weight)
            history["epoch"].append(epoch)
            history["train_loss"].append(loss)
            history["val_loss"].append(val_loss)
            history["grad_norm"].append(norm)
            history["grad_norm_max"].append(norm_max)
            history["seconds"].append(time.perf_counter() - start)
            if metric is not None:
                p_val = predict_proba(params, val_ids, rnn_cell, mean_pool)
                history["val_metric"].append(float(metric(val_y, p_val)))
            if bar is not None:
                bar.set_postfix(epoch=epoch, train=f"{loss:.3f}", val=f"{val_loss:.3f}")
            if val_loss < best_loss - 1e-4:                # early stopping: keep the best
                best, best_loss, bad_epochs = _copy(params), val_loss, 0
            else:
                bad_epochs += 1
                if bad_epochs >= patience:
                    break
    if bar is not None:
        bar.total = bar.n                                  # stopped early: show as complete
        bar.refresh()
        bar.close()
    history["best_epoch"] = int(np.argmin(history["val_loss"]) + 1)
    return best, history


def _copy(params: dict) -> dict:
    return {k: v.copy() for k, v in params.items()}


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="batch", leave=True)


# ---------------------------------------------------------------- figures
def plot_history(history: dict, metric_name: str = "MCC", clip: float | None = None):
    """Training curves per epoch: train/validation loss, the validation metric (if recorded)
    and the median and largest gradient norm before clipping on a log scale. The best epoch
    (kept by early stopping) is marked; returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    panels = ["loss"] + (["metric"] if history.get("val_metric") else []) + ["grad"]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.5), squeeze=False)
    epochs, best = history["epoch"], history.get("best_epoch")
    for ax, panel in zip(axes[0], panels):
        if panel == "loss":
            ax.plot(epochs, history["train_loss"], "o-", label="train")
            ax.plot(epochs, history["val_loss"], "s-", label="validation")
            ax.set_ylabel("binary cross-entropy")
            ax.set_title("loss")
        elif panel == "metric":
            ax.plot(epochs, history["val_metric"], "s-", color="C2")
            ax.set_ylabel(metric_name)
            ax.set_title(f"validation {metric_name}")
        else:
            ax.semilogy(epochs, history["grad_norm"], "o-", color="C4", label="median batch")
            if history.get("grad_norm_max"):
                ax.semilogy(epochs, history["grad_norm_max"], "^--", color="C4", alpha=0.6,
                            label="largest batch")
            if clip is not None:
                ax.axhline(clip, color="C3", ls=":", label=f"clip = {clip:g}")
            ax.set_ylabel("global gradient norm")
            ax.set_title("gradient norm before clipping")
        if best:
            ax.axvline(best, color="gray", ls="--", lw=1, label=f"best epoch {best}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if panel != "metric":
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw_model(tokens=("free", "entry", "to", "win", "<PAD>", "<PAD>")):
    """The Lab03 model unrolled over time: tokens -> embedding -> RNN cells (the student's
    ``rnn_cell_forward``) -> masked mean (the student's ``masked_mean_pool``) and max
    pooling -> sigmoid. Padding is greyed out."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    T = len(tokens)
    fig, ax = plt.subplots(figsize=(1.6 * T + 2.5, 4.6))
    ax.set_xlim(-1.6, 1.6 * T + 0.4)
    ax.set_ylim(-0.6, 5.2)
    ax.axis("off")

    def box(x, y, text, color, w=1.1, h=0.55, alpha=1.0):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                    fc=color, ec="black", lw=1, alpha=alpha))
        ax.text(x, y, text, ha="center", va="center", fontsize=10, alpha=max(alpha, 0.5))

    def arrow(x0, y0, x1, y1, alpha=1.0):
        ax.annotate("", (x1, y1), (x0, y0), alpha=alpha,
                    arrowprops={"arrowstyle": "->", "lw": 1.2})

    xs = [1.6 * t for t in range(T)]
    box(-1.0, 2.0, "$h_0=0$", "white", w=0.8)
    for t, (x, tok) in enumerate(zip(xs, tokens)):
        alpha = 0.35 if tok == "<PAD>" else 1.0
        box(x, 0.0, tok, "#eeeeee", alpha=alpha)
        box(x, 1.0, f"$x_{t + 1}$ (emb)", "#d9ead3", alpha=alpha)
        box(x, 2.0, f"RNN cell\n$h_{t + 1}$", "#cfe2f3", h=0.8, alpha=alpha)
        arrow(x, 0.3, x, 0.7, alpha)
        arrow(x, 1.3, x, 1.58, alpha)
        arrow(x - 1.6 + 0.6 if t else -0.6, 2.0, x - 0.58, 2.0)
        if tok != "<PAD>":
            centre = 1.6 * (T - 1) / 2
            arrow(x, 2.42, centre + 0.45 * (x - centre), 3.15)
    box(1.6 * (T - 1) / 2, 3.45, "masked mean + max pooling over real time steps", "#fce5cd",
        w=6.0)
    box(1.6 * (T - 1) / 2, 4.55, r"$\sigma(w \cdot [\mathrm{mean};\,\mathrm{max}] + c)$"
        " = P(spam)", "#f4cccc", w=4.2)
    arrow(1.6 * (T - 1) / 2, 3.75, 1.6 * (T - 1) / 2, 4.25)
    ax.set_title("many-to-one RNN: every time step's output feeds the read-out")
    fig.tight_layout()
    return fig
