"""Run untrusted student code in a child process under bubblewrap, without privilege.

:class:`Child` is one long-lived worker (:mod:`autograder.worker`) for one submission;
:func:`bwrap_command` also wraps nbgrader's kernels (:mod:`autograder.nbgrader_plugin`).

The sandbox (:func:`detect_isolation` checks that it works here, whoever runs the grader):

- its own user namespace with uid/gid 65534 inside, no capabilities (``--cap-drop ALL``;
  none in the host's namespace either), ``no_new_privs``, and no further user namespaces
  (``--disable-userns``), whoever starts the grader (root included);
- new mount, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``): no network,
  it sees only its own processes, and killing its first process kills all of them;
- a read-only view of what Python needs (``/usr``, ``/bin``, ``/lib*``, the Python
  installation, the venv, ``rnnlab``), a private ``/tmp`` and working directory as the only
  writable places; every protected path (the course, the solutions and hidden checks, the
  submissions, the reports) that lies inside one of those binds is covered by an empty
  read-only folder, so a course cloned under ``/usr/src/app`` stays hidden too;
- resource limits (address space, file size, core dumps) and a pids cgroup when the machine
  lets us create one.

Without a working bubblewrap the grader refuses to run student code unless the instructor
asked for it explicitly (``--unsandboxed``); the report records which isolation was used.
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
SANDBOX_UID = 65534  # "nobody": the student's uid inside (and outside, when we are root)
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
SYSTEM_DIRS = ("usr", "bin", "lib", "lib64", "lib32", "sbin")
UNSANDBOXED_WARNING = (
    "WARNING: grading ran WITHOUT the bubblewrap sandbox (--unsandboxed): student code "
    "could read the solutions and hidden tests, use the network and touch files")


class SandboxError(RuntimeError):
    """The sandbox cannot be set up (a course or machine configuration problem)."""


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
                           "fsize_mb": self.fsize_mb, "path": rnnlab_parent()})


@dataclass
class Isolation:
    """How children are isolated on this machine (recorded in every report).

    kind: ``"bwrap"``; ``"uid"`` (asked for explicitly, for containers that cannot create
        namespaces, e.g. Gradescope's: no namespaces, student code runs as uid 65534 with
        limits, so root-only files such as the grader's stay unreadable); or ``"none"`` (only
        when the instructor passed ``--unsandboxed``).
    outside_uid: the host uid that the sandbox's uid 65534 maps to (the grader's own; it
        carries no capability on the host).
    binds: host folders visible (read-only) inside. hidden: protected paths inside those
        binds, covered by empty folders. pids_limit: ``"cgroup"``, ``"rlimit"`` or ``"none"``.
    """

    kind: str
    bwrap: str | None = None
    outside_uid: int | None = None
    disable_userns: bool = False
    pids_limit: str = "none"
    binds: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        if self.kind == "none":
            return {"kind": "none", "pids_limit": self.pids_limit, "warnings": self.warnings}
        if self.kind == "uid":
            return {"kind": "uid", "uid": SANDBOX_UID, "capabilities": "none",
                    "network": "not isolated", "pids_limit": self.pids_limit,
                    "warnings": self.warnings}
        return {"kind": self.kind, "uid_inside": SANDBOX_UID, "uid_outside": self.outside_uid,
                "capabilities": "none", "network": "none",
                "user_namespaces_inside": "disabled" if self.disable_userns else "allowed",
                "pids_limit": self.pids_limit, "read_only_binds": self.binds,
                "hidden": self.hidden, "warnings": self.warnings}

    def summary(self) -> str:
        """One line for logs and reports."""
        if self.kind == "none":
            return "none (unsandboxed)"
        if self.kind == "uid":
            return f"uid (runs as uid {SANDBOX_UID}, no namespaces, pids: {self.pids_limit})"
        return (f"bwrap (uid {SANDBOX_UID} inside, no capabilities, no network, "
                f"read-only system, pids: {self.pids_limit})")


# ---------------------------------------------------------------- what the sandbox sees
def rnnlab_parent() -> str:
    """The folder holding the grader's own ``rnnlab``: the worker and the kernel import that
    one (first on sys.path), whatever the venv's editable install points at."""
    import rnnlab

    return str(Path(rnnlab.__file__).resolve().parent.parent)


def python_binds() -> list[str]:
    """Host folders the worker's Python needs: the installation, the venv, site-packages
    and the editable ``rnnlab`` package, each only once (no folder inside another)."""
    import rnnlab

    wanted = {Path(sys.base_prefix), Path(sys.prefix), Path(rnnlab.__file__).parent}
    wanted.update(Path(p) for p in site.getsitepackages())
    wanted = {p.resolve() for p in wanted if p.exists()}
    return sorted(str(p) for p in wanted
                  if not any(q != p and q in p.parents for q in wanted))


def system_binds() -> list[tuple[str, str]]:
    """``/usr`` and the top-level system folders: ``("dir", path)`` for a folder to bind,
    ``("symlink", target)`` for a merged-/usr symlink such as ``/bin -> usr/bin``."""
    out = []
    for name in SYSTEM_DIRS:
        path = Path("/") / name
        if path.is_symlink():
            out.append(("symlink", f"{os.readlink(path)}\0{path}"))
        elif path.is_dir():
            out.append(("dir", str(path)))
    return out


def default_protected() -> list[Path]:
    """What no sandbox may see whatever the caller adds: the course repository (its
    solutions, hidden checks and reports) and the ``autograder`` package itself."""
    package = Path(__file__).resolve().parent
    try:
        from autograder import reference
    except ImportError:  # a Gradescope bundle grades without the course's sources
        return [package.parent, package]
    return [reference.REPO_ROOT, reference.SOLUTIONS, package]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def hidden_paths(protect: list[Path], binds: list[str]) -> list[str]:
    """Protected paths that a bind would expose (those must be covered), outermost only."""
    roots = [Path(b) for b in binds] + [Path("/") / d for d in SYSTEM_DIRS
                                        if (Path("/") / d).is_dir()
                                        and not (Path("/") / d).is_symlink()]
    found = set()
    for path in protect:
        path = Path(path).resolve()
        if any(_inside(path, root) for root in roots):
            found.add(path)
    return sorted(str(p) for p in found
                  if not any(q != p and q in p.parents for q in map(Path, found)))


# ---------------------------------------------------------------- the bubblewrap command
@dataclass
class Command:
    """A bubblewrap command line and the descriptors it needs (close them after spawn)."""

    argv: list[str]
    fds: list[int] = field(default_factory=list)

    def close(self) -> None:
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds.clear()


def bwrap_command(iso: Isolation, argv: list[str], *, env: dict[str, str], cwd: str,
                  tmpfs_mb: int, protect: list[Path], ro: list[str] = (),
                  rw: list[str] = (), files: dict[str, bytes] | None = None,
                  info_fd: int | None = None) -> Command:
    """The bubblewrap command that runs ``argv`` in the sandbox ``iso``.

    ``ro``/``rw``: extra host folders bound read-only / writable at the same path (bound
    after the protected paths are covered, so they may lie inside one); ``files``: files
    copied in read-only (``{path inside: content}``); ``cwd``: the working directory inside
    (a private tmpfs unless it is one of the binds).
    """
    cmd = Command([iso.bwrap or "bwrap"])
    size = str(tmpfs_mb * 2**20)

    def bind(src: str, dest: str, writable: bool = False) -> None:
        cmd.argv.extend(["--bind" if writable else "--ro-bind", src, dest])

    try:
        # the private /tmp first: a bind below /tmp (a course cloned there) lands on top
        cmd.argv += ["--size", size, "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"]
        for kind, value in system_binds():
            if kind == "symlink":
                target, link = value.split("\0")
                cmd.argv += ["--symlink", target, link]
            else:
                bind(value, value)
        # mounts in path order, so that a folder lands on top of anything bound above it:
        # a venv inside a covered course folder is bound after the cover, a protected
        # folder inside a bound one is covered after the bind
        hidden = hidden_paths([*protect, *map(Path, iso.hidden)], iso.binds)
        ops = [(p, "ro") for p in iso.binds] + [(p, "cover") for p in hidden]
        ops += [(p, "ro") for p in ro] + [(p, "rw") for p in rw]
        ops.sort(key=lambda op: (len(Path(op[0]).parts), op[1] == "cover"))
        covered = []
        for path, op in ops:
            if op != "cover":
                bind(path, path, writable=op == "rw")
            elif Path(path).is_dir():
                cmd.argv += ["--size", str(2**20), "--tmpfs", path]
                covered.append(path)
            elif Path(path).exists():
                cmd.argv += ["--ro-bind", "/dev/null", path]
        for dest, content in (files or {}).items():
            fd = os.memfd_create("sandbox-file", 0)
            cmd.fds.append(fd)
            os.write(fd, content)
            os.lseek(fd, 0, os.SEEK_SET)
            cmd.argv += ["--perms", "0444", "--ro-bind-data", str(fd), dest]
        if cwd == SANDBOX_DIR:
            cmd.argv += ["--size", size, "--tmpfs", SANDBOX_DIR]
        for path in covered:
            cmd.argv += ["--remount-ro", path]
        cmd.argv += ["--remount-ro", "/dev", "--remount-ro", "/",
                     "--chdir", cwd, "--unshare-all", "--unshare-user",
                     "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
                     "--cap-drop", "ALL", "--die-with-parent", "--new-session",
                     # no reaper: the reported child-pid is the command itself, which goes
                     # into the pids cgroup before it runs any student code
                     "--as-pid-1", "--hostname", "sandbox", "--clearenv"]
        if iso.disable_userns:
            cmd.argv.append("--disable-userns")
        for key, value in env.items():
            cmd.argv += ["--setenv", key, value]
        if info_fd is not None:
            cmd.argv += ["--info-fd", str(info_fd)]
        cmd.argv += ["--", *argv]
    except BaseException:
        cmd.close()
        raise
    return cmd


# ---------------------------------------------------------------- detection
def _bwrap_supports(bwrap: str, flag: str) -> bool:
    try:
        text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return flag in text.stdout + text.stderr


def _try(iso: Isolation) -> str | None:
    """None when a sandbox ``iso`` starts here and is as unprivileged as promised."""
    probe = ("import os;s=open('/proc/self/status').read();"
             "cap=s.split('CapEff:')[1].split()[0];print(os.getuid(),int(cap,16))")
    python = str(Path(sys.executable).parent.resolve() / Path(sys.executable).name)
    try:
        cmd = bwrap_command(iso, [python, "-I", "-S", "-c", probe], env=dict(CHILD_ENV),
                            cwd=SANDBOX_DIR, tmpfs_mb=16, protect=[])
    except OSError as exc:
        return str(exc)
    try:
        done = subprocess.run(cmd.argv, capture_output=True, timeout=30, pass_fds=cmd.fds)
    except (OSError, subprocess.TimeoutExpired, subprocess.SubprocessError) as exc:
        return str(exc)
    finally:
        cmd.close()
    if done.returncode:
        return done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
    if done.stdout.split() != [str(SANDBOX_UID).encode(), b"0"]:
        return f"the sandbox is not unprivileged: uid/CapEff {done.stdout!r}"
    return None


def detect_isolation(preference: str | None = None, protect: tuple[Path, ...] = (),
                     allow_unsandboxed: bool = False) -> Isolation:
    """The sandbox for this machine: bubblewrap, unprivileged, or an error.

    ``preference``: ``"auto"``/``"bwrap"`` (the default; ``AUTOGRADER_ISOLATION``
    overrides) or ``"none"``, which like ``allow_unsandboxed`` is the instructor's explicit
    choice to grade without isolation. Raises SandboxError when bubblewrap is unusable and
    unsandboxed grading was not asked for.
    """
    preference = preference or os.environ.get("AUTOGRADER_ISOLATION", "auto")
    if preference not in ("auto", "bwrap", "uid", "none"):
        raise SandboxError(f"unknown isolation {preference!r} (auto, bwrap, uid or none)")
    if preference == "none":
        allow_unsandboxed = True
    iso = Isolation("none")
    problem = "unsandboxed grading was requested"
    if preference == "uid":
        if os.geteuid() != 0:
            raise SandboxError("uid isolation needs root (it runs student code as uid "
                               f"{SANDBOX_UID})")
        iso = Isolation("uid", outside_uid=SANDBOX_UID)
        iso.warnings.append(
            f"uid isolation: no namespaces; student code runs as uid {SANDBOX_UID}: it cannot "
            "read root-only files but reaches the network and world-readable files")
    elif preference != "none":
        bwrap = shutil.which("bwrap")
        problem = "bubblewrap (bwrap) is not installed"
        if bwrap is not None:
            candidate = Isolation("bwrap", bwrap=bwrap, binds=python_binds(),
                                  outside_uid=os.geteuid(),
                                  disable_userns=_bwrap_supports(bwrap, "--disable-userns"))
            problem = _try(candidate)
            if problem is None:
                iso = candidate
    if iso.kind == "uid":
        pass
    elif iso.kind == "none":
        if not allow_unsandboxed:
            raise SandboxError(
                f"the grading sandbox is unusable here ({problem}). Install bubblewrap "
                "(Debian/Ubuntu: apt install bubblewrap) on a Linux machine that allows "
                "user namespaces, or pass --unsandboxed to grade WITHOUT isolation "
                "(student code could then read the solutions and change files)")
        iso.warnings.append(UNSANDBOXED_WARNING)
    else:
        iso.hidden = hidden_paths([*default_protected(), *map(Path, protect)], iso.binds)
    probe = PidsCgroup.create(1)
    if probe is not None:
        probe.remove()
        iso.pids_limit = "cgroup"
    elif os.geteuid() != 0 or iso.kind == "uid":
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
def _drop_to(uid: int):
    """Popen's preexec_fn for uid isolation: no supplementary groups, uid/gid ``uid``."""
    def drop():
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    return drop


def sandbox_python() -> str:
    """The venv's interpreter through its real folder (the binds are real paths), keeping
    the file name: a symlink whose location tells Python it is in a venv."""
    return str(Path(sys.executable).parent.resolve() / Path(sys.executable).name)


class Child:
    """One worker process for one submission; :meth:`call` sends a request and waits for
    its reply; :meth:`close` kills the worker and everything it started."""

    def __init__(self, isolation: Isolation, limits: Limits, protect: tuple[Path, ...] = ()):
        self.isolation = isolation
        self.limits = limits
        self.protect = [*default_protected(), *map(Path, protect)]
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

    def _command(self, info_fd: int | None) -> Command:
        if self.isolation.kind == "none":
            return Command([sys.executable, "-I", str(WORKER), self.limits.worker_args()])
        if self.isolation.kind == "uid":
            # the worker and rnnlab copied where uid 65534 can read them (the grader's own
            # folders may be root-only: that is the point)
            import rnnlab

            folder = Path(self._tmp)
            folder.chmod(0o755)
            shutil.copy(WORKER, folder / "worker.py")
            shutil.copytree(Path(rnnlab.__file__).parent, folder / "rnnlab",
                            ignore=shutil.ignore_patterns("__pycache__"))
            args = json.loads(self.limits.worker_args())
            args["path"] = str(folder)
            return Command([sys.executable, "-I", str(folder / "worker.py"), json.dumps(args)])
        return bwrap_command(
            self.isolation, [sandbox_python(), "-I", WORKER_IN_SANDBOX,
                             self.limits.worker_args()],
            env=dict(CHILD_ENV), cwd=SANDBOX_DIR, tmpfs_mb=self.limits.tmpfs_mb,
            protect=self.protect, files={WORKER_IN_SANDBOX: WORKER.read_bytes()},
            info_fd=info_fd)

    def _start(self) -> None:
        info_r = info_w = None
        if self.isolation.kind == "bwrap":
            info_r, info_w = os.pipe()
        cmd = None
        try:
            cmd = self._command(info_w)
            fds = [*cmd.fds, *([info_w] if info_w is not None else [])]
            self.proc = subprocess.Popen(
                cmd.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=dict(CHILD_ENV), cwd=self._tmp,
                start_new_session=True, pass_fds=fds, close_fds=True,
                preexec_fn=_drop_to(SANDBOX_UID) if self.isolation.kind == "uid" else None)
        finally:
            if cmd is not None:
                cmd.close()
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
        nonce = uuid.uuid4().hex  # unknown to anything that ran before this request
        deadline = time.monotonic() + timeout
        self._write(wire.dumps(dict(request, id=self._next_id, nonce=nonce)), deadline)
        while True:
            line = self._readline(deadline)
            try:
                reply = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise ChildProtocolError(f"invalid reply: {exc}") from None
            if type(reply) is not dict:
                raise ChildProtocolError("invalid reply")
            if reply.get("id") == self._next_id and reply.get("nonce") == nonce:
                return reply
            # a stale or forged line (written by an answer cell, or a process the student
            # forked): ignore it

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
