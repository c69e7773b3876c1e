"""Replications: seeds, batches and executors.

Each replication draws from its own named streams, so the same seed gives the
same numbers whether replications run serially, on a process pool, or on any
``concurrent.futures``-style executor (a Dask client's ``get_executor()``).
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Optional

from .errors import InputError
from .model.compiled import CompiledHall, compile_hall
from .model.hall import DayRecord, simulate_day
from .model.visitors import draw_visitors
from .progress import progress_bar
from .results import Results
from .scenario import Scenario
from .stop_request import raise_if_stop_requested


def run_replication(hall: CompiledHall, seed: int, replication: int) -> DayRecord:
    """Simulate replication *replication* of *hall* under *seed*."""
    return simulate_day(hall, draw_visitors(hall, seed, replication))


def run_batch(hall: CompiledHall, seed: int, replications: list[int]) -> list[DayRecord]:
    """Several replications in one task (fewer round trips to workers); stops between two
    when the task was cancelled on a Dask cluster (see :func:`dask_task_cancelled`)."""
    records: list[DayRecord] = []
    for r in replications:
        if records and dask_task_cancelled():
            raise TaskCancelled(f"replications {replications[0]}-{replications[-1]}: the Dask task was cancelled")
        records.append(run_replication(hall, seed, r))
    return records


class TaskCancelled(RuntimeError):
    """A batch stopped because its Dask task was cancelled (nobody waits for its result)."""


def dask_task_cancelled() -> bool:
    """Whether this code runs as a Dask task that was cancelled (its client stopped or went away).

    A worker cannot interrupt a running task: it keeps computing a cancelled one to the end,
    and a batch of replications takes seconds, so the batch asks between replications.
    False outside a Dask worker (``distributed`` is then not even imported).
    """
    worker_module = sys.modules.get("distributed.worker")
    if worker_module is None:
        return False
    try:
        worker = worker_module.get_worker()
        task = worker.state.tasks.get(worker.get_current_task())
    except (ValueError, KeyError, AttributeError):  # not in a task of a worker
        return False
    return task is None or task.state in ("cancelled", "released", "forgotten")


MAX_BATCH = 10
"""Replications per task at most: bounds the records a finished task holds in memory."""


def _batches(replications: int, parts: int) -> list[list[int]]:
    size = min(MAX_BATCH, max(1, -(-replications // parts)))
    return [list(range(i, min(i + size, replications))) for i in range(0, replications, size)]


PR_SET_PDEATHSIG = 1


def _worker_init(parent: int) -> None:
    """Pool worker set-up: die with the parent, leave Ctrl-C to the parent.

    On Linux the kernel sends the worker SIGKILL when its parent dies (even by
    SIGKILL), so no orphan keeps computing; the terminal's SIGINT, sent to the whole
    process group, is ignored here because the parent stops the pool itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop *pool* at once: kill the workers, then cancel what has not started.

    The workers die first: ``shutdown`` wakes the pool's manager thread through a
    pipe, and on Python 3.11 that write can block for good when the pipe is full
    while the manager waits on busy workers (CPython gh-105829). With the workers
    gone the manager drains it and stops; ``shutdown`` then runs in a helper thread
    that is given a few seconds at most, so an interruption never hangs.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        try:
            p.kill()
        except (OSError, AttributeError, ValueError):  # pragma: no cover - already gone
            pass
    closer = threading.Thread(target=pool.shutdown, kwargs={"wait": False, "cancel_futures": True}, daemon=True)
    closer.start()
    closer.join(timeout=5)
    for p in processes:
        try:
            p.join(timeout=5)
        except (OSError, AttributeError, ValueError, AssertionError):  # pragma: no cover
            pass


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of *workers* whose workers die with this process (see :func:`_worker_init`)."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_records(
    hall: CompiledHall,
    replications: int,
    seed: int,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
    on_record: Optional[Callable[[int, DayRecord], None]] = None,
    keep: bool = True,
) -> list[DayRecord]:
    """Day records of replications ``0..replications-1``, in replication order.

    *workers* None means every core (1 runs in this process); *executor* overrides
    it. *on_record* is called for each record in replication order as soon as it
    and all earlier ones are done (streaming writers hook in here). With *keep*
    False the records are not kept (an empty list is returned): memory then stays
    flat however many replications run, because at most a few tasks of at most
    ``MAX_BATCH`` replications are in flight or waiting to be collected. An error
    in a task or in *on_record* cancels the tasks not yet started.
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    records: list[DayRecord] = []
    done = 0
    bar = progress_bar(total=replications, desc="replications", enabled=progress)

    def collect(batch: Iterable[DayRecord]) -> None:
        nonlocal done
        raise_if_stop_requested()
        for rec in batch:
            if on_record is not None:
                on_record(done, rec)
            if keep:
                records.append(rec)
            done += 1
            bar.update(1)

    try:
        if executor is None and (n_workers == 1 or replications == 1):
            for r in range(replications):
                collect([run_replication(hall, seed, r)])
            return records
        if executor is not None:
            # Several batches per (unknown number of) workers keep a cluster busy.
            _run_windowed(executor, hall, seed, _batches(replications, 32), 32, collect)
        else:
            # Several batches per worker keep every core busy and the bar moving.
            batches = _batches(replications, n_workers * 4)
            pool = worker_pool(min(n_workers, len(batches)))
            try:
                _run_windowed(pool, hall, seed, batches, 2 * n_workers, collect)
            except BaseException:
                stop_pool(pool)  # an error or Ctrl-C: do not wait for running batches
                raise
            pool.shutdown(wait=True)
        return records
    finally:
        bar.close()


def _run_windowed(executor: Executor, hall: CompiledHall, seed: int, batches: list[list[int]], window: int,
                  collect: Callable[[Iterable[DayRecord]], None]) -> None:
    """Run *batches* on *executor* with at most *window* submitted but not collected,
    collecting results in order; on any error cancel what has not started."""
    pending: deque[Future] = deque()
    todo = iter(batches)
    try:
        for batch in itertools.islice(todo, window):
            pending.append(executor.submit(run_batch, hall, seed, batch))
        while pending:
            result = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(executor.submit(run_batch, hall, seed, nxt))
            collect(result)
            del result
    finally:
        for f in pending:
            f.cancel()


def check_memory(scenario: Scenario, replications: int) -> None:
    """Raise InputError when *replications* days of *scenario* would hold more visit records in
    memory than the ``RECORDS`` limit (``sim.stream.simulate_to_dir`` writes them as it goes)."""
    from .flows import expected_visits
    from .scenario.limits import limit

    records = expected_visits(scenario, replications)
    if records > limit("RECORDS"):
        raise InputError(
            "--replications", "",
            f"{replications:,} days of about {expected_visits(scenario):,.0f} visits would hold {records:,.0f} "
            f"visit records in memory, above the limit of {limit('RECORDS'):,}; write them to disk with "
            "--out DIR --stream, use fewer replications, or set SERVICEHALL_MAX_RECORDS to raise the limit")


def simulate(
    scenario: Scenario,
    replications: int = 30,
    seed: int = 0,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool | Callable[[int, int], None]] = None,
) -> Results:
    """Simulate *replications* independent days of *scenario* from *seed*.

    Results are identical for a given seed whatever *workers* or *executor*.
    *progress*: True/False for a bar on stderr (None: only on a terminal), or a
    callable ``progress(done, total)`` called as replications finish in order;
    an exception raised by it stops the run (tasks not started are cancelled).
    """
    check_memory(scenario, replications)
    hall = compile_hall(scenario)
    on_record = None
    if callable(progress):
        report = progress
        on_record = lambda done, _record: report(done + 1, replications)  # noqa: E731
        progress = False
    records = run_records(hall, replications, seed, workers=workers, executor=executor, progress=progress,
                          on_record=on_record)
    return Results.from_records(hall, records, seed=seed)
