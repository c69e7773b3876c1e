"""The guide desk (导办): a consultation desk most visitors pass before their zone.

Schema: ``guide_desk`` (:class:`GuideDesk`). A *misdirected* share is then sent to a
wrong zone, whose windows spend *redirect_time* before sending them on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from ..distributions import Deterministic, Distribution
from ..fields import Frozen, Id, Share
from .base import Coupling, Mechanic, Problem, QueueSpec, walk_step, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario
    from sim.topology import Topology


class GuideDesk(Frozen):
    """A consultation desk (导办) in *zone* that a *share* of visitors pass first.

    A *misdirected* share is then sent to a wrong zone, where a window spends
    *redirect_time* before sending them on.
    """

    zone: Id
    service_time: Distribution
    share: Share = 1.0
    misdirected: Share = 0.0
    redirect_time: Distribution = Field(default_factory=lambda: Deterministic(value=1.0))


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


class GuideDeskMechanic(Mechanic):
    name = "guide_desk"

    def check(self, s: Scenario) -> list[Problem]:
        return [] if s.guide_desk is None else zone_ref(s, "guide_desk.zone", s.guide_desk.zone)

    def queues(self, s: Scenario, zone_index: dict[str, int]) -> list[QueueSpec]:
        gd = s.guide_desk
        if gd is None:
            return []
        out = [QueueSpec("guide", "guide", zone_index[gd.zone])]
        if gd.misdirected > 0:
            out += [QueueSpec(f"misdirected@{s.zones[z].id}", "misdirected", z) for z in redirect_zones(s)]
        return out

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        gd = s.guide_desk
        return [] if gd is None else [Coupling(svc.zone, gd.zone, strong=False) for svc in s.services]

    def route(self, draw: ServiceDraw) -> None:
        gd = draw.scenario.guide_desk
        if gd is None:
            return
        n, hall = draw.n, draw.hall
        guided = draw.rng("guide").random(n) < gd.share
        work = gd.service_time.sample(draw.rng("guide_time"), n)
        wrong = draw.rng("misdirect").random(n) < gd.misdirected
        choices = [z for z in redirect_zones(draw.scenario) if z != draw.home]
        wrong_zone = draw.rng("misdirect_zone").choice(choices, n) if choices else np.full(n, -1)
        redirect = gd.redirect_time.sample(draw.rng("redirect"), n)
        guide = hall.queue_of("guide")
        redirect_queue = {z: hall.queue_of(f"misdirected@{draw.scenario.zones[z].id}")
                          for z in (choices if gd.misdirected > 0 else ())}      # those queues exist only then
        chosen = draw.indices(guided)
        # Python scalars for the per-visitor loop (as float(work[i]) would give, without its cost)
        works, redirects = work[chosen].tolist(), redirect[chosen].tolist()
        goes_wrong = (wrong[chosen] & (wrong_zone[chosen] >= 0)).tolist()
        wrong_zones = wrong_zone[chosen].tolist()
        for i, w, misdirected, z, r in zip(chosen.tolist(), works, goes_wrong, wrong_zones, redirects):
            steps = [walk_step(guide, w)]
            if misdirected:
                steps.append(walk_step(redirect_queue[z], r))
            draw.before[i] = steps

    def flows(self, book: FlowBook) -> None:
        s = book.scenario
        gd = s.guide_desk
        if gd is None:
            return
        for k, svc in enumerate(s.services):
            guided = book.present(k) * gd.share
            book.add("guide", guided, gd.service_time.mean, None)
            home = s.zone_ids.index(svc.zone)
            choices = [z for z in redirect_zones(s) if z != home]
            for z in choices if gd.misdirected > 0 else ():
                book.add(f"misdirected@{s.zones[z].id}", guided * gd.misdirected / len(choices),
                         gd.redirect_time.mean, None)


MECHANIC = GuideDeskMechanic()
