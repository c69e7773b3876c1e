"""Long runs with flat memory: visit records go to disk as replications finish.

``simulate_to_dir`` runs the replications like ``sim.simulate`` but never holds more
than a chunk of days: each chunk's day records become a ``Results`` of their own, whose
``visits`` table is appended to ``visits.csv`` (or ``visits.parquet``) and whose
per-replication KPI rows (a few hundred numbers a day) are kept. At the end the
summaries, levels and ``summary.json`` are written from those, so the folder holds
exactly what ``write_results(sim.simulate(...))`` writes for the same seed, while memory
stays flat in the number of replications. Files appear completely or not at all.

    from sim.stream import simulate_to_dir
    results = simulate_to_dir(scenario, "out/run1", replications=250, seed=0)
    results.summary("zone")    # KPIs with intervals, as for Results; no visits in memory
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from .atomic import atomic_dir
from .kpis import BOUNDS
from .model.compiled import CompiledHall, compile_hall
from .model.hall import DayRecord
from .output import VisitsWriter, check_visits_format, write_tables
from .results import GROUPINGS, KPIS, Results
from .runner import run_records
from .scenario import Scenario
from .stats import summarize

CHUNK_VISITS = 50_000
"""Visits per chunk: day records are turned into tables once this many have arrived."""

PER_DAY_ARRAYS = ("level_array", "zone_last_end", "day_factors", "diverted")
"""``Results`` fields indexed by replication first, kept for every day."""

STREAM_ABOVE = 1_000_000
"""Expected visit records above which ``servicehall simulate --out`` streams by default."""


class StreamedResults:
    """The KPIs and levels of a streamed run: what ``Results`` offers but the visit tables
    (a :class:`~sim.results.KpiSource`).

    ``kpis``, ``summary``, ``levels``, ``scenario``, ``hall``, ``seed`` and
    ``replications`` behave as on ``Results``; KPIs were computed as the days went by,
    for the service-level *target* given then. The visits are in ``visits_path``.
    """

    def __init__(self, hall: CompiledHall, seed: int, target: float, visits_path: Path,
                 kpi_frames: dict[str, pd.DataFrame], levels_source: Results):
        self.hall = hall
        self.seed = seed
        self.target = target
        self.visits_path = visits_path
        self.replications = levels_source.replications
        self._kpis = kpi_frames
        self._levels_source = levels_source

    @property
    def scenario(self) -> Scenario:
        return self.hall.scenario

    @cached_property
    def levels(self) -> pd.DataFrame:
        """Time-weighted levels per replication, zone and period, as ``Results.levels``."""
        return self._levels_source.levels

    def kpis(self, by: str = "zone", target: Optional[float] = None) -> pd.DataFrame:
        """Per-replication KPI values, as ``Results.kpis``; only for the run's target."""
        return self._checked(by, target).copy()

    def _checked(self, by: str, target: Optional[float]) -> pd.DataFrame:
        if by not in GROUPINGS:
            raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, got {by!r}")
        if target is not None and float(target) != self.target:
            raise ValueError(f"KPIs of this streamed run were computed for target {self.target:g} min, got {target:g}")
        return self._kpis[by]

    def summary(self, by: str = "zone", target: Optional[float] = None, level: float = 0.95) -> pd.DataFrame:
        """KPIs with confidence intervals: columns ``[group], kpi, mean, low, high, n``."""
        per_rep = self._checked(by, target)
        group_cols = [c for c in ("zone", "service", "period") if c in per_rep.columns]
        return summarize(per_rep, group_cols, list(KPIS), level, BOUNDS)

    @property
    def visits(self) -> pd.DataFrame:
        raise AttributeError(f"a streamed run keeps no visits in memory; read {self.visits_path}")


class _Rows:
    """Rows of same-shaped tables kept as NumPy columns (categoricals as codes).

    Parts are merged every *merge_every* appends, so that memory holds the numbers
    themselves rather than one DataFrame's overhead per day.
    """

    def __init__(self, merge_every: int = 32):
        self.merge_every = merge_every
        self.parts: list[dict[str, np.ndarray]] = []
        self.dtypes: dict[str, object] = {}

    def append(self, frame: pd.DataFrame) -> None:
        if not self.dtypes:
            self.dtypes = dict(frame.dtypes)
        self.parts.append({c: (frame[c].cat.codes.to_numpy() if isinstance(t, pd.CategoricalDtype) else frame[c].to_numpy())
                           for c, t in self.dtypes.items()})
        if len(self.parts) >= self.merge_every:
            self.parts = [self._merged()]

    def _merged(self) -> dict[str, np.ndarray]:
        return {c: np.concatenate([p[c] for p in self.parts]) for c in self.dtypes}

    def frame(self) -> pd.DataFrame:
        """All rows as one DataFrame; the parts are released."""
        merged = self._merged()
        self.parts = []
        return pd.DataFrame({c: (pd.Categorical.from_codes(merged[c], dtype=t) if isinstance(t, pd.CategoricalDtype)
                                 else merged[c]) for c, t in self.dtypes.items()})


class _Collector:
    """Turns day records, chunk by chunk, into written visits and kept KPI rows."""

    def __init__(self, hall: CompiledHall, seed: int, target: float, writer: VisitsWriter, chunk_visits: int):
        self.hall, self.seed, self.target = hall, seed, target
        self.writer = writer
        self.chunk_visits = chunk_visits
        self.chunk: list[DayRecord] = []
        self.chunk_size = 0
        self.first = 0  # replication number of the chunk's first day
        self.kpis = {by: _Rows() for by in GROUPINGS}
        self.template: Optional[Results] = None  # a chunk's Results without its visits
        self.days: dict[str, list[np.ndarray]] = {}  # per-day arrays of every chunk

    def add(self, replication: int, record: DayRecord) -> None:
        assert replication == self.first + len(self.chunk), "records must come in replication order"
        self.chunk.append(record)
        self.chunk_size += len(record.visitor)
        if self.chunk_size >= self.chunk_visits:
            self.flush()

    def flush(self) -> None:
        if not self.chunk:
            return
        part = Results.from_records(self.hall, self.chunk, seed=self.seed)
        offset = self.first
        self.first += len(self.chunk)
        self.chunk, self.chunk_size = [], 0
        visits = part.visits
        visits["replication"] += np.int32(offset)
        self.writer.write(visits)
        del visits
        for by in GROUPINGS:
            frame = part.kpis(by, self.target)
            frame["replication"] += offset
            self.kpis[by].append(frame)
        # Keep the per-day arrays (levels, last ends, day factors, diversions), not the visits.
        if self.template is None:
            self.template = dataclasses.replace(part, columns={}, visitor_columns={}, move_array=None)
        for name in PER_DAY_ARRAYS:
            if getattr(part, name) is not None:
                kept = self.days.setdefault(name, [])
                kept.append(getattr(part, name))
                if len(kept) >= 32:
                    kept[:] = [np.concatenate(kept)]

    def results(self) -> StreamedResults:
        self.flush()
        kpis = {by: rows.frame() for by, rows in self.kpis.items()}
        arrays: dict[str, Any] = {name: np.concatenate(parts) for name, parts in self.days.items()}
        if self.template is None:
            raise ValueError("no replication was streamed")
        days = dataclasses.replace(self.template, replications=self.first, **arrays)
        return StreamedResults(self.hall, self.seed, self.target, self.writer.path, kpis, days)


def simulate_to_dir(
    scenario: Scenario,
    out_dir: str | Path,
    replications: int = 30,
    seed: int = 0,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
    target: Optional[float] = None,
    visits_format: str = "csv",
    chunk_visits: int = CHUNK_VISITS,
) -> StreamedResults:
    """Simulate like ``sim.simulate`` and write the files of ``sim.output.write_results``
    into *out_dir*, streaming the visits to disk in chunks of about *chunk_visits*.

    Same seed, same files as the in-memory path, whatever *workers* or *executor*.
    *target* is the service-level wait (default: the scenario's). On any error
    *out_dir* is left as it was.
    """
    check_visits_format(visits_format)
    if chunk_visits < 1:
        raise ValueError(f"chunk_visits must be >= 1, got {chunk_visits}")
    hall = compile_hall(scenario)
    target = float(scenario.target_wait if target is None else target)
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as stage:
        with VisitsWriter(stage, visits_format) as writer:
            collector = _Collector(hall, seed, target, writer, chunk_visits)
            run_records(hall, replications, seed, workers=workers, executor=executor, progress=progress,
                        on_record=collector.add, keep=False)
            results = collector.results()
        write_tables(results, stage, target)
    results.visits_path = out_dir / writer.path.name
    return results
