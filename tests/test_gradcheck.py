"""rnnlab.gradcheck: centred differences agree with known derivatives and catch wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.gradcheck import numerical_gradient, numerical_gradient_array, rel_error


def test_scalar_function_matches_its_known_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    num = numerical_gradient(lambda v: float(np.sum(np.sin(v) * v**2)), x)
    exact = np.cos(x) * x**2 + 2 * x * np.sin(x)
    assert rel_error(num, exact) < 1e-8


def test_array_function_gradient_is_the_vector_jacobian_product():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    dout = rng.normal(size=(2, 4))
    num_dx = numerical_gradient_array(lambda v: np.tanh(v @ w), x, dout)
    num_dw = numerical_gradient_array(lambda v: np.tanh(x @ v), w, dout)
    da = dout * (1 - np.tanh(x @ w) ** 2)
    assert rel_error(num_dx, da @ w.T) < 1e-8
    assert rel_error(num_dw, x.T @ da) < 1e-8


def test_a_wrong_gradient_is_detected():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    dout = rng.normal(size=(2, 4))
    num_dx = numerical_gradient_array(lambda v: np.tanh(v @ w), x, dout)
    forgot_tanh = dout @ w.T  # the derivative 1 - tanh^2 left out
    transposed_sign = -(dout * (1 - np.tanh(x @ w) ** 2)) @ w.T
    assert rel_error(num_dx, forgot_tanh) > 1e-3
    assert rel_error(num_dx, transposed_sign) == pytest.approx(1.0)


def test_a_lambda_that_ignores_its_argument_gets_a_zero_gradient():
    x = np.arange(6.0).reshape(2, 3)
    num = numerical_gradient_array(lambda v: x * 2.0, x, np.ones((2, 3)))
    assert np.all(num == 0)
    assert rel_error(num, 2.0 * np.ones((2, 3))) == pytest.approx(1.0)


def test_inputs_are_not_modified_and_float32_is_promoted():
    x = np.linspace(0.5, 1.5, 5).astype(np.float32)
    before = x.copy()
    num = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert num.dtype == np.float64
    assert np.array_equal(x, before)
    assert rel_error(num, 3 * x.astype(np.float64) ** 2) < 1e-8


def test_rel_error_floor_shapes_and_non_finite_values():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error([1e-12], [0.0]) == pytest.approx(1e-4)  # floor 1e-8 in the denominator
    assert rel_error([1.0, 2.0], [1.0, 2.0 + 2e-9]) == pytest.approx(5e-10)
    assert rel_error([np.nan], [1.0]) == float("inf")
    assert rel_error([1.0], [np.inf]) == float("inf")
    assert isinstance(rel_error(np.ones(2), np.ones(2)), float)
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.ones((2, 3)), np.ones((3, 2)))


def test_a_transposed_view_is_perturbed_like_any_array():
    """A non-C-contiguous x (e.g. a transpose) used to be copied by reshape(-1), so no
    perturbation reached f and the gradient came out 0."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 2)).T  # (2, 3), Fortran-ordered
    w = rng.normal(size=(3, 4))
    dout = rng.normal(size=(2, 4))
    num = numerical_gradient_array(lambda v: np.tanh(v @ w), x, dout)
    assert rel_error(num, (dout * (1 - np.tanh(x @ w) ** 2)) @ w.T) < 1e-8


def test_a_function_that_modifies_its_argument_cannot_shift_the_point():
    x = np.linspace(-1.0, 1.0, 4)

    def square_in_place(v):
        v **= 2  # a careless forward pass
        return v

    num = numerical_gradient_array(square_in_place, x, np.ones(4))
    assert rel_error(num, 2 * x) < 1e-8
