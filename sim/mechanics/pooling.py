"""Pooled and comprehensive windows (一窗受理): a zone's windows serve other zones' visitors.

Schema: the zone fields ``serves`` ('all', or zone ids, service ids, categories and
``SERVICE.booked``), ``speed``, ``speed_by_service``, ``dispatch`` and ``reserve``
(:class:`Reserve`). The topology resolves ``serves`` into queues with
:func:`resolve_selectors`; a zone without windows of its own hands its offered load
to the zones that serve it (:func:`hand_off`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from ..fields import Frozen
from .base import Coupling, Mechanic, Problem, QueueSpec

if TYPE_CHECKING:  # pragma: no cover
    from sim.scenario.schema import Scenario
    from sim.topology import Topology


class Reserve(Frozen):
    """Keep *windows* of a zone's idle windows for *service* (trunk reservation)."""

    service: str
    windows: Annotated[int, Field(ge=1, strict=True)]


SERVABLE_KINDS = ("service", "bundle")


def resolve_selectors(s: Scenario, queues: list[QueueSpec], selectors) -> set[int]:
    """Queue indices picked by a zone's ``serves``: 'all', zone ids, service ids,
    categories or ``SERVICE.booked``. Raises ValueError naming an unknown selector."""
    servable = [q for q, spec in enumerate(queues) if spec.kind in SERVABLE_KINDS]
    if selectors == "all":
        return set(servable)
    zone_ids = {z.id: i for i, z in enumerate(s.zones)}
    service_ids = {svc.id: i for i, svc in enumerate(s.services)}
    categories = {svc.category for svc in s.services if svc.category}
    picked: set[int] = set()
    for sel in selectors:
        if sel in zone_ids:
            picked |= {q for q in servable if queues[q].home == zone_ids[sel]}
        elif sel in service_ids:
            picked |= {q for q in servable if queues[q].service == service_ids[sel]}
        elif sel in categories:
            picked |= {q for q in servable if queues[q].service >= 0 and s.services[queues[q].service].category == sel}
        elif sel.endswith(".booked") and sel[: -len(".booked")] in service_ids:
            picked |= {q for q in servable if queues[q].label == sel}
            if not any(queues[q].label == sel for q in servable):
                raise ValueError(f"service {sel[:-7]!r} has no appointments, got {sel!r}")
        else:
            raise ValueError(f"not a zone, service, category or SERVICE.booked, got {sel!r}")
    return picked


class Pooling(Mechanic):
    name = "pooling"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        service_ids = set(s.service_ids)
        for i, z in enumerate(s.zones):
            for sid in z.speed_by_service:
                if sid not in service_ids:
                    problems.append((f"zones[{i}].speed_by_service.{sid}", f"unknown service {sid!r}"))
            if z.reserve is not None:
                if z.reserve.service not in service_ids:
                    problems.append((f"zones[{i}].reserve.service", f"unknown service {z.reserve.service!r}"))
                elif z.reserve.windows > z.windows:
                    problems.append((f"zones[{i}].reserve.windows",
                                     f"exceeds the zone's {z.windows} windows, got {z.reserve.windows}"))
        return problems

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        for z, zone in enumerate(s.zones):
            for q in topo.serves[z][topo.own_count[z]:]:
                yield Coupling(zone.id, s.zones[topo.queues[q].home].id, strong=True)


def hand_off(rates, work, volume, abandon, zone_servers, windows, speed) -> None:
    """A zone without windows hands its offered load, split evenly, to the zones that serve it.

    The arguments are per-zone accumulators of :func:`sim.flows.zone_loads` (changed in
    place); *speed[y]* is the service-time factor at zone *y*.
    """
    for z, servers in zone_servers.items():
        targets = [y for y in servers if windows[y] > 0]
        if windows[z] == 0 and targets and volume[z] > 0:
            share = 1 / len(targets)
            for y in targets:
                rates[y] += rates[z] * share
                work[y] += work[z] * share * speed[y]
                volume[y] += volume[z] * share
                abandon[y] += abandon[z] * share
            rates[z] = rates[z] * 0
            work[z] = volume[z] = abandon[z] = 0.0


MECHANIC = Pooling()
