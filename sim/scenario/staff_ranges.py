"""Staff per period written as a default and clock ranges: ``staff: {default: 6, "12:00-13:30": 3}``.

A planner changing one zone's lunch staffing writes the range, not one value per period.
*default* is a whole number or one value per period; each ``"HH:MM-HH:MM"`` key sets the
periods that start in [from, to). In an override (``extends``) a mapping without *default*
changes only its ranges of the base's staff.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Union

from ..clock import format_clock, parse_clock

StaffValue = Union[int, Sequence[int], Mapping[str, Union[int, Sequence[int]]]]
DEFAULT = "default"


def expand_staff(staff: StaffValue, starts: Sequence[int], period: int, path: str) -> tuple[list[int], list[tuple[str, str]]]:
    """Staff in each period of the grid (*starts*, minutes; *period* minutes long) and the
    problems found, ``[(field path, message)]``, each under *path*."""
    n = len(starts)
    if isinstance(staff, Mapping):
        if DEFAULT not in staff:
            return [], [(path, 'needs a "default" (a whole number or one per period) besides its clock ranges')]
        values, problems = expand_staff(staff[DEFAULT], starts, period, f"{path}.default")
        if problems:
            return [], problems
        close = starts[-1] + period if n else 0
        for key, value in staff.items():
            if key == DEFAULT:
                continue
            where = f"{path}.{key}"
            try:
                lo_text, hi_text = key.split("-")
                lo, hi = parse_clock(lo_text), parse_clock(hi_text)
            except ValueError:
                problems.append((where, f'must be "default" or a clock range "HH:MM-HH:MM", got {key!r}'))
                continue
            if not hi > lo:
                problems.append((where, f"the range must end after it starts, got {key!r}"))
            elif (lo - starts[0]) % period or (hi - starts[0]) % period or lo < starts[0] or hi > close:
                problems.append((where, f"must start and end on the {period}-minute grid from "
                                        f"{format_clock(starts[0])} to {format_clock(close)}, got {key!r}"))
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append((where, f"must be a whole number >= 0, got {value!r}"))
            else:
                values = [value if lo <= t < hi else v for t, v in zip(starts, values)]
        return values, problems
    if isinstance(staff, (list, tuple)):
        if len(staff) != n:
            return [], [(path, f"needs one value per period ({n} periods of {period} min), got {len(staff)}")]
        return [int(v) for v in staff], []
    return [int(staff)] * n, []  # type: ignore[arg-type]  # a whole number: mappings and lists are handled above


def merge_staff(base: StaffValue, override: Mapping) -> Mapping:
    """An override's staff mapping over the base's staff: without its own *default* it keeps the base's."""
    if DEFAULT in override or base is None:
        return dict(override)
    if isinstance(base, Mapping):
        return {**base, **override}
    return {DEFAULT: base, **override}
