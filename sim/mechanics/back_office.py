"""Back office and pick-up: cases not finished at the window (not 即办件).

Schema: ``services[].back_office`` (:class:`BackOffice`). With ``pickup: same_day``
the visitor comes back to a pick-up counter after the back office's delay.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, Optional

from pydantic import Field, model_validator

from ..distributions import Distribution, Exponential
from ..fields import Frozen, Id, Share
from .base import Coupling, Mechanic, Problem, QueueSpec, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario
    from sim.topology import Topology

INF = float("inf")


class BackOffice(Frozen):
    """Cases not finished at the window (not 即办件).

    A *share* of served cases goes to the back office. With ``pickup: same_day`` the
    visitor comes back to the *pickup_zone* after *delay* (minutes) and is served there
    for *pickup_time*; a delay that ends after closing, or ``pickup: another_day``,
    counts a return visit on another day. ``pickup: post`` sends the result by post.
    """

    share: Share
    pickup: Literal["same_day", "another_day", "post"] = "same_day"
    pickup_zone: Optional[Id] = None
    delay: Distribution = Field(default_factory=lambda: Exponential(mean=60))
    pickup_time: Distribution = Field(default_factory=lambda: Exponential(mean=2))

    @model_validator(mode="after")
    def _zone_for_pickup(self):
        if self.pickup == "same_day" and self.pickup_zone is None:
            raise ValueError("pickup: same_day needs pickup_zone")
        return self


class BackOfficeMechanic(Mechanic):
    name = "back_office"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        for i, svc in enumerate(s.services):
            if svc.back_office is not None and svc.back_office.pickup_zone is not None:
                problems += zone_ref(s, f"services[{i}].back_office.pickup_zone", svc.back_office.pickup_zone)
        return problems

    def queues(self, s: Scenario, zone_index: dict[str, int]) -> list[QueueSpec]:
        zones = sorted({bo.pickup_zone for bo in (svc.back_office for svc in s.services)
                        if bo is not None and bo.pickup == "same_day" and bo.pickup_zone is not None})
        return [QueueSpec(f"pickup@{pz}", "pickup", zone_index[pz]) for pz in zones]

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        return [Coupling(svc.zone, svc.back_office.pickup_zone, strong=False)
                for svc in s.services if svc.back_office is not None and svc.back_office.pickup_zone]

    def route(self, draw: ServiceDraw) -> None:
        bo = draw.service.back_office
        if bo is None:
            return
        n = draw.n
        at_window = ~draw.users("kiosk")
        to_back = draw.rng("back_office").random(n) < bo.share
        if bo.pickup == "another_day":
            draw.returns += to_back & at_window
        elif bo.pickup == "same_day":
            delay = bo.delay.sample(draw.rng("pickup_delay"), n)
            work = bo.pickup_time.sample(draw.rng("pickup_time"), n)
            queue = draw.hall.queue_of(f"pickup@{bo.pickup_zone}")
            for i in draw.indices(to_back & at_window):
                # The visitor comes back after the back office's delay (no walk added).
                draw.after.setdefault(i, []).append((queue, float(work[i]), INF, float(delay[i])))

    def flows(self, book: FlowBook) -> None:
        for k, svc in enumerate(book.scenario.services):
            bo = svc.back_office
            if bo is not None and bo.pickup == "same_day":
                picked = book.lagged(book.window(k) * bo.share, bo.delay.mean + svc.service_time.mean)
                book.add(f"pickup@{bo.pickup_zone}", picked, bo.pickup_time.mean, None)


MECHANIC = BackOfficeMechanic()
