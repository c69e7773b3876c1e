"""How often a service's visitors arrive."""

from __future__ import annotations

from typing import Optional, Union

from pydantic import model_validator

from .base import Frozen, NonNegFloat


class Arrivals(Frozen):
    """Arrival rate of one service: exactly one of the three forms.

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
