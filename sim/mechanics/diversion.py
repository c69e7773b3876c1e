"""Online and self-service diversion (一网通办, 自助服务).

Schema: ``services[].online_share`` (done online: never comes to the hall) and
``services[].kiosk`` (:class:`Kiosk`: self-service terminals in a zone of their own;
a *failure* share then queues at the service's window).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..distributions import Distribution
from ..fields import Frozen, Id, Share
from .base import Coupling, Mechanic, Problem, QueueSpec, walk_step, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario, Service
    from sim.topology import Topology

INF = float("inf")


class Kiosk(Frozen):
    """A share of visitors use self-service kiosks in *zone*; a *failure* share then queues at a window."""

    share: Share
    zone: Id
    service_time: Distribution
    failure: Share = 0.0


class Diversion(Mechanic):
    name = "diversion"
    channel_rank = 1  # online first, then kiosk, then booked

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        for i, svc in enumerate(s.services):
            if svc.kiosk is not None:
                problems += zone_ref(s, f"services[{i}].kiosk.zone", svc.kiosk.zone)
        return problems

    def queues(self, s: Scenario, zone_index: dict[str, int]) -> list[QueueSpec]:
        zones = sorted({svc.kiosk.zone for svc in s.services if svc.kiosk is not None})
        return [QueueSpec(f"kiosk@{kz}", "kiosk", zone_index[kz]) for kz in zones]

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        return [Coupling(svc.zone, svc.kiosk.zone, strong=False) for svc in s.services if svc.kiosk is not None]

    def channels(self, svc: Service) -> list[tuple[str, float, float, float]]:
        out = []
        if svc.online_share > 0:
            out.append(("online", svc.online_share, 0.0, 0.0))
        if svc.kiosk is not None:
            out.append(("kiosk", svc.kiosk.share, 1.0, svc.kiosk.failure))
        return out

    def classify(self, draw: ServiceDraw) -> None:
        online = draw.users("online")
        draw.keep &= ~online
        draw.counts["online"] += int(online.sum())

    def route(self, draw: ServiceDraw) -> None:
        kiosk, ks = draw.users("kiosk"), draw.service.kiosk
        if ks is None or not kiosk.any():
            return
        work = ks.service_time.sample(draw.rng("kiosk"), draw.n)
        failed = draw.rng("kiosk_fail").random(draw.n) < ks.failure
        queue = draw.hall.queue_of(f"kiosk@{ks.zone}")
        for i in draw.indices(kiosk):
            steps: list = [walk_step(queue, float(work[i]))]
            if failed[i]:
                steps.append(draw.WINDOW)
            draw.instead[i] = steps

    def flows(self, book: FlowBook) -> None:
        for s, svc in enumerate(book.scenario.services):
            if svc.kiosk is not None:
                book.add(f"kiosk@{svc.kiosk.zone}", book.base(s) * svc.kiosk.share, svc.kiosk.service_time.mean, None)


MECHANIC = Diversion()
