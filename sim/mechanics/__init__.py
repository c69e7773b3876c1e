"""The hall mechanics of the seed documents, one module each (see :mod:`sim.mechanics.base`).

``MECHANICS`` is the one list the engine, the checks, the hall topology and the
analytic flows loop over, in this order (queues are numbered in it, and itinerary
steps after the window are added in it: a visitor sent on goes before a pick-up).
"""

from __future__ import annotations

from . import (
    alarm,
    appointments,
    back_office,
    bundles,
    diversion,
    green_channel,
    guide_desk,
    missing_materials,
    people,
    pooling,
    sent_on,
)
from .base import BOOKED, CLASS_NAMES, GREEN, WALK_IN, Coupling, Mechanic, QueueSpec

MECHANICS: tuple[Mechanic, ...] = (
    pooling.MECHANIC,
    appointments.MECHANIC,
    green_channel.MECHANIC,
    bundles.MECHANIC,
    guide_desk.MECHANIC,
    diversion.MECHANIC,
    missing_materials.MECHANIC,
    sent_on.MECHANIC,
    back_office.MECHANIC,
    people.MECHANIC,
    alarm.MECHANIC,
)

__all__ = ["BOOKED", "CLASS_NAMES", "GREEN", "MECHANICS", "WALK_IN", "Coupling", "Mechanic", "QueueSpec"]
