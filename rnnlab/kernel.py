"""The course kernel: IPython's, except that Run All stops at a failing cell under load too.

JupyterLab's Run All creates every cell's execute request at once, each with
``stop_on_error``, and sends them all; when one fails, the kernel aborts the requests
queued behind it. In ipykernel 7 that abort ends as soon as a marker message, posted when
the error happened, comes through the kernel's shell channel, and
``Kernel.stop_on_error_timeout`` is no longer used: requests of the same Run All that
reach the kernel after the marker (a loaded machine, where the browser, the server and
the kernel share two cores) run anyway, past the failing cell.

:class:`CourseKernel` also aborts every execute request that was *created* together with
the failing one, whenever it arrives: created (the header's date, the browser's clock) no
later than the failing request's creation plus the time the kernel spent running it plus
``stop_on_error_timeout`` seconds. Run All's requests are created within milliseconds of
each other, so they all are; a cell the student runs after reading the error is not.
Requests sent without ``stop_on_error`` (nbclient with ``allow_errors``, as nbgrader runs
notebooks) never start an abort, so grading is unaffected.

It also reports a ``language_info`` that is the same on every machine
(:data:`LANGUAGE_INFO`), so that a notebook does not open as modified.

``python -m rnnlab setup`` selects it in the environment's
``etc/ipython/ipython_kernel_config.json`` (``IPKernelApp.kernel_class``) with
``stop_on_error_timeout`` = :data:`rnnlab.cli.STOP_ON_ERROR_TIMEOUT`.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from ipykernel.ipkernel import IPythonKernel

# What the kernel tells JupyterLab about its language, which JupyterLab writes into the
# notebook's metadata when the kernel starts: a notebook whose language_info differs is
# marked modified (●) as soon as it opens. IPython's own reports the exact Python version
# (3.11.7), which differs between students' machines; this one is the same everywhere.
# The released notebooks should carry exactly this dict.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3",
}


class CourseKernel(IPythonKernel):
    """IPythonKernel that aborts the rest of a Run All after an error, however late its
    requests arrive."""

    language_info = LANGUAGE_INFO
    _running: tuple[datetime | None, float] = (None, 0.0)  # (created, started) of a request
    _burst_until: datetime | None = None  # requests created before this are aborted

    async def execute_request(self, stream, ident, parent):
        if parent.get("header", {}).get("subshell_id") is None:
            self._running = (parent.get("header", {}).get("date"), time.monotonic())
        return await super().execute_request(stream, ident, parent)

    def _abort_queues(self, subshell_id: str | None = None):
        created, started = self._running
        if subshell_id is None and isinstance(created, datetime):
            ran = time.monotonic() - started
            self._burst_until = created + timedelta(seconds=ran + self.stop_on_error_timeout)
        return super()._abort_queues(subshell_id)

    def should_handle(self, stream, msg, idents):
        header = msg.get("header", {})
        created = header.get("date")
        if (header.get("msg_type") == "execute_request" and self._burst_until is not None
                and header.get("subshell_id") is None and isinstance(created, datetime)):
            try:
                late_of_the_same_run = created <= self._burst_until
            except TypeError:  # a date without a time zone: cannot compare, run it
                late_of_the_same_run = False
            if late_of_the_same_run:
                self._send_abort_reply(stream, msg, idents)
                return False
        return super().should_handle(stream, msg, idents)
