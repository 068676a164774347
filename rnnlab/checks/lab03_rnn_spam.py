"""Public checks of Lab03 (建立 RNN 網路做垃圾郵件分類): the many-to-one read-out
(masked mean and max pooling, then one logit) and its backward, one rule at a time.

readout_backward's probes get their cache from the student's readout_forward (``REQUIRES``):
its checks use messages without padding, on which the forward's usual mistakes (the mask,
the denominator, the max of h * mask, real tokens assumed first) change nothing, plus one
``integration`` check with padding. :func:`check_pasted`
runs the public checks of an earlier assignment on the functions a student pasted into
Lab03 (ungraded). Expected values are pinned from the reference (``python -m autograder
pin lab03_rnn_spam``) or literal (shapes, zero differences, True).
"""

from __future__ import annotations

import re

import numpy as np

from rnnlab.checking import Check, feedback, grade_test, render_html, run_checks
from rnnlab.checks import blocked_by, public_checks
from rnnlab.checks.factories import case, unchanged_inputs

REQUIRES = {"test_readout_backward": ["test_readout_forward"]}

# N = 2 messages, T = 4 time steps, H = 3; no two steps tie in any dimension, and under
# POST and PRE every dimension's max over the real steps is positive (only
# max_of_negative_states tells a max of h * mask apart)
H_REAL = np.array([[[0.1, -0.2, 0.3], [0.5, 0.4, -0.6], [-0.3, 0.9, 0.05], [0.2, -0.7, 0.8]],
                   [[0.8, 0.35, 0.2], [-0.4, 0.6, 0.1], [0.3, 0.2, -0.9], [0.65, 0.15, 0.4]]])
POST = np.array([[True, True, True, False], [True, False, False, False]])  # post-padding
PRE = np.array([[False, True, True, True], [False, False, False, True]])  # Lab02's pre-padding
ALL = np.ones((2, 4), dtype=bool)


def padded(mask: np.ndarray, value: float, h: np.ndarray = H_REAL) -> np.ndarray:
    """``h`` with every padding step (mask False) set to ``value``."""
    return np.where(mask[:, :, None], h, value)


H_NEGATIVE = -0.1 - np.abs(H_REAL)  # every real state below zero
W = np.array([0.5, -1.0, 0.25, 2.0, -0.5, 1.5])  # (2H,): [mean half; max half]
W_MEAN = np.concatenate([W[:3], np.zeros(3)])  # only the mean half counts
W_MAX = np.concatenate([np.zeros(3), W[3:]])  # only the max half counts
C = 0.3
DZ = np.array([0.7, -0.4])  # dlogits (N,)


def _forward(h, mask, w=W, c=C) -> dict:
    return {"h": h, "mask": mask, "w": w, "c": c}


FORWARD = "out = readout_forward(h, mask, w, c)[0]"
# the difference made by the padding states alone (two paddings, the same real states)
PADDING_EFFECT = "out = readout_forward(h_a, mask, w, c)[0] - readout_forward(h_b, mask, w, c)[0]"
# readout_backward on the cache of the student's own readout_forward
BACKWARD = "_, cache = readout_forward(h, mask, w, c)\nres = readout_backward(dz, cache)\n"
# the gradient of sum(logits * dz) by centred differences of the student's own forward
GRADCHECK = (
    "from rnnlab.gradcheck import numerical_gradient_array, rel_error\n"
    "_, cache = readout_forward(h.copy(), mask.copy(), w.copy(), c)\n"
    "res = readout_backward(dz.copy(), cache)\n"
    "num = numerical_gradient_array(lambda v: readout_forward({args})[0], {wrt}, dz)\n"
    "out = rel_error(res[{index}], num)"
)
GRADCHECK_TOL = 1e-7


BACK_ALL = {**_forward(H_REAL, ALL), "dz": DZ}  # no padding: the forward's mask is moot


CHECKS = {
    "test_readout_forward": [
        Check(
            name="returns_pair",
            code="res = readout_forward(h, mask, w, c)\n"
                 "out = isinstance(res, (tuple, list)) and len(res) == 2",
            inputs=_forward(H_REAL, ALL),
            expected=True,
            compare="equal",
            message="readout_forward 應回傳兩個值 (logits, cache)：最後一行寫 "
                    "`return logits, cache`（cache 放 readout_backward 需要的東西）。",
        ),
        Check(
            name="logits_shape",
            code="import numpy as np\nout = list(np.shape(readout_forward(h, mask, w, c)[0]))",
            inputs=_forward(H_REAL, ALL),
            expected=[2],
            compare="equal",
            message="logits 的 shape 應為 (N,)：每則訊息一個數字。pooled = [mean; max] 是 "
                    "(N, 2H)，pooled @ w（w 是 (2H,)）就是 (N,)；不要保留長度 1 的維度。",
        ),
        case("only_c", FORWARD, _forward(np.zeros((2, 4, 3)), ALL),
             "h 全是 0 時 mean 與 max 都是 0，logits 應該每一個都等於 c：bias c 漏加了，"
             "或加錯了地方。"),
        case("mean_without_padding", FORWARD, _forward(H_REAL, ALL, W_MEAN),
             "沒有 padding、w 只有 mean 那一半 (w[H:] = 0) 時不對：mean 是對時間軸 "
             "(axis=1) 取平均，放在 pooled 的前 H 維，乘上 w[:H]。"),
        case("max_without_padding", FORWARD, _forward(H_REAL, ALL, W_MAX),
             "沒有 padding、w 只有 max 那一半 (w[:H] = 0) 時不對：max pooling 對時間軸 "
             "(axis=1) 在每一維各自取最大值，放在 pooled 的後 H 維（順序是 [mean; max]）。"),
        case("mean_ignores_padding_states", PADDING_EFFECT,
             {"h_a": padded(POST, 100.0), "h_b": padded(POST, 0.0), "mask": POST, "w": W_MEAN,
              "c": C},
             "padding 的 h（mask 為 False 的位置，這裡填 100 或 0）改變了 mean：分子只能加總 "
             "mask 為 True 的 h_t（例如先乘上 mask[:, :, None]）。",
             expected=np.zeros(2)),
        case("mean_divides_by_row_length", FORWARD, _forward(padded(POST, 0.0), POST, W_MEAN),
             "padding 的 h 都是 0 時 mean 仍然不對：分母應是每一列自己真正的 time step 數 "
             "mask[n].sum()（第 0 列是 3、第 1 列是 1），不是 T。"),
        case("max_ignores_padding_states", PADDING_EFFECT,
             {"h_a": padded(POST, 100.0), "h_b": padded(POST, -100.0), "mask": POST,
              "w": W_MAX, "c": C},
             "padding 的 h（這裡填 100 或 -100）改變了 max：只能在 mask 為 True 的 time step "
             "之間取最大值（例如把 padding 的位置換成 -np.inf 再取 max）。",
             expected=np.zeros(2)),
        case("max_of_negative_states", FORWARD,
             _forward(padded(POST, -5.0, H_NEGATIVE), POST, W_MAX),
             "真正的 h 都是負數時 max 不對：若先把 h 乘上 mask，padding 變成 0，比真正的負值"
             "還大，就被選為最大值了。padding 要換成 -np.inf（或只在 mask 為 True 的位置取），"
             "不是 0。"),
        case("mask_anywhere", FORWARD, _forward(padded(PRE, 100.0), PRE),
             "mask 為 True 的位置不一定在最前面（例如 Lab02 的 pre-padding，真正的 token 在"
             "後面）：直接用 mask 選出 time step，不要假設前 mask[n].sum() 個才是真的 token。"),
        case("all_terms", FORWARD, _forward(padded(POST, 100.0), POST),
             "mean、max 與 c 一起時不對：logits = [mean; max] @ w + c。若上面也有沒通過的"
             "檢查，先修正它們。", weight=2.0),
        unchanged_inputs("readout_forward", ["h", "mask", "w", "c"],
                         _forward(padded(POST, 100.0), POST),
                         "readout_forward 修改了傳進來的參數（順序為 h, mask, w, c）：不要寫 "
                         "`h *= ...` 或 `h[~mask] = ...`，請建立新的陣列（例如 np.where）。"),
    ],
    "test_readout_backward": [
        Check(
            name="returns_three",
            code=BACKWARD + "out = isinstance(res, (tuple, list)) and len(res) == 3",
            inputs=BACK_ALL,
            expected=True,
            compare="equal",
            message="readout_backward 應回傳三個梯度 (dh, dw, dc)：最後一行寫 "
                    "`return dh, dw, dc`。",
        ),
        Check(
            name="shapes",
            code=BACKWARD + "import numpy as np\nout = [list(np.shape(g)) for g in res]",
            inputs=BACK_ALL,
            expected=[[2, 4, 3], [6], []],
            compare="equal",
            message="梯度的 shape 要和參數一樣：dh 是 (N, T, H)（和 h 一樣，padding 的位置也要"
                    "有，填 0），dw 是 (2H,)，dc 是一個數字（shape ()）。",
        ),
        case("dc_sums_dlogits", BACKWARD + "out = float(res[2])", BACK_ALL,
             "dc 不對：c 加在每一則的 logit 上，所以 dc = dlogits.sum()（加總，不是平均："
             "1/N 已經在 dlogits 裡了）。"),
        case("dw", BACKWARD + "out = res[1]", BACK_ALL,
             "dw 不對：logits = pooled @ w + c，所以 dw = pooled.T @ dlogits，pooled = "
             "[mean; max] 是 forward 算出的 (N, 2H)（把它存在 cache 裡）。"),
        case("dh_mean_part", BACKWARD + "out = res[0]", {**BACK_ALL, "w": W_MEAN},
             "w 只有 mean 那一半 (w[H:] = 0) 時 dh 不對：mean 把 dmean = dlogits[:, None] * "
             "w[:H] 平均分給每個真正的 time step，每一步得到 dmean[n] / L_n（L_n = "
             "mask[n].sum()，第 n 則真正的長度）。"),
        case("dh_max_part", BACKWARD + "out = res[0]", {**BACK_ALL, "w": W_MAX},
             "w 只有 max 那一半 (w[:H] = 0) 時 dh 不對：dmax = dlogits[:, None] * w[H:] 只流向"
             "取到最大值的那個 time step（每一維各自的 argmax，和 max pooling 一樣），其他 "
             "time step 是 0。"),
        case("all_terms", BACKWARD + "out = [res[0], res[1]]", BACK_ALL,
             "mean 與 max 一起時 dh 或 dw 不對：dh 是 mean 與 max 兩部分相加，dw = pooled.T @ "
             "dlogits。若上面也有沒通過的檢查，先修正它們。"),
        Check(
            name="gradient_check_dh",
            code=GRADCHECK.format(args="v.copy(), mask.copy(), w.copy(), c", wrt="h", index=0),
            inputs=BACK_ALL,
            expected=GRADCHECK_TOL,
            compare="at_most",
            message="梯度檢查 (gradient check) 沒過：你的 dh 和對你自己的 readout_forward 算出的"
                    "數值梯度相對誤差太大（應 < 1e-7）。mean 的部分是 dmean / L_n，max 的部分只給 "
                    "argmax 那一步。",
        ),
        Check(
            name="gradient_check_dw",
            code=GRADCHECK.format(args="h.copy(), mask.copy(), v.copy(), c", wrt="w",
                                  index=1),
            inputs=BACK_ALL,
            expected=GRADCHECK_TOL,
            compare="at_most",
            message="梯度檢查 (gradient check) 沒過：你的 dw 和對你自己的 readout_forward 算出的"
                    "數值梯度相對誤差太大（應 < 1e-7）。dw = pooled.T @ dlogits。",
        ),
        Check(
            name="inputs_not_modified",
            code=("import numpy as np\n"
                  "_, cache = readout_forward(h, mask, w, c)\n"
                  "before = dz.copy()\n"
                  "first = readout_backward(dz, cache)\n"
                  "again = readout_backward(before.copy(), cache)\n"
                  "out = [bool(np.array_equal(dz, before)),\n"
                  "       all(bool(np.allclose(a, b)) for a, b in zip(first, again))]"),
            inputs=BACK_ALL,
            expected=[True, True],
            compare="equal",
            message="readout_backward 修改了 dlogits 或 cache（[dlogits 不變, 第二次呼叫的結果"
                    "相同]）：不要寫 `dlogits *= ...` 或對 cache 裡的陣列做 in-place 運算，請建立"
                    "新的陣列。",
        ),
        case("with_padding", BACKWARD + "out = [res[0], res[1]]",
             {**_forward(padded(POST, 100.0), POST), "dz": DZ},
             "有 padding 時梯度不對：padding 的 time step 梯度是 0；mean 的部分除以每一列自己的"
             "長度 mask[n].sum()（不是 T）；max 的 argmax 只能在 mask 為 True 的 time step 之間"
             "找（padding 的 h 填成 100 也不能被選到）。", weight=2.0, integration=True),
    ],
}


# ---------------------------------------------------------------- pasted functions (ungraded)
def course_name(assignment: str) -> str:
    """What a student calls an assignment: ``ch19_2_bptt`` -> ``19-2``, ``lab02_tokenize`` ->
    ``Lab02``."""
    if m := re.match(r"ch(\d+)_(\d+)_", assignment):
        return f"{m.group(1)}-{m.group(2)}"
    if m := re.match(r"lab(\d+)_", assignment):
        return f"Lab{m.group(1)}"
    return assignment


class PasteReport:
    """What the check cell under a paste cell shows: one line per earlier test, then the
    likely causes of the first one that fails (never raises, worth no points)."""

    def __init__(self, lines: list[str], passed: bool):
        self.lines = lines
        self.passed = passed

    def __repr__(self) -> str:
        return "\n".join(self.lines)

    def _repr_html_(self) -> str:
        return render_html(self.lines, self.passed)


def check_pasted(namespace, *tests: str) -> PasteReport:
    """Run the public checks of earlier tests (``"<assignment>:<test grade_id>"``) on the
    functions pasted into this notebook; say which ones to fix in their own assignment."""
    lines, shown, passed = [], False, True
    for test in tests:
        assignment, _, gid = test.rpartition(":")
        function, where = gid.removeprefix("test_"), course_name(assignment)
        result = grade_test(gid, 1, run_checks(public_checks(assignment, gid), namespace))
        n = len(result.checks)
        if result.passed:
            lines.append(f"✓ {function}：通過 {where} 的公開測試（{gid}，{n} 項）")
            continue
        passed = False
        failed = [c for c in result.checks if not c.passed]
        if all(c.failure in ("unfinished", "missing") for c in failed):
            lines.append(f"✗ {function}：還沒貼上。把你在 {where} 寫好的 {function} 貼進上面的 "
                         "cell（取代 raise NotImplementedError()），再執行一次這個 cell。")
            continue
        ok = n - len(failed)
        first = [g.rpartition(":")[2].removeprefix("test_")
                 for g in blocked_by(assignment, gid, namespace)]
        if first:  # it calls a function that fails its own checks: that one is the cause
            lines.append(f"✗ {function}：{where} 的公開測試只通過 {ok}/{n} 項（{gid}）；它會用到 "
                         f"{'、'.join(first)}，先修好 {'、'.join(first)}。")
            continue
        lines.append(f"✗ {function}：{where} 的公開測試只通過 {ok}/{n} 項（{gid}）。先回 {where}"
                     f"（{assignment}）修好 {function}，讓測試全部通過，再把新版貼過來。")
        if not shown:  # the likely causes of the first failing function only
            lines += feedback(result)[1:]
            shown = True
    return PasteReport(lines, passed)
