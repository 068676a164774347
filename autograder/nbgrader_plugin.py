"""nbgrader's autograde, made trustworthy: the kernel runs in the sandbox, the grades come from
the sandboxed harness.

``nbgrader_config.py`` puts three steps into ``Autograde.autograde_preprocessors``, so that
``nbgrader autograde``, ``make autograde`` and formgrader's autograde button all work alike:

1. :class:`PublicTestsInKernel`: the test cells keep only their public part for the kernel
   run (the sandboxed kernel cannot import the hidden checks, and must not);
2. :class:`SandboxedExecute`: nbgrader's Execute with the kernel started inside bubblewrap
   (:class:`SandboxedKernelManager`: no network, no capabilities, the course hidden; it
   talks to nbgrader over Unix sockets in a private folder), so a submission's code never
   runs unsandboxed on the grader, even as root; the notebook gets its outputs (figures
   in the feedback) and the kernel's own verdict of the public checks;
3. :class:`SandboxVerdict`: the harness grades the submission's answer cells in its own
   sandbox (:func:`autograder.harness.grade_submission`), writes its verdict into every
   test cell (the points as nbgrader's partial credit, the feedback as the output) and
   restores their full source. nbgrader's SaveAutoGrades then records these scores, and
   the feedback HTML shows these messages. Where the kernel's public verdict differs from
   the sandbox's (a kernel talked into passing), the instructor is told: a warning in
   nbgrader's log, the notebook's ``autograder`` metadata, and ``python -m autograder
   integrity``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbgrader import utils as nbutils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Instance, Integer, List, Unicode

from autograder.sandbox import (
    CHILD_ENV,
    Isolation,
    Limits,
    PidsCgroup,
    SandboxError,
    bwrap_command,
    detect_isolation,
    rnnlab_parent,
    sandbox_python,
)
from rnnlab.checking import output_bundle

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
METADATA_KEY = "autograder"


def public_part(source: str) -> str:
    """A test cell's source without its hidden-tests section (nbgrader's markers)."""
    out, hidden = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


def _is_test(cell) -> bool:
    return (cell.cell_type == "code" and nbutils.is_grade(cell)
            and not nbutils.is_solution(cell))


def course_paths(config) -> list[Path]:
    """The nbgrader course folders no student code may see (whatever the config says)."""
    root = Path(config.CourseDirectory.get("root", os.getcwd())).resolve()
    paths = [root]
    db = str(config.CourseDirectory.get("db_url", ""))
    if db.startswith("sqlite:///"):
        paths.append(Path(db.removeprefix("sqlite:///")).resolve().parent)
    return paths


@cache
def _isolation(allow_unsandboxed: bool, protect: tuple[Path, ...]) -> Isolation:
    return detect_isolation(protect=protect, allow_unsandboxed=allow_unsandboxed)


# ---------------------------------------------------------------- 1. public tests only
class PublicTestsInKernel(NbGraderPreprocessor):
    """Before the kernel run: each test cell keeps its public part (its full source is
    kept in ``resources`` and restored by :class:`SandboxVerdict`)."""

    def preprocess(self, nb, resources):
        kept = resources.setdefault(METADATA_KEY, {}).setdefault("sources", {})
        for cell in nb.cells:
            if _is_test(cell):
                kept[cell.metadata.nbgrader["grade_id"]] = cell.source
                cell.source = public_part(cell.source)
        return nb, resources


# ---------------------------------------------------------------- 2. a sandboxed kernel
class SandboxedKernelManager(AsyncKernelManager):
    """A kernel started inside bubblewrap, reached over Unix sockets in a private folder.

    It sees what the grading worker sees (Python, the venv, ``rnnlab``), plus the dataset
    and the submission's own folder, read-only; the course, the solutions, the hidden
    checks and the other submissions stay hidden.
    """

    isolation = Instance(Isolation, allow_none=True)
    protect = List()
    memory_mb = Integer(2048)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._folder = tempfile.mkdtemp(prefix="autograde-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._folder, "kernel")
        self.connection_file = os.path.join(self._folder, "kernel.json")
        self._cwd = None
        self._cgroup = None

    async def _async_pre_start_kernel(self, **kw):
        self._cwd = kw.get("cwd")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        iso = self.isolation
        if iso is None or iso.kind != "bwrap":
            return cmd
        from rnnlab import data

        python = sandbox_python()
        limit = self.memory_mb * 2**20
        # limits, and the kernel's console chatter away from the grader's terminal (its
        # results travel over the sockets)
        launcher = ("import os,resource,sys;"
                    f"resource.setrlimit(resource.RLIMIT_AS,({limit},{limit}));"
                    "resource.setrlimit(resource.RLIMIT_CORE,(0,0));"
                    "n=os.open(os.devnull,os.O_WRONLY);os.dup2(n,1);os.dup2(n,2);"
                    "os.execv(sys.executable,[sys.executable,*sys.argv[1:]])")
        cwd = str(Path(self._cwd).resolve()) if self._cwd else "/sandbox"
        ro = [p for p in {str(data.data_dir().resolve()),
                          str(data.REGISTRY_PATH.parent.resolve()), cwd, "/etc/fonts"}
              if Path(p).is_dir() and p != "/sandbox"]
        env = dict(CHILD_ENV, RNNLAB_DATA_DIR=str(data.data_dir().resolve()),
                   PYTHONPATH=rnnlab_parent())
        command = bwrap_command(iso, [python, "-c", launcher, *cmd[1:]], env=env, cwd=cwd,
                                tmpfs_mb=256, protect=[Path(p) for p in self.protect],
                                ro=sorted(ro), rw=[self._folder])
        command.close()  # no descriptors: only path binds
        argv = command.argv
        if iso.pids_limit == "cgroup":
            self._cgroup = PidsCgroup.create(256)
        if self._cgroup is not None:  # every process of the kernel, from its first one
            argv = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"',
                    str(self._cgroup.path / "cgroup.procs"), *argv]
        return argv

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            if self._cgroup is not None:
                self._cgroup.remove()
            shutil.rmtree(self._folder, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute, with the kernel inside the grading sandbox."""

    allow_unsandboxed = Bool(False, help=(
        "Run the kernel without the sandbox when bubblewrap is unusable (student code then "
        "runs with the grader's rights). Also read from SandboxVerdict.allow_unsandboxed."
    )).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        allow = self.allow_unsandboxed or bool(
            self.config.SandboxVerdict.get("allow_unsandboxed", False))
        protect = tuple(course_paths(self.config))
        if isinstance(km, SandboxedKernelManager):
            km.isolation = _isolation(allow, protect)
            km.protect = [str(p) for p in protect]
        return km


# ---------------------------------------------------------------- 3. the sandbox's verdict
class SandboxVerdict(NbGraderPreprocessor):
    """Grade the submission with the sandboxed harness; its verdicts become the test cells'
    outputs, so nbgrader's gradebook, export and feedback all show the harness's scores."""

    allow_unsandboxed = Bool(False, help=(
        "Grade even when bubblewrap is unusable (student code then runs with the grader's "
        "rights; the notebook's metadata records it)."
    )).tag(config=True)
    timeout = Float(60.0, help="Wall-clock limit per submission (seconds).").tag(config=True)
    memory_mb = Integer(2048, help="Address-space limit per submission (MB).").tag(config=True)
    integrity_log = Unicode("", help=(
        "CSV file that collects test cells whose in-kernel result disagreed with the "
        "sandbox (default: reports/integrity.csv in the course folder)."
    )).tag(config=True)

    def preprocess(self, nb, resources):
        from autograder.harness import grade_submission, load_spec
        from autograder.submissions import Submission

        info = resources.get("nbgrader", {})
        name = info.get("notebook") or info.get("assignment")
        sources = resources.get(METADATA_KEY, {}).get("sources", {})
        try:
            spec = load_spec(name)
        except FileNotFoundError:
            self.log.warning("%s is not an assignment of this course: its test cells keep "
                             "the kernel's results", name)
            self._restore(nb, sources)
            return nb, resources
        protect = tuple(course_paths(self.config))
        try:
            iso = _isolation(self.allow_unsandboxed, protect)
        except SandboxError as exc:
            raise SandboxError(f"{exc} (nbgrader: set c.SandboxVerdict.allow_unsandboxed)"
                               ) from None
        limits = Limits(timeout=self.timeout, memory_mb=self.memory_mb,
                        check_time=max(1.0, min(10.0, self.timeout / 4)))
        kernel = {cell.metadata.nbgrader["grade_id"]: nbutils.determine_grade(cell)[0]
                  for cell in nb.cells if _is_test(cell)}
        self._restore(nb, sources)
        data = nbformat.writes(nb).encode("utf-8")
        student = str(info.get("student", "student"))
        report = grade_submission(spec, Submission(student, Path(f"{name}.ipynb")), limits,
                                  iso, data=data)
        by_name = {t.name: t for t in report.tests}
        disagreements = []
        for cell in nb.cells:
            if not _is_test(cell):
                continue
            gid = cell.metadata.nbgrader["grade_id"]
            test = by_name.get(gid)
            if test is None:
                continue
            if kernel.get(gid) is None or abs(kernel[gid] - test.public_points) > 1e-6:
                disagreements.append({"test": gid, "kernel_points": kernel.get(gid),
                                      "sandbox_public_points": test.public_points})
            cell.outputs = [nbformat.from_dict(output_bundle(test.verdict()))]
        nb.metadata[METADATA_KEY] = {
            "isolation": iso.describe(), "score": report.score, "max_score": report.max_score,
            "status": report.status, "notes": report.notes,
            "tests": {t.name: t.points for t in report.tests},
            "disagreements": disagreements}
        for item in disagreements:
            self.log.warning(
                "%s/%s %s: the kernel's public checks gave %s points, the sandbox's %s: the "
                "notebook's own test results were not trustworthy (see python -m autograder "
                "integrity)", student, name, item["test"], item["kernel_points"],
                item["sandbox_public_points"])
        if disagreements:
            self._log_integrity(student, name, disagreements)
        self.log.info("%s/%s: %s/%s points from the sandbox (%s)", student, name,
                      report.score, report.max_score, iso.summary())
        return nb, resources

    def _restore(self, nb, sources: dict) -> None:
        for cell in nb.cells:
            if _is_test(cell) and cell.metadata.nbgrader["grade_id"] in sources:
                cell.source = sources[cell.metadata.nbgrader["grade_id"]]

    def _log_integrity(self, student: str, name: str, items: list[dict]) -> None:
        import csv

        root = Path(self.config.CourseDirectory.get("root", os.getcwd()))
        path = Path(self.integrity_log) if self.integrity_log else (
            root / "reports" / "integrity.csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        with path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(["student", "notebook", "test", "kernel_points",
                                 "sandbox_public_points"])
            for item in items:
                writer.writerow([student, name, item["test"], item["kernel_points"],
                                 item["sandbox_public_points"]])

