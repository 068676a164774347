"""Run untrusted student code in a child process: bubblewrap when available, limits always.

:class:`Child` is one long-lived worker (:mod:`autograder.worker`) for one submission. Under
bubblewrap it sees only what Python needs (read-only), a private ``/tmp`` and working
directory, no network, its own PID namespace (killing its first process kills everything
it started); without bubblewrap it is a plain child process with the same resource limits,
and the report says so loudly. A pids cgroup, when the machine lets us create one, bounds
fork bombs in both cases.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from autograder import worker as wire

WORKER = Path(wire.__file__).resolve()
MAX_REPLY_BYTES = 3 * wire.MAX_ARRAY_BYTES  # base64 + JSON overhead of the largest array
MAX_CAPTURE_BYTES = 64 * 1024  # student output kept for diagnostics; the rest is dropped
CHILD_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
    "NBGRADER_EXECUTION": "autograde",  # long demo code shortens itself (CONTRIBUTING.md)
}
SANDBOX_DIR = "/sandbox"  # the tmpfs working directory inside bubblewrap
WORKER_IN_SANDBOX = "/opt/autograder/worker.py"


class SandboxError(RuntimeError):
    """The sandbox cannot be set up as configured (a course configuration problem)."""


class ChildTimeout(Exception):
    """The child did not answer in time."""


class ChildDied(Exception):
    """The child exited (or closed its pipes) before answering."""


class ChildProtocolError(Exception):
    """The child answered something that is not a valid reply."""


@dataclass(frozen=True)
class Limits:
    """Per-submission limits. ``timeout``: wall clock for the whole submission (s);
    ``check_time``: one answer cell or one probe (s); ``memory_mb``: RLIMIT_AS."""

    timeout: float = 60.0
    memory_mb: int = 2048
    check_time: float = 10.0
    nproc: int = 64
    fsize_mb: int = 64
    tmpfs_mb: int = 256

    def worker_args(self) -> str:
        return json.dumps({"memory_mb": self.memory_mb, "nproc": self.nproc,
                           "fsize_mb": self.fsize_mb})


@dataclass
class Isolation:
    """How children are isolated on this machine (recorded in the JSON report)."""

    kind: str  # "bwrap" or "none"
    bwrap: str | None = None
    pids_limit: str = "none"  # "cgroup" (hard bound on processes), "rlimit" or "none"
    binds: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        return {"kind": self.kind, "pids_limit": self.pids_limit, "read_only_binds": self.binds,
                "warnings": self.warnings}


# ---------------------------------------------------------------- detection
def _bwrap_works(bwrap: str) -> str | None:
    """None when bubblewrap can create all namespaces here, else why not."""
    try:
        done = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all",
                               "--die-with-parent", "--as-pid-1", "true"],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode:
        return done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
    return None


def python_binds() -> list[str]:
    """Host folders the worker's Python needs: the installation, the venv, site-packages
    and the editable ``rnnlab`` package, each only once (no folder inside another)."""
    import rnnlab

    wanted = {Path(sys.base_prefix), Path(sys.prefix), Path(rnnlab.__file__).parent}
    wanted.update(Path(p) for p in site.getsitepackages())
    wanted = {p.resolve() for p in wanted if p.exists()}
    return sorted(str(p) for p in wanted
                  if not any(q != p and q in p.parents for q in wanted))


def detect_isolation(preference: str | None = None, protect: tuple[Path, ...] = ()) -> Isolation:
    """Pick bubblewrap when it works (``preference`` "auto"), or force "bwrap" / "none".

    ``protect``: paths the sandbox must never see (solutions, the harness, hidden checks);
    a read-only bind that contains one of them is refused.
    """
    preference = preference or os.environ.get("AUTOGRADER_ISOLATION", "auto")
    if preference not in ("auto", "bwrap", "none"):
        raise SandboxError(f"unknown isolation {preference!r} (auto, bwrap or none)")
    iso = Isolation("none")
    if preference != "none":
        bwrap = shutil.which("bwrap")
        problem = "bubblewrap (bwrap) is not installed" if bwrap is None else _bwrap_works(bwrap)
        if problem is None:
            iso = Isolation("bwrap", bwrap=bwrap, binds=python_binds())
        elif preference == "bwrap":
            raise SandboxError(f"bubblewrap requested but unusable: {problem}")
        else:
            iso.warnings.append(f"bubblewrap unusable: {problem}")
    for path in protect:
        path = Path(path).resolve()
        for bind in iso.binds:
            if path == Path(bind) or Path(bind) in path.parents:
                raise SandboxError(f"the sandbox would expose {path} (bound: {bind})")
    if iso.kind == "none":
        iso.warnings.append(
            "WARNING: grading ran WITHOUT the bubblewrap sandbox: student code could read "
            "the solutions and hidden tests, use the network and touch files")
    probe = PidsCgroup.create(1)
    if probe is not None:
        probe.remove()
        iso.pids_limit = "cgroup"
    elif os.geteuid() != 0:
        iso.pids_limit = "rlimit"
    else:
        iso.warnings.append("no pids cgroup available and running as root: a fork bomb is "
                            "bounded only by the per-check time limit")
    return iso


# ---------------------------------------------------------------- pids cgroup
class PidsCgroup:
    """A throw-away pids cgroup (v1 ``/sys/fs/cgroup/pids`` or v2 with the pids
    controller); every process of one submission goes in, so ``pids.max`` bounds a fork
    bomb and :meth:`kill_all` finds every process, even daemonised ones."""

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def create(cls, max_pids: int) -> PidsCgroup | None:
        for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
            if not (base / "cgroup.procs").exists():
                continue
            path = base / f"autograder-{os.getpid()}-{uuid.uuid4().hex[:12]}"
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                (path / "pids.max").write_text(str(max_pids))
                return cls(path)
            except OSError:
                cls(path).remove()
        return None

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill_all(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.01)


# ---------------------------------------------------------------- the child
class Child:
    """One worker process for one submission; :meth:`call` sends a request and waits for
    its reply; :meth:`close` kills the worker and everything it started."""

    def __init__(self, isolation: Isolation, limits: Limits):
        self.isolation = isolation
        self.limits = limits
        self.captured = bytearray()
        self._buffer = bytearray()
        self._next_id = 0
        self._tmp = tempfile.mkdtemp(prefix="autograder-")
        self._cgroup = PidsCgroup.create(limits.nproc) if isolation.pids_limit == "cgroup" \
            else None
        self.pid = None
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _argv(self, info_fd: int | None) -> list[str]:
        if self.isolation.kind == "none":
            return [sys.executable, "-I", str(WORKER), self.limits.worker_args()]
        # the binds are real paths: reach the venv's interpreter through its real folder
        # (keeping the file name, a symlink whose location tells Python it is in a venv)
        python = str(Path(sys.executable).parent.resolve() / Path(sys.executable).name)
        # the private /tmp comes first: a bind below /tmp (a course cloned there) must land
        # on top of it, not be hidden by it
        argv = [self.isolation.bwrap,
                "--size", str(self.limits.tmpfs_mb * 2**20), "--tmpfs", "/tmp",
                "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
        for name in ("bin", "lib", "lib64", "lib32", "sbin"):
            target = Path("/") / name
            if target.is_symlink():
                argv += ["--symlink", os.readlink(target), str(target)]
            elif target.is_dir():
                argv += ["--ro-bind", str(target), str(target)]
        for path in self.isolation.binds:
            argv += ["--ro-bind", path, path]
        argv += ["--size", str(self.limits.tmpfs_mb * 2**20), "--tmpfs", SANDBOX_DIR,
                 "--ro-bind", str(WORKER), WORKER_IN_SANDBOX,
                 "--remount-ro", "/dev", "--remount-ro", "/",  # only the two tmpfs are writable
                 "--chdir", SANDBOX_DIR, "--unshare-all", "--die-with-parent",
                 "--new-session", "--as-pid-1", "--hostname", "sandbox", "--clearenv"]
        for key, value in CHILD_ENV.items():
            argv += ["--setenv", key, value]
        argv += ["--info-fd", str(info_fd), "--", python, "-I", WORKER_IN_SANDBOX,
                 self.limits.worker_args()]
        return argv

    def _start(self) -> None:
        info_r = info_w = None
        if self.isolation.kind == "bwrap":
            info_r, info_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                self._argv(info_w), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=dict(CHILD_ENV), cwd=self._tmp,
                start_new_session=True, pass_fds=(info_w,) if info_w is not None else (),
                close_fds=True)
        finally:
            if info_w is not None:
                os.close(info_w)
        os.set_blocking(self.proc.stdin.fileno(), False)  # see _write
        if info_r is not None:
            try:
                self.pid = self._read_child_pid(info_r)
            finally:
                os.close(info_r)
        else:
            self.pid = self.proc.pid
        # no student code runs before the first request, which is sent only after this
        if self._cgroup is not None:
            self._cgroup.add(self.pid)

    def _read_child_pid(self, fd: int) -> int:
        data = b""
        deadline = time.monotonic() + 20
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise SandboxError("bubblewrap did not report its child")
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
        try:
            return int(json.loads(data)["child-pid"])
        except (ValueError, KeyError) as exc:
            err = self.proc.stderr.read1(4096) if self.proc.poll() is not None else b""
            raise SandboxError(f"bubblewrap failed to start: {err.decode(errors='replace')}"
                               ) from exc

    # -------------------------------------------------------------- requests
    def call(self, request: dict, timeout: float) -> dict:
        """Send ``request`` (an ``id`` is added) and return the child's reply to it."""
        self._next_id += 1
        deadline = time.monotonic() + timeout
        self._write(wire.dumps(dict(request, id=self._next_id)), deadline)
        while True:
            line = self._readline(deadline)
            try:
                reply = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise ChildProtocolError(f"invalid reply: {exc}") from None
            if type(reply) is not dict:
                raise ChildProtocolError("invalid reply")
            if reply.get("id") == self._next_id:
                return reply
            # a stale or forged line (e.g. from a process the student forked): ignore it

    def _write(self, data: bytes, deadline: float) -> None:
        """Send ``data`` without ever blocking past ``deadline`` (a worker that stopped
        reading, e.g. after a forged early reply, must not hang the grader)."""
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildTimeout
            _, ready, _ = select.select([], [fd], [], left)
            if not ready:
                continue
            try:
                sent = os.write(fd, view[:65536])
            except BlockingIOError:
                continue
            except OSError as exc:  # BrokenPipeError: the worker is gone
                raise ChildDied(str(exc)) from None
            view = view[sent:]

    def _readline(self, deadline: float) -> bytes:
        out_fd, err_fd = self.proc.stdout.fileno(), self.proc.stderr.fileno()
        watched = [out_fd, err_fd]
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildTimeout
            ready, _, _ = select.select(watched, [], [], left)
            if err_fd in ready:
                chunk = os.read(err_fd, 65536)
                if not chunk:
                    watched.remove(err_fd)
                elif len(self.captured) < MAX_CAPTURE_BYTES:
                    self.captured += chunk[:MAX_CAPTURE_BYTES - len(self.captured)]
            if out_fd in ready:
                chunk = os.read(out_fd, 1 << 20)
                if not chunk:
                    raise ChildDied(self.exit_description())
                self._buffer += chunk
                if len(self._buffer) > MAX_REPLY_BYTES:
                    raise ChildProtocolError("reply too large")
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        return line

    def exit_description(self) -> str:
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "the worker closed its output"
        if code < 0:
            return f"the worker was killed by signal {-code}"
        return f"the worker exited with status {code}"

    def output(self) -> str:
        """Student output captured so far (truncated)."""
        return bytes(self.captured).decode("utf-8", errors="replace")

    # -------------------------------------------------------------- cleanup
    def close(self) -> None:
        """Kill the worker, its sandbox and every process they started."""
        proc = getattr(self, "proc", None)
        if proc is not None:
            for pid in {self.pid, proc.pid} - {None}:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the session started for the child
            except OSError:
                pass
        if self._cgroup is not None:
            self._cgroup.remove()
        if proc is not None:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
