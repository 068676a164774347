"""The child process that runs one student's answer cells and the checks' probes.

It is started by :mod:`autograder.sandbox` (inside bubblewrap when available) and talks to
the grading process over its stdin/stdout, one JSON object per line, in the wire format
below (numpy arrays as base64 + dtype + shape; never pickle). It only *runs* code: the
parent validates everything it sends back and decides the score, so nothing the student
does in here (monkeypatching numpy, objects faking ``==``, forged replies) can change a
comparison.

This file must stay importable on its own (stdlib, numpy and ``rnnlab`` only): the
sandbox binds just this file, not the ``autograder`` package.
"""

from __future__ import annotations

import base64
import builtins
import io
import json
import linecache
import os
import resource
import signal
import sys
import time
import traceback
import warnings
from contextlib import redirect_stderr, redirect_stdout

if __name__ == "__main__" and len(sys.argv) > 1:  # the grader's own rnnlab comes first
    _path = json.loads(sys.argv[1]).get("path")
    if _path:
        sys.path.insert(0, _path)

import numpy as np  # noqa: E402

from rnnlab.checking import PLAIN_DTYPES  # noqa: E402

# ---------------------------------------------------------------- wire format
ALLOWED_DTYPES = PLAIN_DTYPES  # the dtypes rnnlab.checking.to_plain lets through
MAX_DEPTH = 24  # rnnlab.checking.to_plain refuses deeper values anyway
MAX_ARRAY_BYTES = 64 * 2**20


class WireError(ValueError):
    """Data that does not follow the wire format (or breaks its limits)."""


def encode(value, _depth: int = 0):
    """Plain data -> JSON-able data; arrays become ``{"$": "nd", ...}``."""
    if _depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is np.ndarray:
        name = value.dtype.name
        if name not in ALLOWED_DTYPES:
            raise WireError(f"回傳了 dtype 為 {value.dtype} 的陣列；請使用 int64、float64 或 bool")
        if value.nbytes > MAX_ARRAY_BYTES:
            raise WireError(f"回傳的陣列太大（{value.nbytes} bytes）")
        data = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tobytes()
        return {"$": "nd", "dtype": name, "shape": list(value.shape),
                "data": base64.b64encode(data).decode("ascii")}
    if kind is list:
        return [encode(v, _depth + 1) for v in value]
    if kind is tuple:
        return {"$": "tuple", "items": [encode(v, _depth + 1) for v in value]}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise WireError("dict keys must be str")
        return {"$": "dict", "items": [[k, encode(v, _depth + 1)] for k, v in value.items()]}
    raise WireError(f"cannot send a {kind.__name__}")


def decode(data, _depth: int = 0):
    """JSON data -> plain data, validating every node (types, dtypes, shapes, sizes).

    Only None, bool, int, float, str, list, tuple, dict[str, ...] and ndarrays of an
    allowed dtype can come out, whatever the sender was.
    """
    if _depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, _depth + 1) for v in data]
    if kind is not dict:
        raise WireError(f"unexpected {kind.__name__} on the wire")
    tag = data.get("$")
    if tag == "nd" and set(data) == {"$", "dtype", "shape", "data"}:
        return _decode_array(data)
    if tag == "tuple" and set(data) == {"$", "items"} and type(data["items"]) is list:
        return tuple(decode(v, _depth + 1) for v in data["items"])
    if tag == "dict" and set(data) == {"$", "items"} and type(data["items"]) is list:
        out = {}
        for pair in data["items"]:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise WireError("malformed dict item")
            out[pair[0]] = decode(pair[1], _depth + 1)
        return out
    raise WireError("malformed tagged value")


def _decode_array(data) -> np.ndarray:
    dtype, shape, payload = data["dtype"], data["shape"], data["data"]
    if type(dtype) is not str or dtype not in ALLOWED_DTYPES:
        raise WireError(f"dtype {dtype!r} is not allowed")
    if type(shape) is not list or len(shape) > 32 or not all(
            type(n) is int and 0 <= n <= MAX_ARRAY_BYTES for n in shape):
        raise WireError("malformed shape")
    if type(payload) is not str or len(payload) > 2 * MAX_ARRAY_BYTES:
        raise WireError("malformed array data")
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise WireError("array data is not base64") from exc
    want = np.dtype(dtype).newbyteorder("<")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if count * want.itemsize != len(raw):
        raise WireError("array data does not match its shape and dtype")
    return np.frombuffer(raw, dtype=want).astype(np.dtype(dtype)).reshape(shape)


def dumps(message: dict) -> bytes:
    """One protocol line."""
    return json.dumps(message, ensure_ascii=False, allow_nan=True).encode("utf-8") + b"\n"


# ---------------------------------------------------------------- running student code
MAIN_PID = os.getpid()


class _Alarm(BaseException):
    """Raised by SIGALRM in a cell (a BaseException, so `except Exception` cannot eat it)."""


def _leave_if_forked() -> None:
    """A process forked by student code must never answer the parent."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


def _apply_limits(limits: dict) -> None:
    mb = limits.get("memory_mb")
    if mb:
        resource.setrlimit(resource.RLIMIT_AS, (mb * 2**20, mb * 2**20))
    nproc = limits.get("nproc")
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    fsize = limits.get("fsize_mb")
    if fsize:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize * 2**20, fsize * 2**20))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write fails, not the worker
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cell_error(exc: BaseException, filename: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    where = ""
    if frames:
        last = frames[-1]
        where = f"（第 {last.lineno} 行：{(last.line or '').strip()}）"
    if isinstance(exc, _Alarm):
        return "執行超過時間限制仍未結束，可能有無窮迴圈 (infinite loop)" + where
    if isinstance(exc, SystemExit):
        return f"程式呼叫了 sys.exit() / exit()，請刪除它{where}"
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg}（第 {exc.lineno} 行：{(exc.text or '').strip()}）"
    text = f"{type(exc).__name__}: {exc}"
    return (text if len(text) <= 500 else text[:497] + "...") + where


class _NoIPython:
    """``get_ipython()`` for cells that kept a magic: line magics do nothing, the body of a
    ``%%time``-like cell magic runs."""

    def __init__(self, namespace):
        self._namespace = namespace

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, body):
        if name in ("time", "timeit", "capture"):
            exec(compile(body, "<cell magic>", "exec"), self._namespace)  # noqa: S102

    def system(self, *args, **kwargs):
        return None

    getoutput = system


def run_cell(name: str, source: str, namespace: dict, time_limit: float) -> str | None:
    """Execute one answer cell in ``namespace``; return an error message or None."""
    filename = f"<answer cell {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)

    def _raise(signum, frame):
        raise _Alarm

    sink = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _raise)
    try:
        code = compile(source, filename, "exec")
        with redirect_stdout(sink), redirect_stderr(sink), warnings.catch_warnings(), \
                np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            signal.setitimer(signal.ITIMER_REAL, time_limit)
            try:
                exec(code, namespace)  # noqa: S102 - student code, inside the sandbox
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as exc:  # noqa: BLE001 - every student error becomes a message
        _leave_if_forked()
        return _cell_error(exc, filename)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    _leave_if_forked()
    return None


def run_probe(code: str, inputs: dict, namespace: dict, time_limit: float,
              name: str = "probe"):
    """Run one check probe; return ``(True, plain output)`` or ``(False, (failure, detail))``
    with ``failure`` one of rnnlab.checking.FAILURES."""
    from rnnlab.checking import Check, ProbeError, describe_exception, execute_probe

    check = Check(name=name, code=code, inputs=inputs)
    try:
        out = execute_probe(check, namespace, time_limit=time_limit)
    except ProbeError as exc:
        _leave_if_forked()
        return False, (exc.failure, str(exc))
    except SystemExit:
        _leave_if_forked()
        return False, ("error", "程式呼叫了 sys.exit() / exit()，請刪除它")
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, _Alarm, ...
        _leave_if_forked()
        return False, ("error", describe_exception(exc)[:400])
    _leave_if_forked()
    return True, out


# ---------------------------------------------------------------- the machinery stays intact
GUARDED = ("numpy", "rnnlab", "builtins", "copy", "math", "json", "base64", "io", "signal",
           "contextlib", "warnings", "traceback", "linecache", "__main__")
TAMPERED = ("error", "程式在評分時改寫了 numpy、rnnlab 或 Python 內建的函式 (monkeypatch)："
                     "這一項檢查不予計分；請刪除這些修改")


class Guard:
    """The modules that probes rely on, as they were before any student code ran.

    Student code may rebind their attributes (``numpy.allclose = ...``), or replace them in
    ``sys.modules``, to fool a probe's own computations: :meth:`restore` puts everything
    back before each probe (undoing what answer cells did), and :meth:`tampered` tells when
    the student's functions did it during a probe (whose result is then not trusted).
    """

    def __init__(self):
        self.modules = {name: module for name, module in sys.modules.items()
                        if name.split(".")[0] in GUARDED and isinstance(
                            getattr(module, "__dict__", None), dict)}
        self.saved = {name: dict(module.__dict__) for name, module in self.modules.items()}

    def tampered(self) -> bool:
        """Whether a guarded module was replaced, or one of its names rebound or deleted
        (names added later, e.g. a submodule imported on first use, are no tampering)."""
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                return True
            current, saved = module.__dict__, self.saved[name]
            if any(current.get(k, saved) is not v for k, v in saved.items()):
                return True
        return False

    def restore(self) -> None:
        for name, module in self.modules.items():
            sys.modules[name] = module
            current, saved = module.__dict__, self.saved[name]
            for key, value in saved.items():
                if current.get(key, saved) is not value:
                    current[key] = value


def serve(proto_in, proto_out) -> None:
    """Answer requests until stdin closes: ``exec`` (an answer cell) and ``probe``."""
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    namespace["get_ipython"] = lambda: _NoIPython(namespace)
    guard = Guard()
    for line in proto_in:
        request = json.loads(line)
        # the reply carries the request's nonce: replies forged before it was sent (by an
        # answer cell writing into the protocol pipe) cannot match it
        rid = {"id": request["id"], "nonce": request.get("nonce")}
        if request["op"] == "exec":
            error = run_cell(request["name"], request["source"], namespace,
                             request["time_limit"])
            reply = {**rid, "ok": error is None, "error": error}
        elif request["op"] == "probe":
            started = time.monotonic()
            if guard.tampered():  # an answer cell or an earlier probe patched the machinery
                guard.restore()
            ok, value = run_probe(request["code"], decode(request["inputs"]), namespace,
                                  request["time_limit"], str(request.get("name", "probe")))
            if guard.tampered():  # the student's functions patched it during this probe
                guard.restore()
                ok, value = False, TAMPERED
            # slow: it ran into the time limit, so the parent skips the test's other probes
            slow = time.monotonic() - started >= 0.9 * request["time_limit"]
            reply = {**rid, "ok": ok, "slow": slow}
            if ok:
                try:
                    reply["out"] = encode(value)
                except (WireError, RecursionError) as exc:
                    reply = {**rid, "ok": False, "error": str(exc)}
            else:
                reply["failure"], reply["error"] = value
        else:
            reply = {**rid, "ok": False, "error": f"unknown op {request['op']!r}"}
        proto_out.write(dumps(reply))
        proto_out.flush()


def main() -> None:
    limits = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    # keep the protocol on private descriptors; stray output on fd 1/2 goes to the parent's
    # capture pipe and cannot corrupt a reply
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    # everything probes use, imported (and guarded) before any student code runs
    import rnnlab.checking  # noqa: F401

    for extra in ("rnnlab.checks.factories", "rnnlab.gradcheck"):  # absent from some bundles
        try:
            __import__(extra)
        except ImportError:
            pass

    _apply_limits(limits)
    serve(proto_in, proto_out)


if __name__ == "__main__":
    main()
