"""The green channel (绿色通道): elderly and disabled walk-ins in a queue of their own.

Schema: ``services[].green_share`` and the scenario's ``priority_order`` (classes
``green``, ``booked``, ``walk_in``, first served first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import CLASS_NAMES, GREEN, WALK_IN, Mechanic, Problem

if TYPE_CHECKING:  # pragma: no cover
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario


class GreenChannel(Mechanic):
    name = "green_channel"

    def check(self, s: Scenario) -> list[Problem]:
        if sorted(s.priority_order) != sorted(CLASS_NAMES):
            return [("priority_order", f"must list each of green, booked, walk_in once, got {s.priority_order}")]
        return []

    def class_queues(self, s: Scenario, service: int) -> list[tuple[int, str]]:
        svc = s.services[service]
        return [(GREEN, f"{svc.id}.green")] if svc.green_share > 0 else []

    def classify(self, draw: ServiceDraw) -> None:
        share = draw.service.green_share
        if share > 0:
            green = (draw.rng("green").random(draw.n) < share) & (draw.klass == WALK_IN) & ~draw.users("kiosk")
            draw.klass[green] = GREEN


MECHANIC = GreenChannel()
