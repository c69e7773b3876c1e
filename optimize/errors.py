"""Errors for bad optimizer input files."""

from __future__ import annotations

from sim.errors import InputError

__all__ = ["RosterError", "ShiftFileError", "TargetError"]


class ShiftFileError(InputError):
    """A shift file is invalid: *file*, the field path (``shifts[1].lunch.minutes``,
    empty for the whole file), what is wrong; *problems* lists every one found."""


class TargetError(ValueError):
    """A service target is malformed or unattainable (``wait<=15@80%`` and friends).

    A ValueError, so code that catches ValueError keeps working; the command
    line reports it as bad input (exit status 2).
    """


class RosterError(ValueError):
    """No roster of the given shift patterns can cover a plan (the message says why)."""
