"""The queues of a hall and which zones' windows serve them.

A queue holds one kind of waiting visitor in one zone: a service's walk-ins, its
booked or green-channel visitors, a one-window bundle, the guide desk, a kiosk
area, a pick-up counter, or visitors sent to a wrong zone. Windows choose among
the queues their zone serves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario import Scenario

CLASS_NAMES = ("walk_in", "booked", "green")
WALK_IN, BOOKED, GREEN = 0, 1, 2


@dataclass(frozen=True)
class QueueSpec:
    """One queue: *kind* is service, bundle, guide, kiosk, pickup or misdirected."""

    label: str
    kind: str
    home: int
    service: int = -1
    bundle: int = -1
    klass: int = WALK_IN
    priority: int = 0


def build_queues(s: Scenario) -> list[QueueSpec]:
    """Every queue the scenario needs, services first in scenario order."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    queues: list[QueueSpec] = []
    for i, svc in enumerate(s.services):
        home = zindex[svc.zone]
        queues.append(QueueSpec(svc.id, "service", home, service=i, priority=svc.priority))
        if svc.appointments is not None:
            queues.append(QueueSpec(f"{svc.id}.booked", "service", home, service=i, klass=BOOKED, priority=svc.priority))
        if svc.green_share > 0:
            queues.append(QueueSpec(f"{svc.id}.green", "service", home, service=i, klass=GREEN, priority=svc.priority))
    for b, bundle in enumerate(s.bundles):
        if bundle.mode == "one_window":
            queues.append(QueueSpec(f"bundle:{bundle.id}", "bundle", zindex[bundle.window_zone], bundle=b, priority=bundle.priority))
    if s.guide_desk is not None:
        queues.append(QueueSpec("guide", "guide", zindex[s.guide_desk.zone]))
        if s.guide_desk.misdirected > 0:
            for z in redirect_zones(s):
                queues.append(QueueSpec(f"misdirected@{s.zones[z].id}", "misdirected", z))
    for kz in sorted({svc.kiosk.zone for svc in s.services if svc.kiosk is not None}):
        queues.append(QueueSpec(f"kiosk@{kz}", "kiosk", zindex[kz]))
    pickup_zones = {svc.back_office.pickup_zone for svc in s.services
                    if svc.back_office is not None and svc.back_office.pickup == "same_day"}
    for pz in sorted(pickup_zones):
        queues.append(QueueSpec(f"pickup@{pz}", "pickup", zindex[pz]))
    return queues


def special_zones(s: Scenario) -> set[int]:
    """Zones that are a guide desk or a kiosk area (nobody is misdirected there)."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    out = {zindex[svc.kiosk.zone] for svc in s.services if svc.kiosk is not None}
    if s.guide_desk is not None:
        out.add(zindex[s.guide_desk.zone])
    return out


def redirect_zones(s: Scenario) -> list[int]:
    """Zones a misdirected visitor may be sent to: every window zone that is not special."""
    special = special_zones(s)
    return [i for i, z in enumerate(s.zones) if z.windows > 0 and i not in special]


def resolve_selectors(s: Scenario, queues: list[QueueSpec], selectors) -> set[int]:
    """Queue indices picked by a zone's ``serves``: 'all', zone ids, service ids,
    categories or ``SERVICE.booked``. Raises ValueError naming an unknown selector."""
    servable = [q for q, spec in enumerate(queues) if spec.kind in ("service", "bundle")]
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


def zone_serves(s: Scenario, queues: list[QueueSpec]) -> list[tuple[int, ...]]:
    """For each zone, the queues its windows may serve: its own first, then the others.

    A zone serves the queues whose home it is, except booked queues in ``reserved``
    mode (only zones that list them serve those), plus whatever ``serves`` selects.
    """
    out = []
    for z, zone in enumerate(s.zones):
        own = [q for q, spec in enumerate(queues) if spec.home == z and not _reserved_booked(s, spec)]
        extra = [] if zone.serves is None else sorted(resolve_selectors(s, queues, zone.serves) - set(own))
        out.append(tuple(own + extra) if zone.windows > 0 else ())
    return out


def _reserved_booked(s: Scenario, spec: QueueSpec) -> bool:
    if spec.klass != BOOKED:
        return False
    appt = s.services[spec.service].appointments
    return appt is not None and appt.mode == "reserved"
