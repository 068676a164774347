"""Training utilities of Lab03: the parts of the numpy RNN spam classifier that no student
writes (initialisation, the loss, Adam, batching, the training loop and its figures).

The model is embedding -> RNN (the student's ``rnn_forward``) -> many-to-one read-out
(the student's ``readout_forward``: masked mean and max pooling, then one logit) -> sigmoid.
One training step, written out in the notebook, calls the student's functions of 19-2,
19-3 and Lab03; this module runs the loop around it and never grades or replaces them.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Sequence

import numpy as np

PAD_ID = 0  # index 0 of the vocabulary is the padding token
OOV_ID = 1  # index 1 stands for every word that is not in the vocabulary
PARAM_NAMES = ("E", "Wx", "Wh", "b", "w", "c")


# ---------------------------------------------------------------- parameters
def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def init_params(vocab_size: int, embed_dim: int = 32, hidden_dim: int = 64, seed: int = 0,
                dtype=np.float32, pos_rate: float = 0.5) -> dict:
    """Parameters of the model, initialised the way a careful practitioner would.

    E (V, D): embeddings, N(0, 0.1^2); the padding row PAD_ID is zero.
    Wx (D, H): input weights scaled by 1/sqrt(D) so x_t @ Wx has unit variance.
    Wh (H, H): orthogonal, so repeated products with Wh neither explode nor vanish at start.
    b (H,): zeros. w (2H,): read-out weights over [mean pooling; max pooling].
    c (): read-out bias, log(p / (1 - p)) for the positive class rate p = ``pos_rate``.
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


# ---------------------------------------------------------------- loss
def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce_with_logits(logits: np.ndarray, y: np.ndarray) -> tuple:
    """Mean binary cross-entropy of sigmoid(logits) against labels y in {0, 1}, stable for
    large |logits|.

    Returns (loss, dlogits): the mean loss (a float) and its gradient (N,), which is
    (sigmoid(logits) - y) / N.
    """
    logits = np.asarray(logits)
    y = np.asarray(y).astype(logits.dtype)
    # log(1 + exp(-|z|)) + max(z, 0) - z*y  is  -y log s(z) - (1-y) log(1-s(z))
    losses = np.logaddexp(0.0, -np.abs(logits)) + np.maximum(logits, 0.0) - logits * y
    loss = float(losses.mean())
    dlogits = (sigmoid(logits) - y) / len(y)
    return loss, dlogits


# ---------------------------------------------------------------- optimisation
def adam_init(params: dict) -> dict:
    """Adam's state: first and second moment estimates and the step count."""
    return {"m": {k: np.zeros_like(v) for k, v in params.items()},
            "v": {k: np.zeros_like(v) for k, v in params.items()}, "t": 0}


def adam_step(params: dict, grads: dict, state: dict, lr: float = 3e-3, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8) -> None:
    """One Adam update of ``params`` in place (bias-corrected moments, as torch.optim.Adam).

    ``grads`` are used as given (clip them first); a parameter without a gradient in
    ``grads`` is left alone.
    """
    state["t"] += 1
    t = state["t"]
    correct1, correct2 = 1 - beta1 ** t, 1 - beta2 ** t
    for k, g in grads.items():
        g = np.asarray(g, dtype=params[k].dtype)
        m, v = state["m"][k], state["v"][k]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        step = lr * (m / correct1) / (np.sqrt(v / correct2) + eps)
        params[k] -= step.astype(params[k].dtype, copy=False)


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


def predict_proba(params: dict, ids: np.ndarray, forward: Callable,
                  batch_size: int = 512) -> np.ndarray:
    """P(positive) for every row of ``ids`` (N, T); ``forward(params, ids)`` returns the
    logits (and anything else) of one trimmed batch."""
    with one_blas_thread():
        out = [sigmoid(forward(params, trim_batch(ids[idx]))[0])
               for idx in minibatches(len(ids), batch_size)]
    return np.concatenate(out) if out else np.zeros(0)


def evaluate_loss(params: dict, ids: np.ndarray, y: np.ndarray, forward: Callable) -> float:
    """Mean binary cross-entropy of the whole set."""
    p = np.clip(predict_proba(params, ids, forward).astype(np.float64), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


# ---------------------------------------------------------------- training loop
def train_epoch(params: dict, state: dict, ids: np.ndarray, y: np.ndarray, step: Callable,
                rng: np.random.Generator, *, batch_size: int = 32, lr: float = 3e-3,
                frozen: Sequence[str] = (), bar=None) -> dict:
    """One pass over (ids, y) in shuffled, trimmed mini-batches: ``step(params, batch_ids,
    batch_y)`` returns (loss, clipped grads, norm before clipping); Adam applies the grads
    (those of ``frozen`` parameters are dropped, so they keep their values).

    Updates ``params`` and the Adam ``state`` in place. Returns the mean loss, the median
    and largest gradient norm before clipping, and ``steps``: how many (row, time step)
    pairs the RNN computed (the cost of the epoch, counted rather than timed).
    """
    losses, norms, steps = [], [], 0
    for idx in minibatches(len(ids), batch_size, rng):
        batch = trim_batch(ids[idx])
        loss, grads, norm = step(params, batch, y[idx])
        if math.isfinite(norm):  # an overflow (inf or nan) skips the update
            adam_step(params, {k: g for k, g in grads.items() if k not in frozen}, state, lr)
        losses.append(loss)
        norms.append(norm)
        steps += batch.size
        if bar is not None:
            bar.update(1)
    return {"loss": float(np.mean(losses)), "norm": float(np.median(norms)),
            "norm_max": float(np.max(norms)), "steps": steps}


def train(params: dict, train_ids: np.ndarray, train_y: np.ndarray, val_ids: np.ndarray,
          val_y: np.ndarray, step: Callable, forward: Callable, *, epochs: int = 20,
          batch_size: int = 32, lr: float = 3e-3, patience: int = 3, seed: int = 0,
          frozen: Sequence[str] = (), progress: bool = True,
          metric: Callable | None = None) -> tuple:
    """Mini-batch Adam with early stopping on the validation loss.

    ``step(params, ids, y) -> (loss, clipped grads, norm)`` is one training step and
    ``forward(params, ids) -> (logits, ...)`` the model (both from the notebook). Returns
    (best params, history). The best parameters (lowest validation loss) are kept; training
    stops after ``patience`` epochs without improvement. ``metric(y_true, p)``, if given, is
    recorded on the validation set every epoch. ``progress`` shows a tqdm bar (tqdm writes
    to stderr: never use it inside a test cell).
    """
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    history = {"epoch": [], "train_loss": [], "val_loss": [], "val_metric": [],
               "grad_norm": [], "grad_norm_max": [], "steps": [], "seconds": []}
    best, best_loss, bad_epochs = _copy(params), math.inf, 0
    bar = _progress(epochs * math.ceil(len(train_ids) / batch_size), progress)
    start = time.perf_counter()
    with one_blas_thread():
        for epoch in range(1, epochs + 1):
            done = train_epoch(params, state, train_ids, train_y, step, rng,
                               batch_size=batch_size, lr=lr, frozen=frozen, bar=bar)
            val_loss = evaluate_loss(params, val_ids, val_y, forward)
            history["epoch"].append(epoch)
            history["train_loss"].append(done["loss"])
            history["val_loss"].append(val_loss)
            history["grad_norm"].append(done["norm"])
            history["grad_norm_max"].append(done["norm_max"])
            history["steps"].append(done["steps"])
            history["seconds"].append(time.perf_counter() - start)
            if metric is not None:
                p_val = predict_proba(params, val_ids, forward)
                history["val_metric"].append(float(metric(val_y, p_val)))
            if bar is not None:
                bar.set_postfix(epoch=epoch, train=f"{done['loss']:.3f}", val=f"{val_loss:.3f}")
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
    (kept by early stopping) is marked; returns the figure (about 950 px wide, so it is
    shown at full size)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    panels = ["loss"] + (["metric"] if history.get("val_metric") else []) + ["grad"]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.1 * len(panels), 3.2), squeeze=False)
    epochs, best = history["epoch"], history.get("best_epoch")
    for ax, panel in zip(axes[0], panels):
        if panel == "loss":
            ax.plot(epochs, history["train_loss"], "o-", color="C0", label="train")
            ax.plot(epochs, history["val_loss"], "s-", color="C1", label="validation")
            ax.set_ylabel("binary cross-entropy")
            ax.set_title("loss")
        elif panel == "metric":
            ax.plot(epochs, history["val_metric"], "s-", color="C2")
            ax.set_ylabel(metric_name)
            ax.set_title(f"validation {metric_name}")
        else:
            ax.semilogy(epochs, history["grad_norm"], "o-", color="C4", label="median batch")
            if history.get("grad_norm_max"):
                ax.semilogy(epochs, history["grad_norm_max"], "^--", color="C4",
                            label="largest batch")
            if clip is not None:
                ax.axhline(clip, color="C3", ls=":", label=f"clip = {clip:g}")
            ax.set_ylabel("global gradient norm")
            ax.set_title("norm before clipping")
        if best:
            ax.axvline(best, color="0.35", ls="--", lw=1, label=f"best epoch {best}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if panel != "metric":
            ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def draw_model(tokens=("free", "entry", "now", "!", "<PAD>", "<PAD>")):
    """The Lab03 model unrolled over time: tokens -> embedding -> RNN (the student's
    ``rnn_forward``) -> masked mean and max pooling of the real time steps, then one logit
    (the student's ``readout_forward``) -> sigmoid. Padding is greyed out and masked."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    T = len(tokens)
    step = 1.45
    fig, ax = plt.subplots(figsize=(step * T + 1.6, 4.3))
    ax.set_xlim(-1.5, step * (T - 1) + 0.8)
    ax.set_ylim(-0.5, 5.0)
    ax.axis("off")

    def box(x, y, text, color, w=1.1, h=0.55, alpha=1.0, size=11):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                    fc=color, ec="black", lw=1, alpha=alpha))
        ax.text(x, y, text, ha="center", va="center", fontsize=size,
                color="black" if alpha == 1.0 else "0.35")

    def arrow(x0, y0, x1, y1, alpha=1.0):
        ax.annotate("", (x1, y1), (x0, y0), alpha=alpha,
                    arrowprops={"arrowstyle": "->", "lw": 1.2})

    xs = [step * t for t in range(T)]
    centre = step * (T - 1) / 2
    box(-1.0, 2.0, "$h_0=0$", "white", w=0.8)
    for t, (x, tok) in enumerate(zip(xs, tokens)):
        pad = tok == "<PAD>"
        alpha = 0.35 if pad else 1.0
        box(x, 0.0, tok, "#eeeeee", alpha=alpha)
        box(x, 1.0, f"$x_{t + 1}$", "#d9ead3", alpha=alpha)
        box(x, 2.0, f"$h_{t + 1}$", "#cfe2f3", alpha=alpha)
        arrow(x, 0.3, x, 0.7, alpha)
        arrow(x, 1.3, x, 1.7, alpha)
        arrow(x - step + 0.58 if t else -0.58, 2.0, x - 0.58, 2.0, alpha)
        ax.text(x, 2.55, "mask 0" if pad else "mask 1", ha="center", fontsize=10,
                color="0.35" if pad else "black")
        if not pad:
            arrow(x, 2.8, centre + 0.4 * (x - centre), 3.3)
    box(centre, 3.6, "mean and max over the real steps: [mean; max]", "#fce5cd",
        w=step * T - 0.4)
    box(centre, 4.6, r"$P(\mathrm{spam}) = \sigma(w \cdot [\mathrm{mean};\,\mathrm{max}] + c)$",
        "#f4cccc", w=4.6)
    arrow(centre, 3.9, centre, 4.3)
    ax.text(-1.45, 0.0, "token", ha="left", va="center", fontsize=10)
    ax.text(-1.45, 1.0, "embedding", ha="left", va="center", fontsize=10)
    fig.tight_layout()
    return fig
