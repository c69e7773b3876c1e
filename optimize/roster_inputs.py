"""Normalise roster inputs (requirements, windows, minimum staff) to plain lists.

Everything becomes ``dict zone -> list[int]`` with one entry per grid period,
so the model code never has to care whether a DataFrame or a dict came in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["per_zone_ints", "requirements_table"]


def _whole(value, what: str) -> int:
    try:
        ok = int(value) == value and value >= 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{what} must be a whole number >= 0, got {value!r}")
    return int(value)


def requirements_table(requirements, n_periods: int) -> dict[str, list[int]]:
    """Requirements as ``dict zone -> list[int]`` of *n_periods* values.

    Accepts a DataFrame (index zone, columns period in order), a Series indexed
    by (zone, period), or a mapping zone -> sequence.
    """
    if isinstance(requirements, pd.Series):
        if requirements.index.nlevels != 2:
            raise ValueError("a requirements Series needs a (zone, period) MultiIndex, got "
                             f"{requirements.index.nlevels} index level(s)")
        requirements = requirements.unstack(level=1)
    if isinstance(requirements, pd.DataFrame):
        if requirements.isna().any().any():
            raise ValueError("requirements contain missing values; use 0 for no demand")
        requirements = {str(z): list(row) for z, row in requirements.iterrows()}
    if not isinstance(requirements, Mapping) or not requirements:
        raise ValueError("requirements must be a DataFrame (zone x period), a (zone, period) "
                         f"Series or a dict zone -> list, got {type(requirements).__name__}")
    table = {}
    for zone, row in requirements.items():
        row = list(row)
        if len(row) != n_periods:
            raise ValueError(f"requirements for zone {zone!r} have {len(row)} periods, the "
                             f"grid has {n_periods}")
        table[str(zone)] = [_whole(r, f"requirements[{zone!r}][{t}]") for t, r in enumerate(row)]
    return table


def per_zone_ints(value, zones: Sequence[str], n_periods: int, name: str,
                  default: int | None) -> dict[str, list[int | None]]:
    """*value* (None, an int, or a mapping zone -> int or per-period list) per zone.

    None gives *default* everywhere; a mapping must name every zone.
    """
    if value is None:
        return {z: [default] * n_periods for z in zones}
    if not isinstance(value, Mapping):
        whole = _whole(value, name)
        return {z: [whole] * n_periods for z in zones}
    unknown = set(map(str, value)) - set(zones)
    if unknown:
        raise ValueError(f"{name} names zones without requirements: {sorted(unknown)}")
    out: dict[str, list[int | None]] = {}
    for z in zones:
        if z not in value:
            raise ValueError(f"{name} has no entry for zone {z!r}")
        item = value[z]
        if isinstance(item, Sequence) and not isinstance(item, str):
            if len(item) != n_periods:
                raise ValueError(f"{name}[{z!r}] has {len(item)} periods, the grid has "
                                 f"{n_periods}")
            out[z] = [_whole(v, f"{name}[{z!r}][{t}]") for t, v in enumerate(item)]
        else:
            out[z] = [_whole(item, f"{name}[{z!r}]")] * n_periods
    return out
