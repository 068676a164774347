"""Hand-written submissions of Lab03 (建立 RNN 網路做垃圾郵件分類): correct-but-different
read-outs and backwards that earn full marks, and one-mistake submissions with the partial
points each must get (see ``autograder/tests/cases/__init__.py``).

An alternative replaces one answer cell and keeps the reference in the other, so the
alternatives of readout_forward return the reference's cache layout ``(mask, top, pooled,
w)`` (top: the time step of each dimension's max) and those of readout_backward read it.
"""

from autograder.tests.cases import Mistake

HEAD = "import numpy as np\n\n\n"

# ---------------------------------------------------------------- readout_forward
FORWARD_ROW_LOOP = HEAD + '''def readout_forward(h, mask, w, c):
    N, T, H = h.shape
    pooled = np.zeros((N, 2 * H))
    top = np.zeros((N, H), dtype=int)
    for n in range(N):
        steps = np.flatnonzero(mask[n])      # the real time steps of row n
        real = h[n, steps]                   # (L_n, H), a copy
        pooled[n, :H] = real.mean(axis=0)
        top[n] = steps[real.argmax(axis=0)]
        pooled[n, H:] = real.max(axis=0)
    logits = pooled @ w + c
    return logits, (mask, top, pooled, w)
'''
FORWARD_MASKED_ARRAY = HEAD + '''def readout_forward(h, mask, w, c):
    hidden = np.ma.masked_array(h, mask=np.broadcast_to(~mask[:, :, None], h.shape))
    mean = hidden.mean(axis=1).filled(0.0)
    top = hidden.argmax(axis=1, fill_value=-np.inf)
    biggest = hidden.max(axis=1).filled(0.0)
    pooled = np.hstack([mean, biggest])
    return pooled.dot(w) + c, (mask, top, pooled, w)
'''
FORWARD_EINSUM_COPY = HEAD + '''def readout_forward(h, mask, w, c):
    N, T, H = h.shape
    m = mask.astype(h.dtype)
    lengths = m.sum(axis=1)[:, None]
    mean = np.einsum("nt,nth->nh", m, h) / lengths
    masked = h.copy()
    masked[~mask] = -np.inf                  # a copy: the caller's h is untouched
    top = masked.argmax(axis=1)
    biggest = masked.max(axis=1)
    pooled = np.concatenate((mean, biggest), axis=-1)
    logits = pooled @ w[:, None]
    return logits[:, 0] + c, (mask, top, pooled, w)
'''

# ---------------------------------------------------------------- readout_backward
BACKWARD_LOOPS = HEAD + '''def readout_backward(dlogits, cache):
    mask, top, pooled, w = cache
    N, T = mask.shape
    H = top.shape[1]
    dh = np.zeros((N, T, H))
    for n in range(N):
        for t in range(T):
            if mask[n, t]:
                dh[n, t] += dlogits[n] * w[:H] / mask[n].sum()
        for j in range(H):
            dh[n, top[n, j], j] += dlogits[n] * w[H + j]
    dw = np.zeros(2 * H)
    for n in range(N):
        dw += dlogits[n] * pooled[n]
    return dh, dw, float(np.sum(dlogits))
'''
BACKWARD_PUT_ALONG_AXIS = HEAD + '''def readout_backward(dlogits, cache):
    mask, top, pooled, w = cache
    H = len(w) // 2
    lengths = np.count_nonzero(mask, axis=1)[:, None]
    dpooled = np.outer(dlogits, w)
    dmean, dmax = dpooled[:, :H], dpooled[:, H:]
    dh = np.where(mask[:, :, None], (dmean / lengths)[:, None, :], 0.0)
    spike = np.zeros_like(dh)
    np.put_along_axis(spike, top[:, None, :], dmax[:, None, :], axis=1)
    return dh + spike, dlogits @ pooled, dlogits.sum()
'''
BACKWARD_ONE_HOT = HEAD + '''def readout_backward(dlogits, cache):
    mask, top, pooled, w = cache
    N, T = mask.shape
    H = top.shape[1]
    one_hot = (np.arange(T)[None, :, None] == top[:, None, :])     # (N, T, H)
    share = mask[:, :, None] / mask.sum(axis=1)[:, None, None]     # 1/L_n at real steps
    dh = dlogits[:, None, None] * (share * w[None, None, :H] + one_hot * w[None, None, H:])
    return dh, np.einsum("n,nk->k", dlogits, pooled), np.array(dlogits.sum())
'''

ALTERNATIVES = {
    "readout_forward": [FORWARD_ROW_LOOP, FORWARD_MASKED_ARRAY, FORWARD_EINSUM_COPY],
    "readout_backward": [BACKWARD_LOOPS, BACKWARD_PUT_ALONG_AXIS, BACKWARD_ONE_HOT],
}

# ---------------------------------------------------------------- one mistake each
REFERENCE_TAIL = '''    pooled = np.concatenate([mean, maxed], axis=1)
    top = np.where(m, h, -np.inf).argmax(axis=1)
    return pooled @ w + c, (mask, top, pooled, w)
'''


def _forward(body: str) -> str:
    """readout_forward with the reference's cache and the given pooling lines."""
    return (HEAD + "def readout_forward(h, mask, w, c):\n"
            "    m = mask[:, :, None]\n"
            "    lengths = m.sum(axis=1).astype(float)\n" + body + REFERENCE_TAIL)


def _backward(mean_part: str, max_part: str, dc: str = "dlogits.sum()") -> str:
    """readout_backward of the reference's cache with the given lines."""
    return (HEAD + "def readout_backward(dlogits, cache):\n"
            "    mask, top, pooled, w = cache\n"
            "    N, T = mask.shape\n"
            "    H = top.shape[1]\n"
            "    lengths = mask.sum(axis=1, keepdims=True)\n"
            "    dpooled = dlogits[:, None] * w\n"
            f"    dh = {mean_part}\n"
            "    rows, dims = np.ogrid[:N, :H]\n"
            f"    {max_part}\n"
            f"    return dh, pooled.T @ dlogits, {dc}\n")


MEAN_OK = "    mean = np.where(m, h, 0.0).sum(axis=1) / lengths\n"
MAX_OK = "    maxed = np.where(m, h, -np.inf).max(axis=1)\n"
DH_MEAN_OK = "mask[:, :, None] * (dpooled[:, None, :H] / lengths[:, None])"
DH_MAX_OK = "dh[rows, top, dims] += dpooled[:, H:]"

MISTAKES = [
    Mistake(
        name="forward_ignores_the_mask",
        cell="readout_forward",
        source=_forward("    mean = h.mean(axis=1)\n    maxed = h.max(axis=1)\n"),
        points={"test_readout_forward": 1.58, "test_readout_backward": 5.17},
        first_message="padding 的 h",
        about="mean and max over all T steps: padding counted",
    ),
    Mistake(
        name="forward_divides_by_T",
        cell="readout_forward",
        source=_forward("    mean = np.where(m, h, 0.0).sum(axis=1) / h.shape[1]\n" + MAX_OK),
        points={"test_readout_forward": 2.06, "test_readout_backward": 5.17},
        first_message="分母應是每一列自己真正的 time step 數",
        about="the mean of a row divides by T, not by the row's length",
    ),
    Mistake(
        name="forward_assumes_real_tokens_first",
        cell="readout_forward",
        source=_forward(
            "    L = mask.sum(axis=1)\n"
            "    mean = np.stack([h[n, :k].mean(axis=0) for n, k in enumerate(L)])\n"
            "    maxed = np.stack([h[n, :k].max(axis=0) for n, k in enumerate(L)])\n"),
        points={"test_readout_forward": 3.52},
        first_message="mask 為 True 的位置不一定在最前面",
        about="takes the first mask.sum() steps (right for post-padding only)",
    ),
    Mistake(
        name="forward_max_of_masked_product",
        cell="readout_forward",
        source=_forward(MEAN_OK + "    maxed = (h * m).max(axis=1)\n"),
        points={"test_readout_forward": 2.06},
        first_message="真正的 h 都是負數時 max 不對",
        about="max of h * mask: a padding 0 beats negative states",
    ),
    Mistake(
        name="forward_modifies_h",
        cell="readout_forward",
        source=_forward("    h[~mask] = 0.0\n"
                        "    mean = h.sum(axis=1) / lengths\n"
                        "    h[~mask] = -np.inf\n"
                        "    maxed = h.max(axis=1)\n"),
        points={"test_readout_forward": 3.76},
        first_message="readout_forward 修改了傳進來的參數",
        about="writes into the caller's h (right values)",
    ),
    Mistake(
        name="backward_forgets_the_length",
        cell="readout_backward",
        source=_backward("mask[:, :, None] * dpooled[:, None, :H]", DH_MAX_OK),
        points={"test_readout_backward": 3.31},
        first_message="每一步得到 dmean[n] / L_n",
        about="every real step gets the whole dmean instead of dmean / L_n",
    ),
    Mistake(
        name="backward_max_to_every_step",
        cell="readout_backward",
        source=_backward(DH_MEAN_OK, "dh = dh + mask[:, :, None] * dpooled[:, None, H:]"),
        points={"test_readout_backward": 3.31},
        first_message="只流向取到最大值的那個 time step",
        about="dmax is added to every real step instead of the argmax step only",
    ),
    Mistake(
        name="backward_dc_is_a_mean",
        cell="readout_backward",
        source=_backward(DH_MEAN_OK, DH_MAX_OK, dc="dlogits.mean()"),
        points={"test_readout_backward": 5.38},
        first_message="dc 不對",
        about="dc = mean of dlogits (the 1/N counted twice)",
    ),
    Mistake(
        name="backward_changes_the_cache",
        cell="readout_backward",
        source=(HEAD + "def readout_backward(dlogits, cache):\n"
                "    mask, top, pooled, w = cache\n"
                "    N, T = mask.shape\n"
                "    H = top.shape[1]\n"
                "    lengths = mask.sum(axis=1, keepdims=True)\n"
                "    pooled *= dlogits[:, None]  # in place: the cache changes\n"
                "    dw = pooled.sum(axis=0)\n"
                "    dpooled = dlogits[:, None] * w\n"
                f"    dh = {DH_MEAN_OK}\n"
                "    rows, dims = np.ogrid[:N, :H]\n"
                f"    {DH_MAX_OK}\n"
                "    return dh, dw, dlogits.sum()\n"),
        points={"test_readout_backward": 5.59},
        first_message="readout_backward 修改了 dlogits 或 cache",
        about="scales the cached pooled features in place (a second call differs)",
    ),
]
