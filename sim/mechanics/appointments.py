"""Appointments (预约): a share of a service's visitors book a slot instead of walking in.

Schema: ``services[].appointments`` (:class:`Appointments`). Booked visitors wait in a
queue of their own (``SERVICE.booked``), served before walk-ins (``mode: priority``) or
only by zones whose ``serves`` lists ``SERVICE.booked`` (``mode: reserved``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Optional

import numpy as np
from pydantic import Field

from ..distributions import Offset
from ..fields import Frozen, Share
from .base import BOOKED, WALK_IN, Mechanic

if TYPE_CHECKING:  # pragma: no cover
    from sim.model.visitors import ServiceDraw
    from sim.scenario.schema import Scenario, Service


class Appointments(Frozen):
    """A share of a service's visitors book a slot instead of walking in.

    Bookings follow the demand profile; each takes the slot holding its intended
    time, or the next with room, or walks in when the day is full. Booked visitors
    arrive at the slot start plus *punctuality* (minutes, negative = early), or not
    at all with probability *no_show*. *mode* ``priority``: served before walk-ins at
    the service's windows; ``reserved``: served only by zones whose ``serves`` lists
    ``SERVICE.booked``.
    """

    share: Share
    slot_minutes: Annotated[int, Field(gt=0, strict=True)] = 15
    per_slot: Annotated[int, Field(ge=1, strict=True)] = 2
    no_show: Share = 0.0
    punctuality: Optional[Offset] = None
    mode: Literal["priority", "reserved"] = "priority"


def assign_slots(intended: np.ndarray, open_m: float, close_m: float, slot: float, per_slot: int) -> np.ndarray:
    """Slot start for each booking (in order of *intended* time), or NaN when the day is full.

    A booking takes the slot holding its intended time, else the next one with room.
    """
    n_slots = int(np.ceil((close_m - open_m) / slot))
    free = np.full(n_slots, per_slot)
    out = np.full(len(intended), np.nan)
    for i in np.argsort(intended, kind="stable"):
        k = int((intended[i] - open_m) // slot)
        while k < n_slots and free[k] == 0:
            k += 1
        if k < n_slots:
            free[k] -= 1
            out[i] = open_m + k * slot
    return out


class AppointmentsMechanic(Mechanic):
    name = "appointments"
    channel_rank = 2  # after online and kiosk in the one channel draw

    def class_queues(self, s: Scenario, service: int) -> list[tuple[int, str]]:
        svc = s.services[service]
        return [] if svc.appointments is None else [(BOOKED, f"{svc.id}.booked")]

    def channels(self, svc: Service) -> list[tuple[str, float, float, float]]:
        appt = svc.appointments
        if appt is None:
            return []
        return [("booked", appt.share, 1 - appt.no_show, 1 - appt.no_show)]

    def classify(self, draw: ServiceDraw) -> None:
        booked, appt = draw.users("booked"), draw.service.appointments
        if appt is None or not booked.any():
            return
        hall = draw.hall
        draw.klass[booked] = BOOKED
        slots = assign_slots(draw.intended[booked], hall.open, hall.close, appt.slot_minutes, appt.per_slot)
        idx = np.flatnonzero(booked)
        full = np.isnan(slots)
        draw.klass[idx[full]] = WALK_IN  # the day was full: they walk in at their intended time
        shows = draw.rng("no_show").random(len(idx)) >= appt.no_show
        offset = np.zeros(len(idx)) if appt.punctuality is None else appt.punctuality.sample(draw.rng("punctuality"), len(idx))
        ok = ~full
        draw.arrival[idx[ok]] = np.clip(slots[ok] + offset[ok], hall.open, np.nextafter(hall.close, 0))
        gone = ok & ~shows
        draw.keep[idx[gone]] = False
        draw.counts["no_shows"] += int(gone.sum())


def reserved_booked(s: Scenario, service: int, klass: int) -> bool:
    """Whether a queue of *service* in class *klass* is booked visitors in ``reserved`` mode
    (served only by the zones that list it)."""
    appt = s.services[service].appointments if service >= 0 else None
    return klass == BOOKED and appt is not None and appt.mode == "reserved"


MECHANIC = AppointmentsMechanic()
