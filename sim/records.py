"""The record store of a simulation: every visit and visitor of every replication as NumPy
columns, the time-weighted levels and the moves on alarm (what ``Results`` is made of)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .model.compiled import CompiledHall
from .model.hall import ABANDONED, SERVED, DayRecord


@dataclass(frozen=True)
class RecordStore:
    """Day records of several replications concatenated, by column (visits, visitors,
    levels, moves); ``from_records`` builds it. *hall* is the compiled scenario."""

    hall: CompiledHall
    seed: int
    replications: int
    columns: dict = field(repr=False)
    level_array: np.ndarray = field(repr=False)  # (replications, zones, periods + 1, 5)
    zone_last_end: np.ndarray = field(repr=False)  # (replications, zones)
    day_factors: np.ndarray = field(repr=False)
    visitor_columns: dict = field(repr=False, default_factory=dict)  # per visitor: replication, service, bundle, klass, returns
    diverted: Optional[np.ndarray] = field(repr=False, default=None)  # (replications, 2, services): online, no-shows
    move_array: Optional[np.ndarray] = field(repr=False, default=None)  # rows: replication, time, from, to, is_return

    @classmethod
    def from_records(cls, hall: CompiledHall, records: list[DayRecord], seed: int):
        def cat(name, dtype=None):
            return np.concatenate([np.asarray(getattr(r, name), dtype=dtype) for r in records])

        visit_cols = ("visitor", "step", "queue", "arrival", "start", "end", "window", "outcome")
        cols = {
            "replication": np.concatenate([np.full(len(r.visitor), i, dtype=np.int32) for i, r in enumerate(records)]),
            **{name: cat(name) for name in visit_cols},
        }
        visitor_columns = {
            "replication": np.concatenate([np.full(len(r.visitor_service), i, dtype=np.int32) for i, r in enumerate(records)]),
            **{name: cat(f"visitor_{name}", np.int64) for name in ("service", "bundle", "klass", "returns")},
        }
        moves = np.concatenate([np.column_stack([np.full(len(r.moves), i), r.moves]) if len(r.moves) else np.zeros((0, 5))
                                for i, r in enumerate(records)])
        return cls(
            hall=hall,
            seed=seed,
            replications=len(records),
            columns=cols,
            level_array=np.stack([r.levels for r in records]),
            zone_last_end=np.stack([r.zone_last_end for r in records]),
            day_factors=np.array([r.day_factor for r in records]),
            visitor_columns=visitor_columns,
            diverted=np.stack([np.stack([r.online, r.no_shows]) for r in records]),
            move_array=moves,
        )

    @property
    def scenario(self):
        return self.hall.scenario

    def _visit_service(self) -> np.ndarray:
        """Per visit: the queue's service, else the service the visitor came for (-1 for a bundle)."""
        c = self.columns
        queue_service = np.array([q.service for q in self.hall.queues], dtype=np.int64)[c["queue"]]
        offsets = self._visitor_offsets()
        visitor_service = self.visitor_columns["service"][offsets[c["replication"]] + c["visitor"]]
        return np.where(queue_service >= 0, queue_service, visitor_service)

    def _visitor_offsets(self) -> np.ndarray:
        counts = np.bincount(self.visitor_columns["replication"], minlength=self.replications)
        return np.concatenate([[0], np.cumsum(counts)[:-1]])

    def _wait(self) -> np.ndarray:
        c = self.columns
        outcome = c["outcome"]
        return np.where(outcome == SERVED, c["start"] - c["arrival"],
                        np.where(outcome == ABANDONED, c["end"] - c["arrival"], np.nan))

