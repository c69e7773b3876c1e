"""KPIs of a simulation per replication and group, and their summaries with intervals.

Per-replication KPI values are the unit of analysis: a KPI's estimate is their mean
and its 95% interval is a Student-t interval across replications, which is valid
because replications are independent days. What each KPI means is in ``sim.kpis``.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from .clock import format_clock
from .kpis import BOUNDS, KPIS, REGISTRY
from .model.hall import ABANDONED, BALKED, SERVED, UNSERVED
from .records import RecordStore
from .stats import summarize

GROUPINGS = ("overall", "zone", "service", "period", "zone_period")


class KpiTables(RecordStore):
    """KPIs computed from a :class:`~sim.records.RecordStore` (one of the two sides of ``Results``)."""

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
        c, hall = self.columns, self.hall
        period_labels = [format_clock(t) for t in hall.period_edges[:-1]]
        period = np.clip(((c["arrival"] - hall.open) // hall.period).astype(np.int64), 0, hall.n_periods - 1)
        zone = hall.topology.queue_home[c["queue"]]
        if by == "overall":
            return [], [], []
        if by == "zone":
            return ["zone"], [zone], [list(hall.zone_ids)]
        if by == "service":
            return ["service"], [self._visit_service()], [list(hall.service_ids)]
        if by == "period":
            return ["period"], [period], [period_labels]
        return ["zone", "period"], [zone, period], [list(hall.zone_ids), period_labels]

    def _visit_kpis(self, by: str, target: float) -> pd.DataFrame:
        c = self.columns
        names, codes, labels = self._group_codes(by)
        outcome = c["outcome"]
        wait = self._wait()
        rep = c["replication"].astype(np.int64)
        visitor = c["visitor"].astype(np.int64)
        keep = codes[0] >= 0 if by == "service" else slice(None)  # one-window bundle visits: no single service
        # One flat group number per visit: replication, then the grouping's codes (every group exists).
        sizes = [self.replications, *(len(lab) for lab in labels)]
        group = rep[keep]
        for code, size in zip(codes, sizes[1:]):
            group = group * size + code[keep].astype(np.int64)
        n_groups = int(np.prod(sizes))
        outcome, wait, visitor = outcome[keep], wait[keep], visitor[keep]

        def count(mask=None) -> np.ndarray:
            return np.bincount(group if mask is None else group[mask], minlength=n_groups).astype(float)

        served = outcome == SERVED
        out = {
            "visitors": count(_first_of_each(group * (int(visitor.max(initial=0)) + 1) + visitor)),
            "visits": count(),
            "served": count(served),
            "abandoned": count(outcome == ABANDONED),
            "balked": count(outcome == BALKED),
            "unserved": count(outcome == UNSERVED),
            "met": count(served & (np.nan_to_num(wait, nan=np.inf) <= target + 1e-9)),
        }
        out.update(_wait_statistics(group, wait, n_groups))
        # Visits still waiting when the run ended (the engine reports them as unserved) queued and
        # were never called: misses of the service level.
        out["joined"] = out["served"] + out["abandoned"] + out["unserved"]
        with np.errstate(invalid="ignore", divide="ignore"):
            for k in REGISTRY.values():
                if k.ratio is not None:
                    num, den = (out[c] for c in k.ratio)
                    out[k.name] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        for name in ("met", "joined", "unserved"):
            del out[name]
        index = np.indices(sizes).reshape(len(sizes), -1)   # the codes of each flat group, in order
        frame = pd.DataFrame({"replication": index[0], **out})
        for i, (name, lab) in enumerate(zip(names, labels)):
            frame.insert(1 + i, name, pd.Categorical.from_codes(index[1 + i], categories=lab))
        return frame

    def _move_counts(self, by: str) -> pd.DataFrame:
        m = self.move_array if self.move_array is not None else np.zeros((0, 5))
        m = m[m[:, 4] == 0]  # moves, not the returns
        R, Z = self.replications, self.hall.n_zones
        if by == "overall":
            counts = np.bincount(m[:, 0].astype(np.int64), minlength=R)
            return pd.DataFrame({"replication": np.arange(R), "moves": counts.astype(float)})
        flat = np.bincount(m[:, 0].astype(np.int64) * Z + m[:, 3].astype(np.int64), minlength=R * Z)
        return pd.DataFrame({
            "replication": np.repeat(np.arange(R), Z),
            "zone": pd.Categorical.from_codes(np.tile(np.arange(Z), R), categories=list(self.hall.zone_ids)),
            "moves": flat.astype(float),
        })

    def _return_visits(self, by: str) -> pd.DataFrame:
        p = self.visitor_columns
        if by == "overall":
            counts = np.bincount(p["replication"], weights=p["returns"], minlength=self.replications)
            return pd.DataFrame({"replication": np.arange(self.replications), "return_visits": counts})
        n = self.hall.n_services
        keep = p["service"] >= 0
        flat = np.bincount(p["replication"][keep] * n + p["service"][keep], weights=p["returns"][keep],
                           minlength=self.replications * n)
        return pd.DataFrame({
            "replication": np.repeat(np.arange(self.replications), n),
            "service": pd.Categorical.from_codes(np.tile(np.arange(n), self.replications), categories=list(self.hall.service_ids)),
            "return_visits": flat,
        })

    def _level_kpis(self, by: str) -> Optional[pd.DataFrame]:
        if by == "service":
            return None
        hall = self.hall
        L = self.level_array
        open_part = L[:, :, :-1, :]
        R = self.replications
        overtime = np.clip(self.zone_last_end - hall.close, 0, None)
        period_labels = [format_clock(t) for t in hall.period_edges[:-1]]
        with np.errstate(invalid="ignore", divide="ignore"):
            if by == "zone":
                util = L[..., 2].sum(axis=2) / L[..., 3].sum(axis=2)
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), hall.n_zones),
                    "zone": pd.Categorical.from_codes(np.tile(np.arange(hall.n_zones), R), categories=list(hall.zone_ids)),
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
                P = hall.n_periods
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), P),
                    "period": pd.Categorical.from_codes(np.tile(np.arange(P), R), categories=period_labels),
                    "utilization": (open_part[..., 2].sum(axis=1) / open_part[..., 3].sum(axis=1)).ravel(),
                    "mean_queue": (open_part[..., 0].sum(axis=1) / hall.period).ravel(),
                    "max_queue": open_part[..., 1].max(axis=1).ravel(),
                })
            else:  # zone_period
                P, Z = hall.n_periods, hall.n_zones
                frame = pd.DataFrame({
                    "replication": np.repeat(np.arange(R), Z * P),
                    "zone": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(Z), P), R), categories=list(hall.zone_ids)),
                    "period": pd.Categorical.from_codes(np.tile(np.arange(P), R * Z), categories=period_labels),
                    "utilization": (open_part[..., 2] / open_part[..., 3]).ravel(),
                    "mean_queue": (open_part[..., 0] / hall.period).ravel(),
                    "max_queue": open_part[..., 1].ravel(),
                })
        return frame

    def summary(self, by: str = "zone", target: Optional[float] = None, level: float = 0.95) -> pd.DataFrame:
        """KPIs with confidence intervals: columns ``[group], kpi, mean, low, high, n``."""
        per_rep = self.kpis(by, target)
        group_cols = [c for c in ("zone", "service", "period") if c in per_rep.columns]
        return summarize(per_rep, group_cols, list(KPIS), level, BOUNDS)


def _first_of_each(key: np.ndarray) -> np.ndarray:
    """A mask of the first occurrence of each value of *key* (a stable radix sort, not a hash)."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.ones(len(key), dtype=bool)
    first[order[1:]] = ordered[1:] != ordered[:-1]
    return first


def _wait_statistics(group: np.ndarray, wait: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """Mean, maximum and the registry's quantiles (:attr:`sim.kpis.KPI.quantile`; linear
    interpolation, as ``numpy.quantile``) of the waits in each of *n_groups* groups, NaN waits
    left out (NaN where a group has none)."""
    has = ~np.isnan(wait)
    g, w = group[has], wait[has]
    out = {"mean_wait": np.full(n_groups, np.nan), "max_wait": np.full(n_groups, np.nan),
           **{k.name: np.full(n_groups, np.nan) for k in REGISTRY.values() if k.quantile is not None}}
    if not len(w):
        return out
    order = np.argsort(w)
    order = order[np.argsort(g[order], kind="stable")]    # by group, then wait (a radix sort: fast)
    g, w = g[order], w[order]
    n = np.bincount(g, minlength=n_groups)
    filled = n > 0
    first = (np.cumsum(n) - n)[filled]                    # each group's first wait in w
    last = n[filled] - 1
    out["mean_wait"][filled] = np.bincount(g, weights=w, minlength=n_groups)[filled] / n[filled]
    out["max_wait"][filled] = w[first + last]
    for k in REGISTRY.values():
        if k.quantile is not None:
            pos = k.quantile * last
            lo = np.floor(pos).astype(np.int64)
            below, above = w[first + lo], w[first + np.minimum(lo + 1, last)]
            out[k.name][filled] = below + (above - below) * (pos - lo)
    return out
