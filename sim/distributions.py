"""Probability distributions for durations (minutes), as validated frozen objects.

Each distribution has ``sample(rng, size)`` returning a float array, and analytic
``mean`` and ``variance`` so tests can compare sample moments with theory. Scenario
files name them with ``dist:``; mean + cv is the planner-friendly parametrisation.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_MINUTES = 1e6
"""Longest duration (about 694 days): above it a value is surely a typo and sums overflow."""
PositiveFloat = Annotated[float, Field(gt=0, le=MAX_MINUTES)]
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_MINUTES)]
Minutes = Annotated[float, Field(ge=-MAX_MINUTES, le=MAX_MINUTES)]


class _Dist(BaseModel):
    # Strict numbers (no "5" or true for 5), finite only.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def variance(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def std(self) -> float:
        return math.sqrt(self.variance)


class Exponential(_Dist):
    """Exponential with the given *mean* (cv = 1)."""

    dist: Literal["exponential"] = "exponential"
    mean: PositiveFloat

    @property
    def variance(self) -> float:
        return self.mean**2

    def sample(self, rng, size):
        return rng.exponential(self.mean, size)


class LogNormal(_Dist):
    """Lognormal given by its *mean* and coefficient of variation *cv*."""

    dist: Literal["lognormal"] = "lognormal"
    mean: PositiveFloat
    cv: PositiveFloat

    @property
    def variance(self) -> float:
        return (self.mean * self.cv) ** 2

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p(self.cv**2)
        return math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)

    def sample(self, rng, size):
        mu, sigma = self._params()
        return rng.lognormal(mu, sigma, size)


class Gamma(_Dist):
    """Gamma given by its *mean* and coefficient of variation *cv* (shape = 1/cv²)."""

    dist: Literal["gamma"] = "gamma"
    mean: PositiveFloat
    cv: PositiveFloat

    @property
    def variance(self) -> float:
        return (self.mean * self.cv) ** 2

    def sample(self, rng, size):
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean / shape, size)


class Deterministic(_Dist):
    """Always *value*."""

    dist: Literal["deterministic"] = "deterministic"
    value: NonNegFloat

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng, size):
        return np.full(size, float(self.value))


class Uniform(_Dist):
    """Uniform on [*low*, *high*]."""

    dist: Literal["uniform"] = "uniform"
    low: NonNegFloat
    high: NonNegFloat

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError(f"high must be >= low, got low={self.low}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def sample(self, rng, size):
        return rng.uniform(self.low, self.high, size)


class Triangular(_Dist):
    """Triangular with *low* <= *mode* <= *high*."""

    dist: Literal["triangular"] = "triangular"
    low: NonNegFloat
    mode: NonNegFloat
    high: NonNegFloat

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError(
                f"needs low <= mode <= high and low < high, got low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng, size):
        return rng.triangular(self.low, self.mode, self.high, size)


class Empirical(_Dist):
    """Resamples the observed *values* with replacement."""

    dist: Literal["empirical"] = "empirical"
    values: Annotated[list[NonNegFloat], Field(min_length=1)]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        return float(np.var(self.values))

    def sample(self, rng, size):
        return rng.choice(np.asarray(self.values, dtype=float), size)


class Normal(_Dist):
    """Normal with *mean* and standard deviation *sd*; for offsets that may be negative (e.g. arriving early)."""

    dist: Literal["normal"] = "normal"
    mean: Minutes
    sd: NonNegFloat

    @property
    def variance(self) -> float:
        return self.sd**2

    def sample(self, rng, size):
        return rng.normal(self.mean, self.sd, size)


class SignedUniform(Uniform):
    """Uniform on [*low*, *high*] where negative values are allowed (offsets)."""

    low: Minutes
    high: Minutes


Distribution = Annotated[
    Union[Exponential, LogNormal, Gamma, Deterministic, Uniform, Triangular, Empirical],
    Field(discriminator="dist"),
]
# Offsets in minutes that may be negative (e.g. punctuality: negative is early).
Offset = Annotated[Union[Normal, SignedUniform, Deterministic], Field(discriminator="dist")]

DIST_NAMES = ("exponential", "lognormal", "gamma", "deterministic", "uniform", "triangular", "empirical", "normal")

__all__ = [
    "Distribution",
    "Exponential",
    "LogNormal",
    "Gamma",
    "Deterministic",
    "Uniform",
    "Triangular",
    "Empirical",
    "Normal",
    "SignedUniform",
    "Offset",
    "DIST_NAMES",
]
