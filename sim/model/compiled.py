"""A scenario compiled into index-based tables that the SimPy model reads quickly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..mechanics import CLASS_NAMES
from ..mechanics.alarm import Alarm
from ..mechanics.people import people_events
from ..scenario import Scenario
from ..topology import Topology, hall_topology


def staff_events(s: Scenario) -> list[tuple[float, int, int, float]]:
    """Sorted ``(time, zone, staff level, people factor)`` changes during opening hours (first at
    opening): from the staff per period (factor 1), or, for zones without ``staff``, from the
    people's shifts (the factor: ``sim.mechanics.people.people_factor`` of those on duty)."""
    open_m, close_m, period = s.open_minute, s.close_minute, s.period_minutes
    by_people = {z for z, zone in enumerate(s.zones) if s.people is not None and zone.staff is None}
    events = [e for e in people_events(s) if e[1] in by_people] if by_people else []
    for z, zone in enumerate(s.zones):
        if z in by_people:
            continue
        level = None
        for k, staff in enumerate(s.staff_per_period(zone.id)):
            if staff != level:
                events.append((float(open_m + k * period), z, int(staff), 1.0))
                level = staff
    events.sort(key=lambda e: (e[0], e[1]))
    return [e for e in events if e[0] < close_m]


@dataclass(frozen=True)
class CompiledHall:
    """Everything the model needs, by position. Times in minutes since midnight.

    *topology* says who serves whom (queues, serves, walking, donors); *staff_events*
    are ``(time, zone, level, people factor)`` (the factor multiplies the service times of
    visits started at the zone from then on); *staff* is (zones x periods) for reports; *queue_key*
    the (class rank, priority) dispatch key of each queue; *speed[z]* the service-time
    factor of zone *z* for queues that differ from its *zone_speed*.
    """

    scenario: Scenario
    topology: Topology
    open: float
    close: float
    period: float
    n_periods: int
    staff: np.ndarray
    staff_events: tuple[tuple[float, int, int, float], ...]
    queue_limit: tuple[Optional[int], ...]
    queue_key: tuple[tuple[int, int], ...]
    speed: tuple[dict, ...]
    zone_speed: tuple[float, ...]
    own_first: tuple[bool, ...]
    reserve: tuple[Optional[tuple[frozenset, int]], ...]
    min_staff: tuple[int, ...]
    alarm: Optional[Alarm]
    own_visitor: bool = False     # staff_decrease: the person leaving finishes their own visitor

    # -- the topology, by the names the model uses --
    @property
    def zone_ids(self) -> tuple[str, ...]:
        return self.topology.zone_ids

    @property
    def service_ids(self) -> tuple[str, ...]:
        return self.topology.service_ids

    @property
    def queues(self):
        return self.topology.queues

    @property
    def windows(self) -> np.ndarray:
        return self.topology.windows

    @property
    def walk(self) -> np.ndarray:
        return self.topology.walk

    @property
    def donors_of(self):
        return self.topology.donors_of

    def queue_of(self, label: str) -> int:
        return self.topology.queue_of(label)

    @property
    def n_zones(self) -> int:
        return len(self.zone_ids)

    @property
    def n_services(self) -> int:
        return len(self.service_ids)

    @property
    def n_queues(self) -> int:
        return len(self.topology.queues)

    @property
    def period_edges(self) -> np.ndarray:
        return self.open + self.period * np.arange(self.n_periods + 1)


def compile_hall(scenario: Scenario) -> CompiledHall:
    """Compile a validated *scenario* into a CompiledHall."""
    s = scenario
    topo = hall_topology(s)
    queues = topo.queues
    rank: dict[str, int] = {name: i for i, name in enumerate(s.priority_order)}
    queue_key = tuple((rank[CLASS_NAMES[q.klass]], q.priority) for q in queues)
    speed = []
    for z in s.zones:
        speed.append({qi: z.speed_by_service[s.services[q.service].id] for qi, q in enumerate(queues)
                      if q.service >= 0 and s.services[q.service].id in z.speed_by_service})
    service_index = {svc.id: i for i, svc in enumerate(s.services)}
    reserve: list[Optional[tuple[frozenset, int]]] = []
    for z in s.zones:
        if z.reserve is None:
            reserve.append(None)
        else:
            reserved = frozenset(qi for qi, q in enumerate(queues) if q.service == service_index[z.reserve.service])
            reserve.append((reserved, z.reserve.windows))
    staff = np.array([s.staff_per_period(z.id) for z in s.zones], dtype=float).reshape(len(s.zones), -1)
    return CompiledHall(
        scenario=s,
        topology=topo,
        open=float(s.open_minute),
        close=float(s.close_minute),
        period=float(s.period_minutes),
        n_periods=s.n_periods,
        staff=staff,
        staff_events=tuple(staff_events(s)),
        queue_limit=tuple(z.queue_limit for z in s.zones),
        queue_key=queue_key,
        speed=tuple(speed),
        zone_speed=tuple(z.speed for z in s.zones),
        own_first=tuple(z.dispatch == "own_first" for z in s.zones),
        reserve=tuple(reserve),
        min_staff=tuple(z.min_staff for z in s.zones),
        alarm=s.alarm,
        own_visitor=s.staff_decrease == "own_visitor",
    )


__all__ = ["CompiledHall", "compile_hall", "staff_events"]
