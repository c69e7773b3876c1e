"""Background jobs (simulations, optimizations) that the page polls and may cancel.

A job runs in a thread of its own so the web server keeps answering; the
replications themselves run on one warm process pool shared by all jobs (kept for
the app's lifetime, so a run does not pay for starting processes). One job runs at
a time: this is a single-user tool on a manager's machine, and two runs would only
share the same cores.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Optional

from sim import InputError
from sim.i18n import problem_rows, progress_text


class Cancelled(Exception):
    """Raised inside a job's progress callback when the user cancelled it."""


class Busy(Exception):
    """Another job is still running."""


@dataclass
class Job:
    """A running or finished job: *state* is ``running``, ``done``, ``failed`` or ``cancelled``."""

    id: int
    kind: str
    state: str = "running"
    done: int = 0
    total: int = 0
    log: list = field(default_factory=list)
    log_zh: list = field(default_factory=list)     # the same lines in Chinese (sim.i18n.progress_text)
    error: Optional[str] = None
    problems: list = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    seconds: Optional[float] = None
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    ended: threading.Event = field(default_factory=threading.Event, repr=False)  # set once state is final

    def wait_end(self, seconds: float) -> None:
        """Return when the job has ended or after *seconds*, whichever comes first (a long poll:
        the page learns of the end at once, and sees progress without asking many times a second)."""
        if seconds > 0:
            self.ended.wait(seconds)

    def progress(self, done: int, total: int) -> None:
        """Record progress; raises Cancelled when the user asked to stop."""
        self.done, self.total = done, total
        if self.cancel_event.is_set():
            raise Cancelled()

    def say(self, line: str) -> None:
        """Add a log line (the optimizer's steps); raises Cancelled when asked to stop."""
        self.log.append(line)
        self.log_zh.append(progress_text(line, "zh"))
        self.done += 1
        if self.cancel_event.is_set():
            raise Cancelled()

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "state": self.state, "done": self.done, "total": self.total,
                "log": self.log[-12:], "log_zh": self.log_zh[-12:],
                "error": self.error, "problems": problem_rows(self.problems),
                "seconds": None if self.seconds is None else round(self.seconds, 2)}


class JobRunner:
    """Runs one job at a time in a background thread, with a warm process pool for replications."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, int(workers))
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="servicehall-job")
        self._pool: Optional[ProcessPoolExecutor] = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.jobs: dict[int, Job] = {}
        self.current: Optional[Job] = None

    def executor(self) -> Optional[ProcessPoolExecutor]:
        """The shared process pool (None with one worker: replications run in the job's thread)."""
        if self.workers == 1:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def warm_up(self) -> None:
        """Start the worker processes now rather than on the first run."""
        pool = self.executor()
        if pool is not None:
            for f in [pool.submit(time.sleep, 0.05) for _ in range(self.workers)]:
                f.result()

    def submit(self, kind: str, work: Callable[[Job], Any], on_done: Callable[[Job, Any], None]) -> Job:
        """Start *work(job)* in the background; *on_done(job, result)* runs when it succeeds.

        Raises Busy when a job is still running.
        """
        with self._lock:
            if self.current is not None and self.current.state == "running":
                raise Busy()
            job = Job(next(self._ids), kind)
            self.jobs[job.id] = job
            self.current = job
        self._threads.submit(self._run, job, work, on_done)
        return job

    def _run(self, job: Job, work, on_done) -> None:
        try:
            try:
                result = work(job)
            except BrokenProcessPool:
                self._pool = None  # a worker died: start a fresh pool and try once more
                result = work(job)
            job.seconds = time.perf_counter() - job.started
            on_done(job, result)
            job.state = "done"
        except Cancelled:
            job.state = "cancelled"
        except InputError as exc:
            job.error, job.problems, job.state = str(exc), list(exc.problems), "failed"
        except Exception as exc:  # shown on the page; the server keeps running
            job.error = f"{type(exc).__name__}: {exc}"
            job.state = "failed"
            traceback.print_exc()
        finally:
            if job.seconds is None:
                job.seconds = time.perf_counter() - job.started
            job.ended.set()

    def cancel(self, job_id: int) -> Job:
        job = self.jobs[job_id]
        job.cancel_event.set()
        return job

    def wait(self, job: Job, timeout: float = 60.0) -> Job:
        """Block until *job* is finished (for tests and the benchmark)."""
        job.ended.wait(timeout)
        return job

    def shutdown(self) -> None:
        for job in self.jobs.values():
            job.cancel_event.set()
        self._threads.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
