"""Input errors of the weekly roster: the staff file and the calendar file."""

from __future__ import annotations

from sim.errors import InputError

__all__ = ["CalendarError", "RequirementsError", "StaffFileError"]


class StaffFileError(InputError):
    """The staff file (CSV) is invalid; *path* is ``row N: column`` (the header is row 1)."""


class CalendarError(InputError):
    """The calendar file (YAML) is invalid; *path* is a field path such as ``day_types.saturday.hours``."""


class RequirementsError(InputError):
    """A requirements CSV (``date, zone, start, required``) is invalid; *path* is ``row N: column``."""
