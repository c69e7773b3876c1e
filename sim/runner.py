"""Replications: seeds, batches and executors.

Each replication draws from its own named streams, so the same seed gives the
same numbers whether replications run serially, on a process pool, or on any
``concurrent.futures``-style executor (a Dask client's ``get_executor()``).
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Callable, Iterable, Optional

from .model.hall import DayRecord, simulate_day
from .model.plan import HallPlan, compile_plan
from .model.visitors import draw_visitors
from .progress import progress_bar
from .results import Results
from .scenario import Scenario


def run_replication(plan: HallPlan, seed: int, replication: int) -> DayRecord:
    """Simulate replication *replication* of *plan* under *seed*."""
    return simulate_day(plan, draw_visitors(plan, seed, replication))


def run_batch(plan: HallPlan, seed: int, replications: list[int]) -> list[DayRecord]:
    """Several replications in one task (fewer round trips to workers)."""
    return [run_replication(plan, seed, r) for r in replications]


def _batches(replications: int, parts: int) -> list[list[int]]:
    size = max(1, -(-replications // parts))
    return [list(range(i, min(i + size, replications))) for i in range(0, replications, size)]


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_records(
    plan: HallPlan,
    replications: int,
    seed: int,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
    on_record: Optional[Callable[[int, DayRecord], None]] = None,
) -> list[DayRecord]:
    """Day records of replications ``0..replications-1``, in replication order.

    *workers* None means every core (1 runs in this process); *executor* overrides
    it. *on_record* is called for each record in replication order as soon as it
    and all earlier ones are done (streaming writers hook in here).
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    records: list[DayRecord] = []
    bar = progress_bar(total=replications, desc="replications", enabled=progress)

    def collect(batch: Iterable[DayRecord]) -> None:
        for rec in batch:
            if on_record is not None:
                on_record(len(records), rec)
            records.append(rec)
            bar.update(1)

    try:
        if executor is None and (n_workers == 1 or replications == 1):
            for r in range(replications):
                collect([run_replication(plan, seed, r)])
            return records
        # Several batches per worker keep every core busy and the bar moving.
        batches = _batches(replications, (n_workers if executor is None else 8) * 4)
        if executor is not None:
            futures = [executor.submit(run_batch, plan, seed, b) for b in batches]
            for f in futures:
                collect(f.result())
        else:
            with ProcessPoolExecutor(max_workers=min(n_workers, len(batches))) as pool:
                futures = [pool.submit(run_batch, plan, seed, b) for b in batches]
                for f in futures:
                    collect(f.result())
        return records
    finally:
        bar.close()


def simulate(
    scenario: Scenario,
    replications: int = 30,
    seed: int = 0,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
) -> Results:
    """Simulate *replications* independent days of *scenario* from *seed*.

    Results are identical for a given seed whatever *workers* or *executor*.
    """
    plan = compile_plan(scenario)
    records = run_records(plan, replications, seed, workers=workers, executor=executor, progress=progress)
    return Results.from_records(plan, records, seed=seed)
