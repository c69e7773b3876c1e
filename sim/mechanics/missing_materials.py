"""Incomplete materials: without 容缺受理 some visitors must come back another day.

Schema: ``services[].missing_materials`` (the share) and the scenario's
``accept_with_deficiencies`` (容缺受理: accept and complete later, no return visit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Mechanic

if TYPE_CHECKING:  # pragma: no cover
    from sim.model.visitors import ServiceDraw


class MissingMaterials(Mechanic):
    name = "missing_materials"

    def route(self, draw: ServiceDraw) -> None:
        share = draw.service.missing_materials
        if share > 0 and not draw.scenario.accept_with_deficiencies:
            draw.returns += draw.rng("missing").random(draw.n) < share


MECHANIC = MissingMaterials()
