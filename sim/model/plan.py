"""A scenario compiled into index-based tables that the SimPy model reads quickly."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Optional

import numpy as np

from ..scenario import Scenario
from ..scenario.mechanics import Alarm
from .queues import CLASS_NAMES, QueueSpec, build_queues, resolve_selectors, zone_serves
from .staffing import staff_events


@dataclass(frozen=True)
class HallPlan:
    """Everything the model needs, by position. Times in minutes since midnight.

    *queues* are the hall's queues; *serves[z]* the queues zone *z*'s windows may
    take (its own first, *own_count[z]* of them); *servers_of[q]* the zones that
    serve queue *q* (home first). *staff_events* are ``(time, zone, level)``;
    *staff* is (zones x periods) for reports. *walk* is minutes between zones.
    """

    scenario: Scenario
    open: float
    close: float
    period: float
    n_periods: int
    zone_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    windows: np.ndarray
    staff: np.ndarray
    staff_events: tuple[tuple[float, int, int], ...]
    queue_limit: tuple[Optional[int], ...]
    queues: tuple[QueueSpec, ...]
    queue_key: tuple[tuple[int, int], ...]
    serves: tuple[tuple[int, ...], ...]
    own_count: tuple[int, ...]
    servers_of: tuple[tuple[int, ...], ...]
    speed: tuple[dict, ...]
    zone_speed: tuple[float, ...]
    own_first: tuple[bool, ...]
    reserve: tuple[Optional[tuple[frozenset, int]], ...]
    walk: np.ndarray
    window_offset: np.ndarray
    donors_of: tuple[tuple[int, ...], ...]
    min_staff: tuple[int, ...]
    alarm: Optional[Alarm]

    @property
    def n_zones(self) -> int:
        return len(self.zone_ids)

    @property
    def n_services(self) -> int:
        return len(self.service_ids)

    @property
    def n_queues(self) -> int:
        return len(self.queues)

    @property
    def period_edges(self) -> np.ndarray:
        return self.open + self.period * np.arange(self.n_periods + 1)

    @property
    def queue_home(self) -> np.ndarray:
        return np.array([q.home for q in self.queues], dtype=np.int64)

    @cached_property
    def _queue_index(self) -> dict[str, int]:
        return {q.label: i for i, q in enumerate(self.queues)}

    def queue_of(self, label: str) -> int:
        """Index of the queue named *label* (e.g. ``invoice.booked``); KeyError if none."""
        return self._queue_index[label]

    def window_labels(self) -> list[str]:
        """``zone-k`` (k from 1) for every window, in global id order."""
        return [f"{z}-{k + 1}" for z, n in zip(self.zone_ids, self.windows) for k in range(int(n))]


def _walking(s: Scenario) -> np.ndarray:
    floors = np.array([z.floor for z in s.zones], dtype=float)
    diff = np.abs(floors[:, None] - floors[None, :])
    walk = s.walking.same_floor + s.walking.per_floor * diff
    np.fill_diagonal(walk, 0.0)
    return walk


def _donors(s: Scenario) -> list[tuple[int, ...]]:
    """For each zone, the zones whose staff may be moved to it."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    helps = []
    for z in s.zones:
        targets = set(range(len(s.zones))) if z.can_help == "all" else {zindex[t] for t in z.can_help}
        helps.append(targets)
    return [tuple(d for d in range(len(s.zones)) if d != r and r in helps[d]) for r in range(len(s.zones))]


def compile_plan(scenario: Scenario) -> HallPlan:
    """Compile a validated *scenario* into a HallPlan."""
    s = scenario
    queues = build_queues(s)
    serves = zone_serves(s, queues)
    rank = {name: i for i, name in enumerate(s.priority_order)}
    queue_key = tuple((rank[CLASS_NAMES[q.klass]], q.priority) for q in queues)
    servers_of = []
    for qi, q in enumerate(queues):
        others = [z for z in range(len(s.zones)) if z != q.home and qi in serves[z]]
        servers_of.append(tuple(([q.home] if qi in serves[q.home] else []) + others))
    service_index = {svc.id: i for i, svc in enumerate(s.services)}
    speed = []
    for z in s.zones:
        table = {}
        for qi, q in enumerate(queues):
            if q.service >= 0 and s.services[q.service].id in z.speed_by_service:
                table[qi] = z.speed_by_service[s.services[q.service].id]
        speed.append(table)
    reserve = []
    for z in s.zones:
        if z.reserve is None:
            reserve.append(None)
        else:
            reserved = frozenset(qi for qi, q in enumerate(queues) if q.service == service_index[z.reserve.service])
            reserve.append((reserved, z.reserve.windows))
    windows = np.array([z.windows for z in s.zones], dtype=np.int64)
    staff = np.array([s.staff_per_period(z.id) for z in s.zones], dtype=float).reshape(len(s.zones), -1)
    return HallPlan(
        scenario=s,
        open=float(s.open_minute),
        close=float(s.close_minute),
        period=float(s.period_minutes),
        n_periods=s.n_periods,
        zone_ids=tuple(s.zone_ids),
        service_ids=tuple(s.service_ids),
        windows=windows,
        staff=staff,
        staff_events=tuple(staff_events(s)),
        queue_limit=tuple(z.queue_limit for z in s.zones),
        queues=tuple(queues),
        queue_key=queue_key,
        serves=tuple(serves),
        own_count=tuple(sum(1 for q in serves[z] if queues[q].home == z) for z in range(len(s.zones))),
        servers_of=tuple(servers_of),
        speed=tuple(speed),
        zone_speed=tuple(z.speed for z in s.zones),
        own_first=tuple(z.dispatch == "own_first" for z in s.zones),
        reserve=tuple(reserve),
        walk=_walking(s),
        window_offset=np.concatenate([[0], np.cumsum(windows)[:-1]]).astype(np.int64),
        donors_of=tuple(_donors(s)),
        min_staff=tuple(z.min_staff for z in s.zones),
        alarm=s.alarm,
    )


__all__ = ["HallPlan", "compile_plan", "resolve_selectors"]
