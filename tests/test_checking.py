"""The check machinery shared by notebooks and the autograder."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.checking import (
    Check,
    ProbeError,
    compare,
    execute_probe,
    report,
    run_checks,
    to_plain,
)


class AlwaysEqual:
    def __eq__(self, other):
        return True


class FakeArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), bool)


def test_plain_data_passes_through_as_copies():
    arr = np.arange(3)
    out = to_plain({"a": [arr, (1, 2.5, "x", None, True)]})
    assert out["a"][0] is not arr and np.array_equal(out["a"][0], arr)
    assert out["a"][1] == (1, 2.5, "x", None, True)
    assert type(to_plain(np.float64(1.5))) is float


@pytest.mark.parametrize("value", [AlwaysEqual(), np.arange(3).view(FakeArray),
                                   np.array([AlwaysEqual()], dtype=object), {1: 2},
                                   (x for x in [])])
def test_objects_that_could_fake_a_comparison_are_refused(value):
    with pytest.raises(ProbeError):
        to_plain(value)


@pytest.mark.parametrize(("out", "expected", "fragment"), [
    (np.zeros((2, 3)), np.zeros((3, 2)), "shape"),
    (np.zeros(3), np.zeros(3, dtype=np.int32), "dtype"),
    ([1, 2], np.array([1, 2]), "ndarray"),
    (np.array([1.0, 2.0]), np.array([1.0, 2.5]), "[1]"),
    ([1, 2, 3], [1, 2], "長度"),
    ({"a": 1}, {"a": 1, "b": 2}, "缺少 ['b']"),
    ({"b": 2, "a": 1}, {"a": 1, "b": 2}, "順序"),
    (["a", "B"], ["a", "b"], "'B'"),
    (1.5, 1, "整數"),
    (True, 1, "數字"),
])
def test_compare_names_the_first_difference(out, expected, fragment):
    diff = compare(out, expected, "equal")
    assert diff is not None and fragment in diff


def test_compare_accepts_close_floats_and_exact_matches():
    assert compare(np.array([1.0, 2.0]) + 1e-12, np.array([1.0, 2.0])) is None
    assert compare({"a": [1, "x"]}, {"a": [1, "x"]}, "equal") is None
    assert compare(1e-9, 1e-7, "at_most") is None
    assert compare(1e-3, 1e-7, "at_most") is not None
    assert compare(float("nan"), 1e-7, "at_most") is not None


def test_probe_inputs_are_fresh_copies():
    def mutate(x):
        x += 1
        return x

    check = Check("mutates", "out = f(x)", {"x": np.zeros(2)}, np.ones(2))
    assert execute_probe(check, {"f": mutate}).tolist() == [1.0, 1.0]
    assert execute_probe(check, {"f": mutate}).tolist() == [1.0, 1.0]
    assert check.inputs["x"].tolist() == [0.0, 0.0]


def test_student_errors_become_messages(capsys):
    def boom():
        raise ValueError("shapes do not match")

    def todo():
        raise NotImplementedError()

    def loud():
        import sys
        import warnings

        print("debug", file=sys.stderr)
        warnings.warn("careful", stacklevel=2)
        return np.log(np.zeros(1))

    checks = [Check("boom", "out = boom()", expected=1, message="m1"),
              Check("todo", "out = todo()", expected=1, message="m2"),
              Check("missing", "out = nothere()", expected=1, message="m3"),
              Check("loud", "out = loud()", expected=np.array([-np.inf]), message="m4")]
    results = run_checks(checks, {"boom": boom, "todo": todo, "loud": loud})
    assert [r.passed for r in results] == [False, False, False, True]
    assert "ValueError: shapes do not match" in results[0].message
    assert "NotImplementedError" in results[1].message
    assert "nothere" in results[2].message
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_an_infinite_loop_is_stopped_with_a_message():
    def spin():
        while True:
            pass

    [result] = run_checks([Check("loop", "out = spin()", expected=1, message="m")],
                          {"spin": spin}, time_limit=0.5)
    assert not result.passed and "無窮迴圈" in result.message


def test_report_lists_each_failure():
    checks = [Check("ok", "out = 1", expected=1, message="fine"),
              Check("bad", "out = 2", expected=1, message="二不是一")]
    with pytest.raises(AssertionError) as err:
        report(run_checks(checks, {}), "demo")
    assert "1/2" in str(err.value) and "[bad] 二不是一" in str(err.value)
    report(run_checks(checks[:1], {}), "demo")


def test_a_loop_that_catches_exception_is_still_stopped():
    def stubborn():
        while True:
            try:
                while True:
                    pass
            except Exception:  # noqa: BLE001 - what a student might write
                continue

    [result] = run_checks([Check("loop", "out = f()", expected=1, message="m")],
                          {"f": stubborn}, time_limit=0.5)
    assert not result.passed and "無窮迴圈" in result.message


def test_an_unfinished_function_is_reported_once():
    def todo(x):
        raise NotImplementedError()

    checks = [Check(f"c{i}", "out = todo(1)", expected=1, message=f"hint {i}") for i in range(5)]
    with pytest.raises(AssertionError) as err:
        report(run_checks(checks, {"todo": todo}), "demo")
    text = str(err.value)
    assert "5/5" in text and text.count("NotImplementedError") == 1


def test_uncomparable_results_fail_with_a_message():
    [result] = run_checks([Check("huge", "out = 10**400", expected=1.0, message="m")], {})
    assert not result.passed and "無法比較" in result.message


@pytest.mark.parametrize("dtype", ["float16", "complex128", "longdouble", "object"])
def test_arrays_outside_the_wire_dtypes_are_refused(dtype):
    with pytest.raises(ProbeError):
        to_plain(np.zeros(2, dtype=dtype))
