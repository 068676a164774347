"""Numerical gradients by centred differences, and the relative error used to compare them
with an analytic backward pass (cs231n style, float64).

    num_dx = numerical_gradient_array(lambda x_: forward(x_, w)[0], x, dout)
    assert rel_error(dx, num_dx) < 1e-7

The function is always called on a fresh perturbed float64 *copy* of ``x``: neither the
caller's array nor the point itself can be changed by ``f`` (a forward pass that modifies
its input in place still gets the right gradient checked), and a lambda that ignores its
own argument gets a zero gradient (and fails).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

REL_ERROR_FLOOR = 1e-8  # denominators below this are treated as this (both values ~ 0)


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function ``f`` at ``x`` by centred differences.

    Inputs:
    - f: function of one array argument returning a number
    - x: the point, any shape (converted to float64)
    - h: the step of the centred difference

    Returns an array of the shape of ``x``: d f / d x[i] ~ (f(x + h e_i) - f(x - h e_i)) / 2h.
    """
    return numerical_gradient_array(lambda x_: np.asarray(f(x_), dtype=np.float64), x,
                                    np.ones(()), h)


def numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                             df: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of ``sum(f(x) * df)`` at ``x``: the backward pass of ``f`` for upstream ``df``.

    Inputs:
    - f: function of one array argument returning an array of the shape of ``df``
    - x: the point, any shape (converted to float64)
    - df: upstream gradient of the output of ``f``
    - h: the step of the centred difference

    Returns an array of the shape of ``x``.
    """
    # a C-ordered copy: the caller's x is never touched, and reshape(-1) below is a view
    point = np.array(x, dtype=np.float64, order="C", copy=True)
    upstream = np.asarray(df, dtype=np.float64)
    grad = np.zeros_like(point)
    flat, flat_grad = point.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = np.array(f(point.copy()), dtype=np.float64)
        flat[i] = saved - h
        minus = np.array(f(point.copy()), dtype=np.float64)
        flat[i] = saved
        flat_grad[i] = np.sum((plus - minus) * upstream) / (2 * h)
    return grad


def rel_error(a, b, floor: float = REL_ERROR_FLOOR) -> float:
    """Largest elementwise relative error ``|a - b| / max(floor, |a| + |b|)``.

    Shapes must match (a ValueError says which differ). Returns a Python float; ``inf`` when
    either side holds NaN or inf, so a broken gradient can never look accurate.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))
