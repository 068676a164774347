"""Time the reference RNN forward + backward (19-2) against torch.nn.RNN on the same threads.

    python benchmarks/bench_rnn.py [--threads 2] [--repeat 7]

Both sides run N=32, T=50, D=32, H=64 (batch-first, tanh), forward then backward with an
upstream gradient for every h_t, and report the best of several timings; the ratio is
numpy / PyTorch at the same dtype (goal: <= 1.0). Needs the optional PyTorch extra.
"""

from __future__ import annotations

# isort: skip_file

import argparse
import time

from _setup import THREADS_DEFAULT  # first: sets the BLAS threads before numpy loads

import numpy as np

from autograder.reference import reference_namespace

N, T, D, H = 32, 50, 32, 64


def best_times(fns, repeat: int, number: int) -> list[float]:
    """Best mean time of ``number`` calls over ``repeat`` rounds for each function, after a
    warm-up call. The rounds alternate between the functions, so that a busy moment on a
    shared machine slows them all rather than one of them."""
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            best[i] = min(best[i], (time.perf_counter() - start) / number)
    return best


def numpy_case(ref: dict, dtype, rng: np.random.Generator):
    x = rng.normal(size=(N, T, D)).astype(dtype)
    h0 = np.zeros((N, H), dtype=dtype)
    Wx = (rng.normal(size=(D, H)) / np.sqrt(D)).astype(dtype)
    Wh = (rng.normal(size=(H, H)) / np.sqrt(H)).astype(dtype)
    b = np.zeros(H, dtype=dtype)
    dh = rng.normal(size=(N, T, H)).astype(dtype)
    forward, backward = ref["rnn_forward"], ref["rnn_backward"]

    def step():
        _, cache = forward(x, h0, Wx, Wh, b)
        backward(dh, cache)

    return step


def torch_case(torch, dtype, rng: np.random.Generator):
    rnn = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").to(dtype)
    x = torch.tensor(rng.normal(size=(N, T, D)), dtype=dtype, requires_grad=True)
    h0 = torch.zeros(1, N, H, dtype=dtype, requires_grad=True)
    dh = torch.tensor(rng.normal(size=(N, T, H)), dtype=dtype)

    def step():
        rnn.zero_grad(set_to_none=True)
        x.grad = h0.grad = None
        out, _ = rnn(x, h0)
        out.backward(dh)

    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("bench_rnn: PyTorch is not installed (make setup-bench); skipped")
        return 0
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    ref = reference_namespace("ch19_2_bptt")
    rng = np.random.default_rng(0)
    print(f"RNN forward + backward, N={N} T={T} D={D} H={H}, {args.threads} threads, "
          f"best of {args.repeat} x {args.number} calls (the machine may be shared: "
          f"re-run for stable numbers)")
    rows = []
    with threadpool_limits(limits=args.threads):
        for np_dtype, torch_dtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
            t_np, t_torch = best_times(
                [numpy_case(ref, np_dtype, rng), torch_case(torch, torch_dtype, rng)],
                args.repeat, args.number)
            rows.append((np.dtype(np_dtype).name, t_np, t_torch))
    for name, t_np, t_torch in rows:
        verdict = "goal met" if t_np <= t_torch else "numpy is slower"
        print(f"  {name}: numpy reference {t_np * 1e3:7.3f} ms   torch.nn.RNN "
              f"{t_torch * 1e3:7.3f} ms   ratio numpy/torch = {t_np / t_torch:.2f} ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
