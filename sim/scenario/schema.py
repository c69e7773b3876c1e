"""The scenario format: validated, frozen data keyed by zone and service ids.

Shapes and types are checked here by pydantic; checks that span fields (references,
list lengths against the period grid) live in ``checks.py`` so that their messages
can name the exact field path.
"""

from __future__ import annotations

from typing import Annotated, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..clock import parse_clock
from ..distributions import Distribution

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$", max_length=64)]
NonNegInt = Annotated[int, Field(ge=0, strict=True)]
NonNegFloat = Annotated[float, Field(ge=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(Frozen):
    """Opening hours as clock times ``"HH:MM"``; ``close`` may be ``"24:00"``."""

    open: str
    close: str

    @field_validator("open", "close", mode="before")
    @classmethod
    def _clock(cls, v: object) -> object:
        parse_clock(v)  # raises ValueError with the reason; runs before the str check
        return v

    @property
    def open_minute(self) -> int:
        return parse_clock(self.open)

    @property
    def close_minute(self) -> int:
        return parse_clock(self.close)


class Arrivals(Frozen):
    """Arrival rate of one service: exactly one of the three forms.

    *rate_per_hour* (constant), *rates_per_hour* (one per period), or *per_day*
    visitors spread by *profile* (relative weights per period, normalised).
    """

    rate_per_hour: Optional[NonNegFloat] = None
    rates_per_hour: Optional[list[NonNegFloat]] = None
    per_day: Optional[NonNegFloat] = None
    profile: Optional[list[NonNegFloat]] = None

    @model_validator(mode="after")
    def _one_form(self):
        forms = [self.rate_per_hour is not None, self.rates_per_hour is not None, self.per_day is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of rate_per_hour, rates_per_hour, or per_day with profile")
        if (self.per_day is None) != (self.profile is None):
            raise ValueError("per_day and profile go together")
        if self.profile is not None and sum(self.profile) <= 0:
            raise ValueError("profile must have a positive sum")
        return self


class Zone(Frozen):
    """A functional zone with its windows and staff per period."""

    id: Id
    name: Optional[str] = None
    windows: NonNegInt
    staff: Union[NonNegInt, list[NonNegInt]]
    queue_limit: Optional[NonNegInt] = Field(
        default=None, description="arrivals that find this many waiting in the zone balk (leave at once)"
    )

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
    zones: Annotated[list[Zone], Field(min_length=1)]
    services: Annotated[list[Service], Field(min_length=1)]

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

    def staff_per_period(self, zone_id: str) -> list[int]:
        """Staff of *zone_id* in each period."""
        staff = self.zone(zone_id).staff
        return list(staff) if isinstance(staff, list) else [staff] * self.n_periods

    def rates_per_hour(self, service_id: str) -> list[float]:
        """Mean arrivals per hour in each period, with ``demand_scale`` applied."""
        a = self.service(service_id).arrivals
        n = self.n_periods
        if a.rate_per_hour is not None:
            rates = [a.rate_per_hour] * n
        elif a.rates_per_hour is not None:
            rates = list(a.rates_per_hour)
        else:
            total = sum(a.profile)
            hours = self.period_minutes / 60
            rates = [a.per_day * w / total / hours for w in a.profile]
        return [r * self.demand_scale for r in rates]
