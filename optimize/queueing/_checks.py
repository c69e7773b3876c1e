"""Argument checks shared by the queueing formulas (one place for the messages)."""

from __future__ import annotations

import math


def check_servers(servers) -> int:
    """*servers* as an int >= 0; raise ValueError naming what was found."""
    try:
        as_int = int(servers)
    except (TypeError, ValueError):
        raise ValueError(f"servers must be a whole number >= 0, got {servers!r}") from None
    if as_int != servers or as_int < 0:
        raise ValueError(f"servers must be a whole number >= 0, got {servers!r}")
    return as_int


def check_nonneg(name: str, value) -> float:
    """*value* as a finite float >= 0."""
    value = float(value)
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def check_positive(name: str, value, *, allow_inf: bool = False) -> float:
    """*value* as a float > 0 (``math.inf`` allowed when *allow_inf*)."""
    value = float(value)
    if not value > 0 or (math.isinf(value) and not allow_inf) or math.isnan(value):
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return value
