"""The hall's topology: its queues, who serves whom, walking times and which zones interact.

Computed once from a scenario by :func:`hall_topology` and read by the checks
(``sim.scenario``), the engine (``sim.model``), the analytic flows (``sim.flows``)
and ``optimize``: one definition of "who serves whom". Everything is by position
(zone, service and queue indices), with the ids alongside.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .mechanics import MECHANICS, Coupling, QueueSpec
from .mechanics.alarm import donors
from .mechanics.appointments import reserved_booked
from .mechanics.pooling import resolve_selectors

if TYPE_CHECKING:  # pragma: no cover
    from .scenario.schema import Scenario

__all__ = ["QueueSpec", "Topology", "build_queues", "hall_topology", "zone_serves"]


def build_queues(s: Scenario) -> list[QueueSpec]:
    """Every queue of the hall: each service's walk-ins and the class queues mechanics add
    (booked, green), in scenario order, then the queues of the mechanics themselves."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    queues: list[QueueSpec] = []
    for i, svc in enumerate(s.services):
        home = zindex[svc.zone]
        queues.append(QueueSpec(svc.id, "service", home, service=i, priority=svc.priority))
        for m in MECHANICS:
            queues += [QueueSpec(label, "service", home, service=i, klass=klass, priority=svc.priority)
                       for klass, label in m.class_queues(s, i)]
    for m in MECHANICS:
        queues += m.queues(s, zindex)
    return queues


def zone_serves(s: Scenario, queues: list[QueueSpec]) -> list[tuple[int, ...]]:
    """For each zone, the queues its windows may serve: its own first, then the others.

    A zone serves the queues whose home it is, except booked queues in ``reserved``
    mode (only zones that list them serve those), plus whatever ``serves`` selects.
    Raises ValueError for a selector that names nothing.
    """
    out = []
    for z, zone in enumerate(s.zones):
        own = [q for q, spec in enumerate(queues) if spec.home == z and not reserved_booked(s, spec.service, spec.klass)]
        extra = [] if zone.serves is None else sorted(resolve_selectors(s, queues, zone.serves) - set(own))
        out.append(tuple(own + extra) if zone.windows > 0 else ())
    return out


@dataclass(frozen=True)
class Topology:
    """Who serves whom in a hall.

    *queues*: every queue; *serves[z]*: the queues zone *z*'s windows may take (its own
    first, *own_count[z]* of them); *servers_of[q]*: the zones that serve queue *q* (home
    first); *windows[z]*: physical windows; *window_zone[w]*: the zone of window *w*
    (windows numbered zone by zone); *walk*: minutes between zones; *donors_of[z]*: zones
    whose staff may be moved to *z* on alarm; *couplings*: which zones interact, from the
    mechanics.
    """

    zone_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    queues: tuple[QueueSpec, ...]
    serves: tuple[tuple[int, ...], ...]
    own_count: tuple[int, ...]
    servers_of: tuple[tuple[int, ...], ...]
    windows: np.ndarray
    window_offset: np.ndarray
    walk: np.ndarray
    donors_of: tuple[tuple[int, ...], ...]
    couplings: tuple[Coupling, ...]

    @cached_property
    def queue_index(self) -> dict[str, int]:
        return {q.label: i for i, q in enumerate(self.queues)}

    def queue_of(self, label: str) -> int:
        """Index of the queue named *label* (e.g. ``invoice.booked``); KeyError if none."""
        return self.queue_index[label]

    @cached_property
    def service_queues(self) -> tuple[dict[int, int], ...]:
        """For each service, its window queue by visitor class (walk-in, booked, green)."""
        out: list[dict[int, int]] = [{} for _ in self.service_ids]
        for qi, q in enumerate(self.queues):
            if q.kind == "service":
                out[q.service][q.klass] = qi
        return tuple(out)

    @property
    def queue_home(self) -> np.ndarray:
        return np.array([q.home for q in self.queues], dtype=np.int64)

    @cached_property
    def window_zone(self) -> np.ndarray:
        """Zone index of every window, in global window order."""
        return np.repeat(np.arange(len(self.zone_ids)), self.windows).astype(np.int64)

    def window_labels(self) -> list[str]:
        """``zone-k`` (k from 1) for every window, in global window order (for display)."""
        return [f"{z}-{k + 1}" for z, n in zip(self.zone_ids, self.windows) for k in range(int(n))]

    def zone_servers(self) -> dict[str, list[str]]:
        """For each zone, the other zones whose windows serve its visitors (``serves``), in zone order."""
        out: dict[str, list[str]] = {z: [] for z in self.zone_ids}
        for q, spec in enumerate(self.queues):
            if spec.kind not in ("service", "bundle"):
                continue
            home = self.zone_ids[spec.home]
            for y in self.servers_of[q]:
                if y != spec.home and self.zone_ids[y] not in out[home]:
                    out[home].append(self.zone_ids[y])
        order = {z: i for i, z in enumerate(self.zone_ids)}
        return {z: sorted(v, key=order.__getitem__) for z, v in out.items()}

    def components(self, strong_only: bool = False) -> list[int]:
        """A component number per zone: zones whose queues interact share one (joined by
        the strong couplings alone with *strong_only*)."""
        index = {z: i for i, z in enumerate(self.zone_ids)}
        parent = list(range(len(self.zone_ids)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for c in self.couplings:
            if c.strong or not strong_only:
                parent[find(index[c.a])] = find(index[c.b])
        roots = [find(i) for i in range(len(self.zone_ids))]
        numbers = {r: k for k, r in enumerate(dict.fromkeys(roots))}
        return [numbers[r] for r in roots]


def _walking(s: Scenario) -> np.ndarray:
    floors = np.array([z.floor for z in s.zones], dtype=float)
    diff = np.abs(floors[:, None] - floors[None, :])
    walk = s.walking.same_floor + s.walking.per_floor * diff
    np.fill_diagonal(walk, 0.0)
    return walk


def hall_topology(s: Scenario) -> Topology:
    """The topology of a scenario whose references are valid (see ``sim.scenario.checks``).

    Raises ValueError for a ``serves`` selector that names nothing.
    """
    queues = build_queues(s)
    serves = zone_serves(s, queues)
    servers_of = []
    for qi, q in enumerate(queues):
        others = [z for z in range(len(s.zones)) if z != q.home and qi in serves[z]]
        servers_of.append(tuple(([q.home] if qi in serves[q.home] else []) + others))
    windows = np.array([z.windows for z in s.zones], dtype=np.int64)
    partial = Topology(
        zone_ids=tuple(s.zone_ids),
        service_ids=tuple(s.service_ids),
        queues=tuple(queues),
        serves=tuple(serves),
        own_count=tuple(sum(1 for q in serves[z] if queues[q].home == z) for z in range(len(s.zones))),
        servers_of=tuple(servers_of),
        windows=windows,
        window_offset=np.concatenate([[0], np.cumsum(windows)[:-1]]).astype(np.int64),
        walk=_walking(s),
        donors_of=tuple(donors(s)),
        couplings=(),
    )
    couplings = tuple(c for m in MECHANICS for c in m.couplings(s, partial))
    return dataclasses.replace(partial, couplings=couplings)
