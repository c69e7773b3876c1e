"""Scenario vocabulary for the hall mechanics of the seed documents.

Pooled windows (一窗受理), one-visit bundles (一件事), appointments (预约), online
and self-service diversion, back office and pick-up, priority classes, a guide
desk (导办), people with shifts, and moving staff on alarm (一屏统览). Every block
is optional; a scenario without them behaves exactly as the core format says.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from ..distributions import Deterministic, Distribution, Exponential, Offset
from .arrivals import Arrivals
from .base import Clock, Frozen, Id, NonNegFloat, NonNegInt, PositiveFloat

Share = Annotated[float, Field(ge=0, le=1)]


class Reserve(Frozen):
    """Keep *windows* of a zone's idle windows for *service* (trunk reservation)."""

    service: str
    windows: Annotated[int, Field(ge=1, strict=True)]


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


class Kiosk(Frozen):
    """A share of visitors use self-service kiosks in *zone*; a *failure* share then queues at a window."""

    share: Share
    zone: Id
    service_time: Distribution
    failure: Share = 0.0


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


class Bundle(Frozen):
    """A set of services a visitor needs in one trip (高效办成一件事).

    ``visit_each``: the visitor queues at each service's zone in turn, walking between
    them. ``one_window``: one visit at *window_zone* whose service time is
    *service_time* if given, else the sum of the parts' times times *reduction*.
    """

    id: Id
    name: Optional[str] = None
    services: Annotated[list[Id], Field(min_length=1)]
    arrivals: Arrivals
    mode: Literal["visit_each", "one_window"] = "visit_each"
    window_zone: Optional[Id] = None
    reduction: Annotated[float, Field(gt=0)] = 1.0
    service_time: Optional[Distribution] = None
    patience: Optional[Distribution] = None
    priority: int = Field(default=0, strict=True)

    @model_validator(mode="after")
    def _window_zone(self):
        if self.mode == "one_window" and self.window_zone is None:
            raise ValueError("mode one_window needs window_zone")
        return self

    @property
    def label(self) -> str:
        return self.name or self.id


class Walking(Frozen):
    """Minutes to walk between two zones: *same_floor*, plus *per_floor* for each floor of difference."""

    same_floor: NonNegFloat = 1.0
    per_floor: NonNegFloat = 2.0


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


class Lunch(Frozen):
    """A lunch break of *minutes*, starting between *earliest* and *latest* (clock times)."""

    minutes: Annotated[int, Field(gt=0, strict=True)]
    earliest: Clock
    latest: Clock


class Person(Frozen):
    """*count* people on one shift, working in the first of *zones* (the others are skills for moves).

    Lunches of a group are staggered evenly over the allowed window ("no closing at noon").
    """

    id: Id
    count: Annotated[int, Field(ge=1, strict=True)] = 1
    start: Clock
    end: Clock
    lunch: Optional[Lunch] = None
    zones: Annotated[list[Id], Field(min_length=1)]


class Alarm(Frozen):
    """Move staff to a zone whose queue exceeds *threshold* (一屏统览; the seeds use 20).

    Every *check_every* minutes of opening hours, the monitor takes one person from
    the donor zone with the lightest load that may help (``can_help``) and stays at or
    above its ``min_staff``; the person starts at the receiving zone after
    *switch_minutes*. A zone receives again only after *cooldown* minutes; at most
    *max_moves* moves a day. Moved staff go back when the queue falls to *return_below*.
    """

    threshold: Annotated[int, Field(ge=1, strict=True)] = 20
    check_every: PositiveFloat = 5.0
    switch_minutes: NonNegFloat = 5.0
    cooldown: NonNegFloat = 30.0
    max_moves: Annotated[int, Field(ge=0, strict=True)] = 20
    return_below: Optional[NonNegInt] = None

    @property
    def return_level(self) -> int:
        return self.threshold // 4 if self.return_below is None else self.return_below

