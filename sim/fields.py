"""Building blocks of the scenario format: field types, the frozen base model, arrivals.

The lowest layer of the scenario format: the mechanics (``sim.mechanics``) and the
scenario schema (``sim.scenario``) are made of these.
"""

from __future__ import annotations

import re
from typing import Annotated, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .clock import parse_clock

# No dots: ``SERVICE.booked`` names the booked visitors of a service.
ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$"
MAX_ID_LENGTH = 64
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]


def is_id(text: object) -> bool:
    """Whether *text* is a valid id (zone, service, person, post): ASCII letters, digits, '_' and '-'."""
    return isinstance(text, str) and len(text) <= MAX_ID_LENGTH and re.match(ID_PATTERN, text) is not None
NonNegInt = Annotated[int, Field(ge=0, strict=True)]
MAX_WHOLE = 10**9
"""Largest whole number in a scenario (staff, windows, priorities, floors, limits)."""
MAX_NUMBER = 1e9
"""Largest scenario number (minutes, rates, weights, factors): above it a value is surely a typo."""
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
PositiveFloat = Annotated[float, Field(gt=0, le=MAX_NUMBER)]
Share = Annotated[float, Field(ge=0, le=1)]


def _clock_text(value: object) -> object:
    parse_clock(value)  # type: ignore[arg-type]  # raises ValueError saying what is wrong; runs before the str check
    return value


# A clock time "HH:MM" ("24:00" allowed), kept as written.
Clock = Annotated[str, BeforeValidator(_clock_text)]


class Frozen(BaseModel):
    """Validated, immutable, and strict about unknown keys and types.

    Strict: ``true`` or ``"20"`` where a number is expected is an error, not 1 or 20
    (a whole number is accepted where a float is); only finite numbers (no ``.inf``,
    ``.nan``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded_whole_numbers(cls, value):
        # Python ints are unbounded; the engine's arrays are int64. A whole number beyond
        # a billion (a priority, a floor, a queue limit...) is surely a typo.
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_WHOLE:
                shown = str(item) if len(str(item)) <= 20 else f"a number of {len(str(item))} digits"
                raise ValueError(f"must be between -{MAX_WHOLE:,} and {MAX_WHOLE:,}, got {shown}")
        return value


class Arrivals(Frozen):
    """Arrival rate of one service (or bundle): exactly one of the three forms.

    *rate_per_hour* (constant), *rates_per_hour* (one per period), or *per_day*
    visitors spread by *profile*: relative weights per period (normalised), or the
    name of one of the scenario's ``profiles``.
    """

    rate_per_hour: Optional[NonNegFloat] = None
    rates_per_hour: Optional[list[NonNegFloat]] = None
    per_day: Optional[NonNegFloat] = None
    profile: Optional[Union[list[NonNegFloat], str]] = None

    @model_validator(mode="after")
    def _one_form(self):
        forms = [self.rate_per_hour is not None, self.rates_per_hour is not None, self.per_day is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of rate_per_hour, rates_per_hour, or per_day with profile")
        if (self.per_day is None) != (self.profile is None):
            raise ValueError("per_day and profile go together")
        if isinstance(self.profile, list) and sum(self.profile) <= 0:
            raise ValueError("profile must have a positive sum")
        return self


def arrival_problems(s, a: Arrivals, path: str) -> list[tuple[str, str]]:
    """Problems of *a* against scenario *s*'s period grid and named profiles."""
    n = s.n_periods
    if isinstance(a.profile, str):
        if a.profile not in s.profiles:
            known = ", ".join(s.profiles) or "none defined"
            return [(f"{path}.profile", f"unknown profile {a.profile!r}; known profiles: {known}")]
        return []
    problems = []
    for field in ("rates_per_hour", "profile"):
        values = getattr(a, field)
        if values is not None and len(values) != n:
            problems.append((f"{path}.{field}", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(values)}"))
    return problems
