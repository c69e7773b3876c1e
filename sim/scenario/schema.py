"""The scenario format: validated, frozen data keyed by zone and service ids.

Shapes and types are checked here by pydantic; checks that span fields (references,
list lengths against the period grid) live in ``checks.py`` so that their messages
can name the exact field path.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from ..clock import parse_clock
from ..distributions import Distribution
from ..fields import Arrivals, Clock, Frozen, Id, NonNegFloat, NonNegInt, PositiveFloat, Share
from ..mechanics.alarm import Alarm
from ..mechanics.appointments import Appointments
from ..mechanics.back_office import BackOffice
from ..mechanics.bundles import Bundle
from ..mechanics.diversion import Kiosk
from ..mechanics.guide_desk import GuideDesk
from ..mechanics.people import Person, people_staff_per_period
from ..mechanics.pooling import Reserve
from ..mechanics.sent_on import SentOn
from .staff_ranges import expand_staff

ClassName = Literal["green", "booked", "walk_in"]
CLASSES: tuple[ClassName, ...] = ("green", "booked", "walk_in")
"""The default ``priority_order``: visitor classes, first served first."""


class Walking(Frozen):
    """Minutes to walk between two zones: *same_floor*, plus *per_floor* for each floor of difference."""

    same_floor: NonNegFloat = 1.0
    per_floor: NonNegFloat = 2.0


class Hours(Frozen):
    """Opening hours as clock times ``"HH:MM"``; ``close`` may be ``"24:00"``."""

    open: Clock
    close: Clock

    @property
    def open_minute(self) -> int:
        return parse_clock(self.open)

    @property
    def close_minute(self) -> int:
        return parse_clock(self.close)


class Zone(Frozen):
    """A functional zone with its windows and staff per period."""

    id: Id
    name: Optional[str] = None
    windows: NonNegInt
    staff: Optional[Union[NonNegInt, list[NonNegInt], dict[str, Union[NonNegInt, list[NonNegInt]]]]] = Field(
        default=None, description="staffed windows: a constant, one per period, or {default: N, 'HH:MM-HH:MM': M} "
                                  "for clock ranges; omit when `people` staff the hall"
    )
    queue_limit: Optional[NonNegInt] = Field(
        default=None, description="arrivals that find this many waiting in the zone balk (leave at once)"
    )
    floor: int = Field(default=1, strict=True, description="for walking times between zones")
    serves: Optional[Union[Literal["all"], list[str]]] = Field(
        default=None,
        description="what this zone's windows serve besides its own services: 'all', or zone ids, "
        "service ids, categories, or SERVICE.booked",
    )
    speed: PositiveFloat = Field(default=1.0, description="service-time multiplier at these windows (1.2 = 20% slower)")
    speed_by_service: dict[str, PositiveFloat] = Field(default_factory=dict)
    dispatch: Literal["longest_wait", "own_first"] = "longest_wait"
    reserve: Optional[Reserve] = None
    can_help: Union[Literal["all"], list[Id]] = Field(
        default_factory=list, description="zones this zone's staff may be moved to on alarm"
    )
    min_staff: NonNegInt = Field(default=1, description="a move on alarm never leaves fewer staff than this")

    @property
    def label(self) -> str:
        return self.name or self.id


class Service(Frozen):
    """A service type: where it queues, how often it arrives, how long it takes (minutes)."""

    id: Id
    name: Optional[str] = None
    zone: Id
    arrivals: Arrivals
    service_time: Distribution
    patience: Optional[Distribution] = None
    priority: int = Field(default=0, strict=True)
    category: Optional[str] = None
    online_share: Share = Field(default=0.0, description="share done online: never comes to the hall")
    green_share: Share = Field(default=0.0, description="share of walk-ins in the green channel (elderly, disabled)")
    appointments: Optional[Appointments] = None
    kiosk: Optional[Kiosk] = None
    back_office: Optional[BackOffice] = None
    missing_materials: Share = Field(
        default=0.0, description="share that must come back another day unless the hall accepts with deficiencies"
    )
    sent_on: list[SentOn] = Field(
        default_factory=list, description="shares of the visitors served who go on to another service"
    )

    @property
    def label(self) -> str:
        return self.name or self.id


class DayVariation(Frozen):
    """A random day multiplier on all arrivals: gamma with mean 1 and this *cv*."""

    cv: NonNegFloat


class Scenario(Frozen):
    """A whole hall for one day. Build it with ``sim.load_scenario`` or ``sim.scenario_from_dict``."""

    name: str
    description: Optional[str] = None
    hours: Hours
    period_minutes: Annotated[int, Field(gt=0, le=1440, strict=True)] = 30
    target_wait: NonNegFloat = Field(default=15.0, description="minutes; default target for service level")
    demand_scale: PositiveFloat = 1.0
    day_variation: Optional[DayVariation] = None
    profiles: dict[str, list[NonNegFloat]] = Field(
        default_factory=dict, description="named daily profiles (weights per period) for `arrivals.profile`"
    )
    zones: Annotated[list[Zone], Field(min_length=1)]
    services: Annotated[list[Service], Field(min_length=1)]
    bundles: list[Bundle] = Field(default_factory=list)
    walking: Walking = Field(default_factory=Walking)
    guide_desk: Optional[GuideDesk] = None
    priority_order: list[ClassName] = Field(
        default_factory=lambda: list(CLASSES), description="visitor classes, first served first"
    )
    accept_with_deficiencies: bool = Field(default=False, description="容缺受理: no return visits for missing materials")
    people: Optional[list[Person]] = None
    alarm: Optional[Alarm] = None
    staff_decrease: Literal["first_free", "own_visitor"] = Field(
        default="first_free",
        description="when staff falls while every window is busy: first_free - the first window to become free "
                    "closes; own_visitor - the person leaving (the busy window numbered highest) finishes their own "
                    "visitor and leaves, while the others keep calling",
    )

    # -- derived views (no state of their own) --
    @property
    def open_minute(self) -> int:
        return self.hours.open_minute

    @property
    def close_minute(self) -> int:
        return self.hours.close_minute

    @property
    def n_periods(self) -> int:
        return (self.close_minute - self.open_minute) // self.period_minutes

    @property
    def period_starts(self) -> list[int]:
        """Start of each period, minutes since midnight."""
        return [self.open_minute + k * self.period_minutes for k in range(self.n_periods)]

    @property
    def zone_ids(self) -> list[str]:
        return [z.id for z in self.zones]

    @property
    def service_ids(self) -> list[str]:
        return [s.id for s in self.services]

    def zone(self, zone_id: str) -> Zone:
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise KeyError(zone_id)

    def service(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def staff_per_period(self, zone_id: str) -> list[float]:
        """Staff of *zone_id* in each period (time-averaged when people with shifts staff the hall)."""
        staff = self.zone(zone_id).staff
        if self.people is not None and staff is None:
            return people_staff_per_period(self)[zone_id]
        values, _ = expand_staff(0 if staff is None else staff, self.period_starts, self.period_minutes, "staff")
        return [float(v) for v in values]

    def bundle(self, bundle_id: str) -> Bundle:
        for b in self.bundles:
            if b.id == bundle_id:
                return b
        raise KeyError(bundle_id)

    def rates_per_hour(self, service_id: str) -> list[float]:
        """Mean arrivals per hour in each period, with ``demand_scale`` applied (before any diversion)."""
        return self.arrival_rates(self.service(service_id).arrivals)

    def arrival_rates(self, a: Arrivals) -> list[float]:
        """Mean arrivals per hour in each period for an ``arrivals`` block, with ``demand_scale``."""
        n = self.n_periods
        if a.rate_per_hour is not None:
            rates = [a.rate_per_hour] * n
        elif a.rates_per_hour is not None:
            rates = list(a.rates_per_hour)
        else:  # per_day with a profile (the Arrivals validator guarantees both)
            profile = self.profiles[a.profile] if isinstance(a.profile, str) else list(a.profile or [])
            total, per_day = sum(profile), float(a.per_day or 0.0)
            hours = self.period_minutes / 60
            rates = [per_day * w / total / hours for w in profile]
        return [r * self.demand_scale for r in rates]
