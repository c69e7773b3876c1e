"""Sent on after service: a share of a service's visitors go on to another service.

For example fee payment at a bank window after acceptance, or a comprehensive window
passing a case to a specialist window. Schema: ``services[].sent_on``, a list of
:class:`SentOn` (each a *service* and the *share* sent there; shares add up to at
most 1). A visitor served at the service's window (kiosk users only when the kiosk
failed them) walks to the other service's zone and queues there as a walk-in, with
that service's service time and patience.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..fields import Frozen, Id, Share
from .base import Coupling, Mechanic, Problem, walk_step

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario
    from sim.topology import Topology

INF = float("inf")


class SentOn(Frozen):
    """A *share* of the visitors served are sent on to *service*."""

    service: Id
    share: Share


class SentOnMechanic(Mechanic):
    name = "sent_on"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        ids = set(s.service_ids)
        for i, svc in enumerate(s.services):
            for k, onward in enumerate(svc.sent_on):
                path = f"services[{i}].sent_on[{k}].service"
                if onward.service not in ids:
                    problems.append((path, f"unknown service {onward.service!r}; known services: {', '.join(s.service_ids)}"))
                elif onward.service == svc.id:
                    problems.append((path, f"a service cannot send visitors on to itself, got {onward.service!r}"))
            total = sum(o.share for o in svc.sent_on)
            if total > 1 + 1e-9:
                problems.append((f"services[{i}].sent_on", f"shares must add up to at most 1, got {total:g}"))
        return problems

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        return [Coupling(svc.zone, s.service(o.service).zone, strong=True) for svc in s.services for o in svc.sent_on]

    def route(self, draw: ServiceDraw) -> None:
        onward = draw.service.sent_on
        if not onward:
            return
        n, hall = draw.n, draw.hall
        u = draw.rng("sent_on").random(n)
        low = 0.0
        for o in onward:
            chosen = (u >= low) & (u < low + o.share)
            low += o.share
            target = draw.scenario.service(o.service)
            work = target.service_time.sample(draw.rng(f"sent_on_work:{o.service}"), n)
            patience = (np.full(n, INF) if target.patience is None
                        else target.patience.sample(draw.rng(f"sent_on_patience:{o.service}"), n))
            queue = hall.queue_of(o.service)
            for i in draw.indices(chosen):
                draw.after.setdefault(i, []).append(walk_step(queue, float(work[i]), float(patience[i])))

    def flows(self, book: FlowBook) -> None:
        s = book.scenario
        for k, svc in enumerate(s.services):
            for o in svc.sent_on:
                target = s.service(o.service)
                sent = book.lagged(book.window(k) * o.share, svc.service_time.mean)
                book.add(o.service, sent, target.service_time.mean, target.patience)


MECHANIC = SentOnMechanic()
