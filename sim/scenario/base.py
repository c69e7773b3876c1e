"""Shared building blocks of the scenario models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from ..clock import parse_clock

# No dots: ``SERVICE.booked`` names the booked visitors of a service.
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$", max_length=64)]
NonNegInt = Annotated[int, Field(ge=0, strict=True)]
MAX_WHOLE = 10**9
"""Largest whole number in a scenario (staff, windows, priorities, floors, limits)."""
MAX_NUMBER = 1e9
"""Largest scenario number (minutes, rates, weights, factors): above it a value is surely a typo."""
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
PositiveFloat = Annotated[float, Field(gt=0, le=MAX_NUMBER)]


def _clock_text(value: object) -> object:
    parse_clock(value)  # raises ValueError saying what is wrong; runs before the str check
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
