"""Demo code for 19-3 (梯度消失以及梯度爆炸): toy recurrences, a cliff, and their figures.

Nothing here solves a graded exercise: the notebook hands in the students' Jacobians and
clipping functions. ``train_cliff`` is Pascanu, Mikolov & Bengio's (2013) single-unit RNN
with its own fused gradient; it runs no batch, input or read-out, so it cannot stand in
for the generic ``rnn_forward``/``rnn_backward`` of 19-1 and 19-2.

The figures' own labels are zh-TW where a CJK font is installed and English otherwise
(:func:`rnnlab.fonts.label`); the labels a notebook passes are drawn as given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects

from rnnlab.diagrams import use_cjk_fonts
from rnnlab.fonts import label

# the cliff problem: h_t = tanh(h_{t-1} Wh + b) with one unit, h_0 = 0.5, loss (h_20 + 0.2)^2
CLIFF_T = 20
CLIFF_H0 = 0.5
CLIFF_TARGET = -0.2
CLIFF_START = (1.5, -0.25)  # (Wh, b): gradient descent walks into the cliff from here


# ---------------------------------------------------------------- recurrences
def scaled_orthogonal(H: int, radius: float, seed: int = 0) -> np.ndarray:
    """A random (H, H) orthogonal matrix times ``radius``: every singular value and every
    eigenvalue modulus equals ``radius``, so its spectral radius is exactly ``radius``."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((H, H)))
    return radius * q * np.sign(np.diag(r))  # sign fix: uniformly distributed rotation


def tanh_rnn_states(Wh: np.ndarray, T: int, seed: int = 0,
                    input_scale: float = 0.1) -> np.ndarray:
    """Hidden states h_1..h_T, shape (T, H), of one sequence of a tanh RNN driven by its own
    random inputs: h_t = tanh(h_{t-1} Wh + u_t), h_0 = 0, u_t ~ N(0, input_scale^2)."""
    rng = np.random.default_rng(seed)
    H = Wh.shape[0]
    u = input_scale * rng.standard_normal((T, H))  # stands for x_t Wx + b
    h = np.empty((T, H))
    prev = np.zeros(H)
    for t in range(T):
        prev = h[t] = np.tanh(prev @ Wh + u[t])
    return h


def additive_cell(Wh: np.ndarray, T: int, alpha: float = 0.02, seed: int = 0,
                  input_scale: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A cell with a linear (additive) recurrence, h_t = h_{t-1} + alpha tanh(h_{t-1} Wh + u_t).

    Returns (h, J): the states h_1..h_T, shape (T, H), and the Jacobians
    J[t-1] = dh_t/dh_{t-1} = I + alpha diag(1 - a_t^2) Wh^T, shape (T, H, H), where
    a_t = tanh(h_{t-1} Wh + u_t). The identity comes from the additive path h_{t-1}.
    """
    rng = np.random.default_rng(seed)
    H = Wh.shape[0]
    u = input_scale * rng.standard_normal((T, H))
    h = np.empty((T, H))
    J = np.empty((T, H, H))
    prev = np.zeros(H)
    for t in range(T):
        a = np.tanh(prev @ Wh + u[t])
        prev = h[t] = prev + alpha * a
        J[t] = np.eye(H) + alpha * (1.0 - a**2)[:, None] * Wh.T
    return h, J


def propagate_gradient(jacobians: np.ndarray, g_last: np.ndarray) -> np.ndarray:
    """Carry one gradient dC/dh_T back through the Jacobians J[t-1] = dh_t/dh_{t-1}.

    Inputs: jacobians (T, H, H); g_last (H,), the gradient dC/dh_T.
    Returns G, shape (T + 1, H), G[t] = dC/dh_t for t = 0..T, in the dtype of the inputs
    (float16 or float32 overflow long before float64 does). Overflow gives inf, and inf
    then meets -inf or 0 and gives nan: wrap the call in ``np.errstate`` to silence that.
    """
    T = jacobians.shape[0]
    dtype = np.result_type(jacobians, g_last)
    G = np.empty((T + 1, g_last.shape[0]), dtype=dtype)
    G[T] = g_last
    for t in range(T, 0, -1):
        G[t - 1] = G[t] @ jacobians[t - 1]  # row-vector chain rule: dC/dh_{t-1}
    return G


def weight_gradient_shares(h: np.ndarray, G: np.ndarray) -> np.ndarray:
    """Each time step's share of the gradient of Wh of a tanh RNN h_t = tanh(h_{t-1} Wh + u_t).

    dC/dWh = sum_t h_{t-1}^T (dC/dh_t * (1 - h_t^2)) (19-2's ``dWh += ...``); the term of step
    t is an outer product with norm ||h_{t-1}|| ||dC/dh_t * (1 - h_t^2)||.
    Inputs: h (T, H), the states h_1..h_T (h_0 = 0); G (T + 1, H), G[t] = dC/dh_t as
    returned by ``propagate_gradient``.
    Returns shares, shape (T,): shares[t-1] = the norm of step t's term / the sum of them all.
    """
    h_prev = np.vstack([np.zeros((1, h.shape[1])), h[:-1]])  # h_0, ..., h_{T-1}
    norms = np.linalg.norm(h_prev, axis=1) * np.linalg.norm(G[1:] * (1.0 - h**2), axis=1)
    return norms / norms.sum()


def first_nonfinite(values: np.ndarray) -> int | None:
    """Index of the first row of ``values`` that holds an inf or a nan (None if all finite)."""
    bad = ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


# ---------------------------------------------------------------- the cliff (Pascanu 2013)
def cliff_states(Wh, b, T: int = CLIFF_T, h0: float = CLIFF_H0) -> np.ndarray:
    """States h_0..h_T of the single-unit RNN h_t = tanh(h_{t-1} Wh + b), for scalar or
    array-valued Wh and b (a whole grid at once); shape (T + 1, *broadcast shape)."""
    Wh, b = np.broadcast_arrays(np.asarray(Wh, float), np.asarray(b, float))
    h = np.empty((T + 1, *Wh.shape))
    h[0] = h0
    for t in range(1, T + 1):
        h[t] = np.tanh(h[t - 1] * Wh + b)
    return h


def cliff_loss_and_grads(params: Mapping[str, np.ndarray], T: int = CLIFF_T,
                         h0: float = CLIFF_H0,
                         target: float = CLIFF_TARGET) -> tuple[float, dict]:
    """Loss (h_T - target)^2 of the single-unit RNN and its gradient (BPTT, fused).

    params: {"Wh": (1, 1), "b": (1,)}. Returns (loss, {"Wh": (1, 1), "b": (1,)}).
    """
    w, b = float(params["Wh"][0, 0]), float(params["b"][0])
    h = cliff_states(w, b, T, h0)
    loss = (h[T] - target) ** 2
    dh = 2.0 * (h[T] - target)
    dw = db = 0.0
    for t in range(T, 0, -1):
        da = dh * (1.0 - h[t] ** 2)  # through tanh
        dw += da * h[t - 1]
        db += da
        dh = da * w  # on to h_{t-1}: the factor that explodes or vanishes
    return float(loss), {"Wh": np.array([[dw]]), "b": np.array([db])}


def train_cliff(clip: Callable[[dict], dict] | None = None, steps: int = 150,
                lr: float = 0.3, start: tuple[float, float] = CLIFF_START) -> dict:
    """Plain gradient descent on the cliff problem, optionally clipping every gradient.

    clip: a function grads -> clipped grads (the same keys), e.g.
        ``lambda g: clip_by_norm(g, 1.0)[0]``; None trains without clipping.
    Returns {"loss": (steps,), "grad_norm": (steps,) global norm before clipping,
    "path": (steps + 1, 2) the (Wh, b) visited}.
    """
    params = {"Wh": np.array([[start[0]]]), "b": np.array([start[1]])}
    losses, norms, path = [], [], [start]
    for _ in range(steps):
        loss, grads = cliff_loss_and_grads(params)
        losses.append(loss)
        norms.append(float(np.hypot(grads["Wh"][0, 0], grads["b"][0])))
        if clip is not None:
            grads = clip(grads)
        params = {k: params[k] - lr * grads[k] for k in params}
        path.append((float(params["Wh"][0, 0]), float(params["b"][0])))
    return {"loss": np.array(losses), "grad_norm": np.array(norms), "path": np.array(path)}


# ---------------------------------------------------------------- figures
def _axes(ax, figsize=(6.0, 3.6)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_log_curves(curves: Mapping[str, np.ndarray], ax=None, x=None, xlabel: str = "",
                    ylabel: str = "", title: str = "", colors: Sequence[str] | None = None):
    """Plot named curves on a log y axis against ``x`` (default 1, 2, ...); values that
    are zero, negative, inf or nan cannot be drawn there and are left out."""
    ax = _axes(ax)
    for i, (name, y) in enumerate(curves.items()):
        y = np.asarray(y, dtype=float)
        xs = np.arange(1, len(y) + 1) if x is None else np.asarray(x)
        keep = np.isfinite(y) & (y > 0)
        color = colors[i] if colors else f"C{i}"
        ax.semilogy(xs[keep], y[keep], label=name, color=color)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    use_cjk_fonts(ax.figure)  # labels a notebook wrote with rnnlab.fonts.label
    return ax


def plot_clip_geometry(g: np.ndarray, by_value: np.ndarray, by_norm: np.ndarray,
                       threshold: float, ax=None):
    """A 2-D gradient, its value-clipped and norm-clipped versions, the box |g_i| <= c and
    the circle ||g|| <= c: value clipping turns the arrow, norm clipping only shortens it."""
    ax = _axes(ax, (4.6, 4.2))
    c = threshold
    ax.add_patch(plt.Rectangle((-c, -c), 2 * c, 2 * c, fill=False, ls="--", color="C1"))
    ax.add_patch(plt.Circle((0, 0), c, fill=False, ls=":", color="C2"))
    for vec, name, color, lw in ((g, "g", "0.55", 3.5), (by_value, "clip_by_value(g)", "C1", 2),
                                 (by_norm, "clip_by_norm(g)", "C2", 2)):
        ax.annotate("", xy=vec, xytext=(0, 0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": lw})
        angle = np.degrees(np.arctan2(vec[1], vec[0]))
        ax.plot([], [], color=color, lw=lw, label=label(f"{name}：角度 {angle:.1f}°",
                                                        f"{name}: angle {angle:.1f} deg"))
    right, top = 1.15 * max(abs(g[0]), c), 1.25 * max(abs(g[1]), c)
    ax.set(xlim=(-1.15 * c, right), ylim=(-1.15 * c, top + 0.6 * c), aspect="equal",
           xlabel="$g_1$", ylabel="$g_2$",
           title=label(f"梯度裁剪 (gradient clipping)，門檻 = max_norm = {c:g}",
                       f"clipping a gradient, threshold = max_norm = {c:g}"))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    use_cjk_fonts(ax.figure)
    return ax


def _clip_to_frame(start, end, xlim, ylim):
    """Where the segment start -> end leaves the rectangle xlim x ylim (start is inside)."""
    (x0, y0), (x1, y1) = start, end
    ts = [1.0]
    for lo, hi, a, b in ((*xlim, x0, x1), (*ylim, y0, y1)):
        if b != a:
            ts += [t for t in ((lo - a) / (b - a), (hi - a) / (b - a)) if 0 < t < 1]
    t = min(ts)
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def plot_cliff(histories: Mapping[str, dict], ax=None, w_range=(-1.0, 3.0),
               b_range=(-1.5, 1.5), colors: Sequence[str] | None = None):
    """The loss surface of the cliff problem over (Wh, b) (light = low loss, dark = high
    loss, white contour lines every 0.2) with the descent paths of ``train_cliff``
    histories; a path that leaves the frame is labelled with where it ends."""
    ax = _axes(ax, (5.2, 4.0))
    ws = np.linspace(*w_range, 241)
    bs = np.linspace(*b_range, 181)
    W, B = np.meshgrid(ws, bs)
    loss = (cliff_states(W, B)[-1] - CLIFF_TARGET) ** 2
    levels = np.linspace(0.0, 1.44, 25)
    im = ax.contourf(W, B, loss, levels=levels, cmap="viridis_r")
    ax.contour(W, B, loss, levels=levels[::3][1:], colors="white", linewidths=0.5,
               alpha=0.6)
    loss_name = "$(h_{20} - y)^2$"
    ax.figure.colorbar(im, ax=ax, label=label(f"損失 loss {loss_name}", f"loss {loss_name}"),
                       ticks=levels[::6])
    outline = [patheffects.withStroke(linewidth=3.5, foreground="white")]
    for i, (name, hist) in enumerate(histories.items()):
        path = hist["path"]
        color = colors[i] if colors else f"C{i}"
        ax.plot(path[:, 0], path[:, 1], ".-", color=color, lw=1.6, ms=4, label=name,
                path_effects=outline)
        inside = ((path[:, 0] >= w_range[0]) & (path[:, 0] <= w_range[1])
                  & (path[:, 1] >= b_range[0]) & (path[:, 1] <= b_range[1]))
        if not inside.all():  # say where a path that leaves the map ends up
            k = int(np.argmin(inside))
            exit_at = _clip_to_frame(path[k - 1], path[k], w_range, b_range)
            end = path[-1]
            where = f"({end[0]:.0f}, {end[1]:.0f})"
            ax.annotate(label(f"{name}：離開地圖，\n最後停在 {where}",
                              f"{name}: leaves the map,\nends at {where}"),
                        xy=exit_at, xytext=(-6, -8), textcoords="offset points",
                        ha="right", va="top", color=color, fontsize=9,
                        bbox={"boxstyle": "round", "fc": "white", "ec": color, "alpha": 0.9})
    ax.plot(*CLIFF_START, "*", color="white", mec="k", ms=15, label=label("起點", "start"))
    ax.set(xlim=w_range, ylim=b_range, xlabel="$W_h$", ylabel="$b$",
           title=label("單一單元 tanh RNN 的 loss 地形（T = 20）",
                       "loss surface of a one-unit tanh RNN (T = 20)"))
    ax.legend(fontsize=9, loc="lower left")
    use_cjk_fonts(ax.figure)
    return ax
