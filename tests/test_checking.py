"""The check machinery shared by notebooks and the autograder."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.checking import (
    Check,
    CheckResult,
    ProbeError,
    Verdict,
    compare,
    execute_probe,
    feedback,
    from_json,
    grade_test,
    run_checks,
    to_json,
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
    assert [r.failure for r in results[:3]] == ["error", "unfinished", "missing"]
    assert "ValueError: shapes do not match" in results[0].detail
    assert "在 boom " in results[0].detail, "the student's function and line are named"
    assert "函式 todo 還沒完成" in results[1].detail
    assert "nothere" in results[2].detail
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_an_infinite_loop_is_stopped_with_a_message():
    def spin():
        while True:
            pass

    [result] = run_checks([Check("loop", "out = spin()", expected=1, message="m")],
                          {"spin": spin}, time_limit=0.5)
    assert not result.passed and result.failure == "timeout" and "無窮迴圈" in result.detail


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
    assert not result.passed and "無窮迴圈" in result.detail


def test_an_unfinished_function_is_reported_once():
    def todo(x):
        raise NotImplementedError()

    checks = [Check(f"c{i}", "out = todo(1)", expected=1, message=f"hint {i}") for i in range(5)]
    lines = feedback(grade_test("test_todo", 2, run_checks(checks, {"todo": todo})))
    assert lines[0] == "✗ test_todo：0/2 分（0/5 項檢查通過）"
    assert lines[1:] == ["  函式 todo 還沒完成：請把 `raise NotImplementedError()` 換成你的程式碼"]


def test_uncomparable_results_fail_with_a_message():
    [result] = run_checks([Check("huge", "out = 10**400", expected=1.0, message="m")], {})
    assert not result.passed and "無法比較" in result.detail


@pytest.mark.parametrize("dtype", ["float16", "complex128", "longdouble", "object"])
def test_arrays_outside_the_wire_dtypes_are_refused(dtype):
    with pytest.raises(ProbeError):
        to_plain(np.zeros(2, dtype=dtype))


# ---------------------------------------------------------------- partial credit, feedback
def _result(name, passed, weight=1.0, failure="", message="", detail="", kind="public"):
    return CheckResult(name, passed, weight, kind, message, detail,
                       failure or ("" if passed else "wrong"))


def test_a_test_is_worth_the_weighted_share_of_its_checks():
    checks = [_result("a", True, 2), _result("b", False, 1), _result("c", True, 1)]
    assert grade_test("t", 3, checks).points == 2.25  # 3 * (2 + 1) / 4
    assert grade_test("t", 2, [_result("a", True)] * 9).points == 2
    assert grade_test("t", 2, [_result("a", True)] * 8 + [_result("b", False)]).points == 1.78
    assert grade_test("t", 2, [_result("a", False)]).points == 0
    assert grade_test("t", 2, []).points == 0


def test_feedback_names_each_cause_once_and_at_most_three():
    checks = [_result("ok", True)] + [
        _result(f"c{i}", False, message=f"原因 {i % 4}", detail=f"得到 {i}，應為 0")
        for i in range(8)]
    lines = feedback(grade_test("test_f", 4, checks))
    assert lines[0] == "✗ test_f：0.44/4 分（1/9 項檢查通過）"
    causes = [line for line in lines if line.startswith("  - ")]
    assert causes == ["  - 原因 0", "  - 原因 1", "  - 原因 2"]
    assert lines[2] == "    細節：得到 0，應為 0"
    assert lines[-1].startswith("  （另有 2 項檢查未通過")  # the two checks of cause 3
    assert len(lines) <= 12


def test_a_crash_is_the_headline_once_with_the_students_line():
    def crash(text):
        return text.lower()  # the student's line

    checks = [Check(f"c{i}", "out = crash(None)", expected="", message=f"規則 {i}")
              for i in range(19)] + [Check("wrong", "out = 'x'", expected="y", message="別的錯")]
    lines = feedback(grade_test("test_crash", 2, run_checks(checks, {"crash": crash})))
    assert "程式執行時發生錯誤：AttributeError" in lines[1]
    assert "在 crash 第" in lines[1] and "return text.lower()" in lines[1]
    assert sum("AttributeError" in line for line in lines) == 1
    assert "規則" not in "\n".join(lines), "consequences of the crash are not listed"
    assert lines[2] == "  - 別的錯"


def test_a_broken_requirement_is_the_only_message():
    checks = [_result("a", False, message="x"), _result("b", False, message="y")]
    lines = feedback(grade_test("test_vocab", 3, checks, ["test_tokenize"]))
    assert len(lines) == 2 and "先修好 tokenize（test_tokenize）" in lines[1]
    other = feedback(grade_test("test_step", 3, checks, ["ch19_2_bptt:test_rnn_backward"]))
    assert "先修好 rnn_backward（回到 ch19_2_bptt 修正，test_rnn_backward）" in other[1]
    assert feedback(grade_test("test_vocab", 3, [_result("a", True)], ["test_tokenize"])) == [
        "✓ test_vocab：3/3 分（1 項檢查全部通過）"]


def test_a_probe_line_is_never_shown_as_the_students_line():
    def returns_none(*args):
        return None

    [result] = run_checks([Check("pair", "out = f(1)[0]", expected=1, message="要回傳兩個值")],
                          {"f": returns_none})
    assert result.failure == "invalid" and "NoneType" in result.detail
    assert "第" not in result.detail and "<check" not in result.detail


def test_hidden_check_messages_say_so():
    lines = feedback(grade_test("t", 1, [_result("h", False, message="規則", kind="hidden")]))
    assert lines[1] == "  - ［隱藏測試：不同的輸入］規則"


def test_the_verdict_is_worth_its_points_to_nbgrader_and_shows_the_feedback():
    result = grade_test("test_x", 2, [_result("a", True), _result("b", False, message="<b>")])
    verdict = Verdict.from_result(result)
    bundle = verdict._repr_mimebundle_()
    assert bundle["text/plain"] == "1" and float(bundle["text/plain"]) == result.points
    assert "✗ test_x：1/2 分" in bundle["text/html"] and "&lt;b&gt;" in bundle["text/html"]
    data = bundle["application/vnd.rnnlab.verdict+json"]
    assert data["points"] == 1 and data["lines"] == feedback(result)


def test_pinned_values_round_trip_through_json():
    import json

    value = {"a": (np.arange(6, dtype=np.float32).reshape(2, 3) / 7, [1, "x", None, True]),
             "b": np.zeros((0, 3), dtype=np.int32), "c": 0.1 + 0.2}
    again = from_json(json.loads(json.dumps(to_json(value))))
    assert compare(again, value, "equal") is None


def test_a_function_that_does_nothing_earns_nothing_for_its_form():
    """Gated checks (form: shape, type, inputs unchanged) count only next to a passing value
    check: `return np.zeros(...)` passes the shape check but earns 0."""
    def zeros(x):
        return np.zeros_like(x)

    def half_right(x):
        return x * 2 if x.size > 2 else np.zeros_like(x)

    checks = [Check("shape", "out = f(x).shape", {"x": np.ones(3)}, (3,), "shape", gated=True),
              Check("doubles", "out = f(x)", {"x": np.ones(3)}, np.full(3, 2.0), "times 2"),
              Check("small", "out = f(x)", {"x": np.ones(2)}, np.full(2, 2.0), "small")]
    nothing = grade_test("t", 3, run_checks(checks, {"f": zeros}))
    assert nothing.points == 0 and nothing.checks[0].failure == "skipped"
    lines = feedback(nothing)
    assert [line for line in lines if line.startswith("  - ")] == ["  - times 2", "  - small"]
    assert "shape" not in "\n".join(lines), "a skipped form check says nothing"
    some = grade_test("t", 3, run_checks(checks, {"f": half_right}))
    assert some.points == 2 and some.checks[0].passed
