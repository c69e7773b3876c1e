"""Results of a simulation: tidy visit records, time-weighted levels, KPIs with intervals.

Per-replication KPI values are the unit of analysis: a KPI's estimate is their
mean and its 95% interval is a Student-t interval across replications, which is
valid because replications are independent days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import pandas as pd

from .clock import format_clock
from .model.hall import ABANDONED, BALKED, SERVED, DayRecord
from .model.queues import CLASS_NAMES
from .model.plan import HallPlan
from .stats import summarize

KPIS = (
    "visitors", "served", "abandoned", "balked", "mean_wait", "p50_wait", "p90_wait", "p95_wait",
    "max_wait", "service_level", "abandonment_rate", "balk_rate", "utilization", "mean_queue",
    "max_queue", "overtime", "return_visits", "moves",
)
KPI_HELP = {
    "visitors": "arrivals (tickets taken), per day",
    "served": "visits served, per day",
    "abandoned": "visitors who left the queue before being called, per day",
    "balked": "visitors who left at once because the queue was at its limit, per day",
    "mean_wait": "mean wait of visitors who queued (abandoners: time before leaving), minutes",
    "p50_wait": "median wait, minutes",
    "p90_wait": "90th percentile of wait, minutes",
    "p95_wait": "95th percentile of wait, minutes",
    "max_wait": "longest wait of the day, minutes",
    "service_level": "share of visitors who queued and were called within the target wait",
    "abandonment_rate": "abandoned / visitors",
    "balk_rate": "balked / visitors",
    "utilization": "busy window time / staffed window time (opening hours and overtime)",
    "mean_queue": "time-average number waiting during opening hours",
    "max_queue": "largest number waiting at once",
    "overtime": "minutes from closing until the last visitor is served",
    "return_visits": "visits on another day (missing materials, back office), per day",
    "moves": "staff moved on alarm, per day (by zone: moved into the zone)",
}
GROUPINGS = ("overall", "zone", "service", "period", "zone_period")
OUTCOMES = ("served", "abandoned", "balked", "unserved")


@dataclass(frozen=True)
class Results:
    """The outcome of ``sim.simulate``.

    *visits* is one row per visit; *levels* one row per replication, zone and
    period (plus ``after_close``) with time-weighted queue, busy and staffed
    windows; ``summary()`` gives KPIs with 95% intervals.
    """

    plan: HallPlan
    seed: int
    replications: int
    columns: dict = field(repr=False)
    level_array: np.ndarray = field(repr=False)  # (replications, zones, periods + 1, 5)
    zone_last_end: np.ndarray = field(repr=False)  # (replications, zones)
    day_factors: np.ndarray = field(repr=False)
    people: dict = field(repr=False, default_factory=dict)  # per visitor: replication, service, bundle, klass, returns
    diverted: np.ndarray = field(repr=False, default=None)  # (replications, 2, services): online, no-shows
    move_array: np.ndarray = field(repr=False, default=None)  # rows: replication, time, from, to, is_return

    @classmethod
    def from_records(cls, plan: HallPlan, records: list[DayRecord], seed: int) -> "Results":
        def cat(name, dtype=None):
            return np.concatenate([np.asarray(getattr(r, name), dtype=dtype) for r in records])

        visit_cols = ("visitor", "step", "queue", "arrival", "start", "end", "window", "outcome")
        cols = {
            "replication": np.concatenate([np.full(len(r.visitor), i, dtype=np.int32) for i, r in enumerate(records)]),
            **{name: cat(name) for name in visit_cols},
        }
        people = {
            "replication": np.concatenate([np.full(len(r.visitor_service), i, dtype=np.int32) for i, r in enumerate(records)]),
            **{name: cat(f"visitor_{name}", np.int64) for name in ("service", "bundle", "klass", "returns")},
        }
        moves = np.concatenate([np.column_stack([np.full(len(r.moves), i), r.moves]) if len(r.moves) else np.zeros((0, 5))
                                for i, r in enumerate(records)])
        return cls(
            plan=plan,
            seed=seed,
            replications=len(records),
            columns=cols,
            level_array=np.stack([r.levels for r in records]),
            zone_last_end=np.stack([r.zone_last_end for r in records]),
            day_factors=np.array([r.day_factor for r in records]),
            people=people,
            diverted=np.stack([np.stack([r.online, r.no_shows]) for r in records]),
            move_array=moves,
        )

    @property
    def scenario(self):
        return self.plan.scenario

    # -- tidy tables ---------------------------------------------------------------
    def _visit_service(self) -> np.ndarray:
        """Per visit: the queue's service, else the service the visitor came for (-1 for a bundle)."""
        c = self.columns
        queue_service = np.array([q.service for q in self.plan.queues], dtype=np.int64)[c["queue"]]
        offsets = self._visitor_offsets()
        visitor_service = self.people["service"][offsets[c["replication"]] + c["visitor"]]
        return np.where(queue_service >= 0, queue_service, visitor_service)

    def _visitor_offsets(self) -> np.ndarray:
        counts = np.bincount(self.people["replication"], minlength=self.replications)
        return np.concatenate([[0], np.cumsum(counts)[:-1]])

    def _wait(self) -> np.ndarray:
        c = self.columns
        outcome = c["outcome"]
        return np.where(outcome == SERVED, c["start"] - c["arrival"],
                        np.where(outcome == ABANDONED, c["end"] - c["arrival"], np.nan))

    @cached_property
    def visits(self) -> pd.DataFrame:
        """One row per visit: ``replication, visitor, service, zone, priority, arrival, start,
        end, wait, window, outcome`` (times in minutes since midnight), then ``step`` (0 for
        a visitor's first queue), ``queue``, ``kind``, ``class`` and ``bundle``."""
        c, plan = self.columns, self.plan
        outcome = c["outcome"]
        served = outcome == SERVED
        queues = plan.queues
        service = self._visit_service()
        window_labels = np.array(plan.window_labels() + [None], dtype=object)
        offsets = self._visitor_offsets()
        bundle = self.people["bundle"][offsets[c["replication"]] + c["visitor"]]
        bundle_ids = [b.id for b in plan.scenario.bundles]
        kinds = sorted({q.kind for q in queues})
        return pd.DataFrame({
            "replication": c["replication"],
            "visitor": c["visitor"],
            "service": pd.Categorical.from_codes(service, categories=list(plan.service_ids)),
            "zone": pd.Categorical.from_codes(plan.queue_home[c["queue"]], categories=list(plan.zone_ids)),
            "priority": np.array([q.priority for q in queues], dtype=np.int64)[c["queue"]],
            "arrival": c["arrival"],
            "start": np.where(served, c["start"], np.nan),
            "end": np.where(served, c["end"], np.nan),
            "wait": self._wait(),
            "window": pd.Categorical(window_labels[c["window"]], categories=plan.window_labels()),
            "outcome": pd.Categorical.from_codes(outcome.astype(np.int64) - SERVED, categories=list(OUTCOMES)),
            "step": c["step"],
            "queue": pd.Categorical.from_codes(c["queue"], categories=[q.label for q in queues]),
            "kind": pd.Categorical.from_codes(
                np.array([kinds.index(q.kind) for q in queues], dtype=np.int64)[c["queue"]], categories=kinds),
            "class": pd.Categorical.from_codes(np.array([q.klass for q in queues], dtype=np.int64)[c["queue"]],
                                               categories=list(CLASS_NAMES)),
            "bundle": pd.Categorical.from_codes(bundle, categories=bundle_ids),
        })

    @cached_property
    def visitors(self) -> pd.DataFrame:
        """One row per visitor: what they came for, when they arrived and left, how many
        queues they joined, whether they finished, and visits on another day (minutes)."""
        c, plan = self.columns, self.plan
        v = pd.DataFrame({
            "replication": c["replication"], "visitor": c["visitor"], "arrival": c["arrival"],
            "leave": np.where(np.isnan(c["end"]), c["arrival"], c["end"]),
            "served": c["outcome"] == SERVED,
        })
        g = v.groupby(["replication", "visitor"], sort=True)
        out = pd.DataFrame({
            "arrival": g["arrival"].min(), "leave": g["leave"].max(),
            "queues_joined": g.size(), "all_served": g["served"].all(),
        }).reset_index()
        offsets = self._visitor_offsets()
        idx = offsets[out["replication"].to_numpy()] + out["visitor"].to_numpy()
        bundle_ids = [b.id for b in plan.scenario.bundles]
        out.insert(2, "service", pd.Categorical.from_codes(self.people["service"][idx], categories=list(plan.service_ids)))
        out.insert(3, "bundle", pd.Categorical.from_codes(self.people["bundle"][idx], categories=bundle_ids))
        out.insert(4, "class", pd.Categorical.from_codes(self.people["klass"][idx], categories=list(CLASS_NAMES)))
        out["time_in_hall"] = out["leave"] - out["arrival"]
        out["return_visits"] = self.people["returns"][idx]
        return out

    @cached_property
    def moves(self) -> pd.DataFrame:
        """Staff moved on alarm: ``replication, time, from_zone, to_zone, kind`` (move or return)."""
        m = self.move_array if self.move_array is not None else np.zeros((0, 5))
        zones = list(self.plan.zone_ids)
        return pd.DataFrame({
            "replication": m[:, 0].astype(np.int64),
            "time": m[:, 1],
            "from_zone": pd.Categorical.from_codes(m[:, 2].astype(np.int64), categories=zones),
            "to_zone": pd.Categorical.from_codes(m[:, 3].astype(np.int64), categories=zones),
            "kind": np.where(m[:, 4] > 0, "return", "move"),
        })

    def bundle_summary(self, level: float = 0.95) -> pd.DataFrame:
        """Per bundle: visitors, time in the hall (arrival to the end, minutes), queues joined,
        share that finished; means over replications with intervals."""
        v = self.visitors
        v = v[v.bundle.notna()]
        per_rep = v.groupby(["replication", "bundle"], observed=False).agg(
            visitors=("visitor", "size"), time_in_hall=("time_in_hall", "mean"),
            queues_joined=("queues_joined", "mean"), completed=("all_served", "mean"),
        ).reset_index()
        full = pd.MultiIndex.from_product([range(self.replications), [b.id for b in self.scenario.bundles]],
                                          names=["replication", "bundle"])
        per_rep = per_rep.set_index(["replication", "bundle"]).reindex(full).reset_index()
        per_rep["visitors"] = per_rep["visitors"].fillna(0)
        return summarize(per_rep, ["bundle"], ["visitors", "time_in_hall", "queues_joined", "completed"], level)

    @cached_property
    def levels(self) -> pd.DataFrame:
        """Time-weighted levels per replication, zone and period (minutes; counts)."""
        plan = self.plan
        R, Z, B, _ = self.level_array.shape
        arr = self.level_array.reshape(R * Z * B, 5)
        length = arr[:, 4]
        with np.errstate(invalid="ignore", divide="ignore"):
            frame = pd.DataFrame({
                "replication": np.repeat(np.arange(R), Z * B),
                "zone": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(Z), B), R), categories=list(plan.zone_ids)),
                "period": pd.Categorical(np.tile([format_clock(t) for t in plan.period_edges[:-1]] + ["after_close"], R * Z),
                                         categories=[format_clock(t) for t in plan.period_edges[:-1]] + ["after_close"]),
                "minutes": length,
                "mean_queue": np.where(length > 0, arr[:, 0] / length, np.nan),
                "max_queue": arr[:, 1],
                "mean_busy": np.where(length > 0, arr[:, 2] / length, np.nan),
                "mean_staffed": np.where(length > 0, arr[:, 3] / length, np.nan),
            })
        return frame

    # -- KPIs ----------------------------------------------------------------------
    def kpis(self, by: str = "zone", target: Optional[float] = None) -> pd.DataFrame:
        """Per-replication KPI values, one row per replication and group.

        *by* is one of ``overall, zone, service, period, zone_period``; *target* is
        the service-level wait in minutes (default: the scenario's ``target_wait``).
        """
        if by not in GROUPINGS:
            raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, got {by!r}")
        target = self.scenario.target_wait if target is None else float(target)
        frame = self._visit_kpis(by, target)
        level = self._level_kpis(by)
        if level is not None:
            keys = [c for c in frame.columns if c in ("replication", "zone", "period")]
            frame = frame.merge(level, on=keys, how="left")
        if by in ("overall", "service"):
            frame = frame.merge(self._return_visits(by), on=["replication"] + ([by] if by == "service" else []), how="left")
        if by in ("overall", "zone"):
            frame = frame.merge(self._move_counts(by), on=["replication"] + ([by] if by == "zone" else []), how="left")
        for k in KPIS:
            if k not in frame.columns:
                frame[k] = np.nan
        return frame[[c for c in frame.columns if c not in KPIS] + list(KPIS)]

    def _group_codes(self, by: str) -> tuple[list[str], list[np.ndarray], list[list[str]]]:
        c, plan = self.columns, self.plan
        period_labels = [format_clock(t) for t in plan.period_edges[:-1]]
        period = np.clip(((c["arrival"] - plan.open) // plan.period).astype(np.int64), 0, plan.n_periods - 1)
        zone = plan.queue_home[c["queue"]]
        if by == "overall":
            return [], [], []
        if by == "zone":
            return ["zone"], [zone], [list(plan.zone_ids)]
        if by == "service":
            return ["service"], [self._visit_service()], [list(plan.service_ids)]
        if by == "period":
            return ["period"], [period], [period_labels]
        return ["zone", "period"], [zone, period], [list(plan.zone_ids), period_labels]

    def _visit_kpis(self, by: str, target: float) -> pd.DataFrame:
        c = self.columns
        names, codes, labels = self._group_codes(by)
        outcome = c["outcome"]
        served = outcome == SERVED
        abandoned = outcome == ABANDONED
        wait = self._wait()
        df = pd.DataFrame({"replication": c["replication"], **dict(zip(names, codes))})
        if by == "service":
            df = df[codes[0] >= 0]  # one-window bundle visits belong to no single service
        keep = df.index.to_numpy()
        df["served"] = served[keep]
        df["abandoned"] = abandoned[keep]
        df["balked"] = (outcome == BALKED)[keep]
        df["wait"] = wait[keep]
        df["met"] = df["served"].to_numpy() & (np.nan_to_num(wait[keep], nan=np.inf) <= target + 1e-9)
        keys = ["replication", *names]
        g = df.groupby(keys, sort=True)
        out = pd.DataFrame({
            "visitors": g.size(),
            "served": g["served"].sum(),
            "abandoned": g["abandoned"].sum(),
            "balked": g["balked"].sum(),
            "met": g["met"].sum(),
            "mean_wait": g["wait"].mean(),
            "p50_wait": g["wait"].quantile(0.5),
            "p90_wait": g["wait"].quantile(0.9),
            "p95_wait": g["wait"].quantile(0.95),
            "max_wait": g["wait"].max(),
        })
        # Every replication has every group, with zero counts where nobody came.
        full = pd.MultiIndex.from_product([range(self.replications), *[range(len(l)) for l in labels]], names=keys)
        out = out.reindex(full) if names else out.reindex(pd.Index(range(self.replications), name="replication"))
        for col in ("visitors", "served", "abandoned", "balked", "met"):
            out[col] = out[col].fillna(0)
        joined = out["served"] + out["abandoned"]
        with np.errstate(invalid="ignore", divide="ignore"):
            out["service_level"] = np.where(joined > 0, out["met"] / joined, np.nan)
            out["abandonment_rate"] = np.where(out["visitors"] > 0, out["abandoned"] / out["visitors"], np.nan)
            out["balk_rate"] = np.where(out["visitors"] > 0, out["balked"] / out["visitors"], np.nan)
        out = out.drop(columns="met").reset_index()
        for name, lab in zip(names, labels):
            out[name] = pd.Categorical.from_codes(out[name].to_numpy(np.int64), categories=lab)
        return out

    def _move_counts(self, by: str) -> pd.DataFrame:
        m = self.move_array if self.move_array is not None else np.zeros((0, 5))
        m = m[m[:, 4] == 0]  # moves, not the returns
        R, Z = self.replications, self.plan.n_zones
        if by == "overall":
            counts = np.bincount(m[:, 0].astype(np.int64), minlength=R)
            return pd.DataFrame({"replication": np.arange(R), "moves": counts.astype(float)})
        flat = np.bincount(m[:, 0].astype(np.int64) * Z + m[:, 3].astype(np.int64), minlength=R * Z)
        return pd.DataFrame({
            "replication": np.repeat(np.arange(R), Z),
            "zone": pd.Categorical.from_codes(np.tile(np.arange(Z), R), categories=list(self.plan.zone_ids)),
            "moves": flat.astype(float),
        })

    def _return_visits(self, by: str) -> pd.DataFrame:
        p = self.people
        if by == "overall":
            counts = np.bincount(p["replication"], weights=p["returns"], minlength=self.replications)
            return pd.DataFrame({"replication": np.arange(self.replications), "return_visits": counts})
        n = self.plan.n_services
        keep = p["service"] >= 0
        flat = np.bincount(p["replication"][keep] * n + p["service"][keep], weights=p["returns"][keep],
                           minlength=self.replications * n)
        return pd.DataFrame({
            "replication": np.repeat(np.arange(self.replications), n),
            "service": pd.Categorical.from_codes(np.tile(np.arange(n), self.replications), categories=list(self.plan.service_ids)),
            "return_visits": flat,
        })

    def _level_kpis(self, by: str) -> Optional[pd.DataFrame]:
        if by == "service":
            return None
        plan = self.plan
        L = self.level_array
        open_part = L[:, :, :-1, :]
        R = self.replications
        overtime = np.clip(self.zone_last_end - plan.close, 0, None)
        period_labels = [format_clock(t) for t in plan.period_edges[:-1]]
        with np.errstate(invalid="ignore", divide="ignore"):
            if by == "zone":
                util = L[..., 2].sum(axis=2) / L[..., 3].sum(axis=2)
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), plan.n_zones),
                    "zone": pd.Categorical.from_codes(np.tile(np.arange(plan.n_zones), R), categories=list(plan.zone_ids)),
                    "utilization": util.ravel(),
                    "mean_queue": (open_part[..., 0].sum(axis=2) / open_part[..., 4].sum(axis=2)).ravel(),
                    "max_queue": L[..., 1].max(axis=2).ravel(),
                    "overtime": overtime.ravel(),
                })
            elif by == "overall":
                frame = pd.DataFrame({
                    "replication": np.arange(R),
                    "utilization": L[..., 2].sum(axis=(1, 2)) / L[..., 3].sum(axis=(1, 2)),
                    "mean_queue": open_part[..., 0].sum(axis=(1, 2)) / open_part[:, 0, :, 4].sum(axis=1),
                    "max_queue": L[..., 1].max(axis=(1, 2)),
                    "overtime": overtime.max(axis=1),
                })
            elif by == "period":
                P = plan.n_periods
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), P),
                    "period": pd.Categorical.from_codes(np.tile(np.arange(P), R), categories=period_labels),
                    "utilization": (open_part[..., 2].sum(axis=1) / open_part[..., 3].sum(axis=1)).ravel(),
                    "mean_queue": (open_part[..., 0].sum(axis=1) / plan.period).ravel(),
                    "max_queue": open_part[..., 1].max(axis=1).ravel(),
                })
            else:  # zone_period
                P, Z = plan.n_periods, plan.n_zones
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), Z * P),
                    "zone": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(Z), P), R), categories=list(plan.zone_ids)),
                    "period": pd.Categorical.from_codes(np.tile(np.arange(P), R * Z), categories=period_labels),
                    "utilization": (open_part[..., 2] / open_part[..., 3]).ravel(),
                    "mean_queue": (open_part[..., 0] / plan.period).ravel(),
                    "max_queue": open_part[..., 1].ravel(),
                })
        return frame

    def summary(self, by: str = "zone", target: Optional[float] = None, level: float = 0.95) -> pd.DataFrame:
        """KPIs with confidence intervals: columns ``[group], kpi, mean, low, high, n``."""
        per_rep = self.kpis(by, target)
        group_cols = [c for c in ("zone", "service", "period") if c in per_rep.columns]
        return summarize(per_rep, group_cols, list(KPIS), level)
