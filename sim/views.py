"""Tidy views of a simulation's records: one row per visit, per visitor, per move, and the
time-weighted levels per zone and period (minutes since midnight; counts)."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .clock import format_clock
from .mechanics import CLASS_NAMES
from .model.hall import SERVED
from .records import RecordStore
from .stats import summarize

OUTCOMES = ("served", "abandoned", "balked", "unserved")


class TidyViews(RecordStore):
    """The tables of a :class:`~sim.records.RecordStore` (one of the two sides of ``Results``)."""

    @cached_property
    def visits(self) -> pd.DataFrame:
        """One row per visit: ``replication, visitor, service, zone, priority, arrival, start,
        end, wait, window, outcome`` (times in minutes since midnight), then ``step`` (0 for
        a visitor's first queue), ``queue``, ``kind``, ``class``, ``bundle`` and ``window_zone``
        (the zone whose window served the visit: a pooled window's, not the queue's)."""
        c, hall = self.columns, self.hall
        topo = hall.topology
        outcome = c["outcome"]
        served = outcome == SERVED
        queues = hall.queues
        service = self._visit_service()
        window_labels = np.array(topo.window_labels() + [None], dtype=object)
        window_zone = np.append(topo.window_zone, -1)[c["window"]]
        offsets = self._visitor_offsets()
        bundle = self.visitor_columns["bundle"][offsets[c["replication"]] + c["visitor"]]
        bundle_ids = [b.id for b in hall.scenario.bundles]
        kinds = sorted({q.kind for q in queues})
        return pd.DataFrame({
            "replication": c["replication"],
            "visitor": c["visitor"],
            "service": pd.Categorical.from_codes(service, categories=list(hall.service_ids)),
            "zone": pd.Categorical.from_codes(topo.queue_home[c["queue"]], categories=list(hall.zone_ids)),
            "priority": np.array([q.priority for q in queues], dtype=np.int64)[c["queue"]],
            "arrival": c["arrival"],
            "start": np.where(served, c["start"], np.nan),
            "end": np.where(served, c["end"], np.nan),
            "wait": self._wait(),
            "window": pd.Categorical(window_labels[c["window"]], categories=topo.window_labels()),
            "outcome": pd.Categorical.from_codes(outcome.astype(np.int64) - SERVED, categories=list(OUTCOMES)),
            "step": c["step"],
            "queue": pd.Categorical.from_codes(c["queue"], categories=[q.label for q in queues]),
            "kind": pd.Categorical.from_codes(
                np.array([kinds.index(q.kind) for q in queues], dtype=np.int64)[c["queue"]], categories=kinds),
            "class": pd.Categorical.from_codes(np.array([q.klass for q in queues], dtype=np.int64)[c["queue"]],
                                               categories=list(CLASS_NAMES)),
            "bundle": pd.Categorical.from_codes(bundle, categories=bundle_ids),
            "window_zone": pd.Categorical.from_codes(window_zone, categories=list(hall.zone_ids)),
        })

    @cached_property
    def visitors(self) -> pd.DataFrame:
        """One row per visitor: what they came for, when they arrived and left, how many
        queues they joined, whether they finished, and visits on another day (minutes)."""
        c, hall = self.columns, self.hall
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
        bundle_ids = [b.id for b in hall.scenario.bundles]
        out.insert(2, "service", pd.Categorical.from_codes(self.visitor_columns["service"][idx], categories=list(hall.service_ids)))
        out.insert(3, "bundle", pd.Categorical.from_codes(self.visitor_columns["bundle"][idx], categories=bundle_ids))
        out.insert(4, "class", pd.Categorical.from_codes(self.visitor_columns["klass"][idx], categories=list(CLASS_NAMES)))
        out["time_in_hall"] = out["leave"] - out["arrival"]
        out["return_visits"] = self.visitor_columns["returns"][idx]
        return out

    @cached_property
    def moves(self) -> pd.DataFrame:
        """Staff moved on alarm: ``replication, time, from_zone, to_zone, kind`` (move or return)."""
        m = self.move_array if self.move_array is not None else np.zeros((0, 5))
        zones = list(self.hall.zone_ids)
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
        bounds = {"visitors": (0.0, np.inf), "time_in_hall": (0.0, np.inf), "queues_joined": (0.0, np.inf),
                  "completed": (0.0, 1.0)}
        return summarize(per_rep, ["bundle"], list(bounds), level, bounds)

    @cached_property
    def levels(self) -> pd.DataFrame:
        """Time-weighted levels per replication, zone and period (minutes; counts)."""
        hall = self.hall
        R, Z, B, _ = self.level_array.shape
        arr = self.level_array.reshape(R * Z * B, 5)
        length = arr[:, 4]
        with np.errstate(invalid="ignore", divide="ignore"):
            frame = pd.DataFrame({
                "replication": np.repeat(np.arange(R), Z * B),
                "zone": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(Z), B), R), categories=list(hall.zone_ids)),
                "period": pd.Categorical(np.tile([format_clock(t) for t in hall.period_edges[:-1]] + ["after_close"], R * Z),
                                         categories=[format_clock(t) for t in hall.period_edges[:-1]] + ["after_close"]),
                "minutes": length,
                "mean_queue": np.where(length > 0, arr[:, 0] / length, np.nan),
                "max_queue": arr[:, 1],
                "mean_busy": np.where(length > 0, arr[:, 2] / length, np.nan),
                "mean_staffed": np.where(length > 0, arr[:, 3] / length, np.nan),
            })
        return frame

