"""Errors for bad optimizer input files."""

from __future__ import annotations

__all__ = ["RosterError", "ShiftFileError", "TargetError"]


class ShiftFileError(Exception):
    """A shift file is invalid.

    *file* is the path (or a label such as ``"<dict>"``), *path* the field path
    (``shifts[1].lunch.minutes``, empty for the whole file) and *message* what
    is wrong and what was found. When several problems are found, *problems*
    holds every (path, message) pair, the first being *path*, *message*;
    ``str()`` prints one ``FILE: PATH: MESSAGE`` line per problem.
    """

    def __init__(self, file, path: str, message: str,
                 problems: tuple[tuple[str, str], ...] = ()):
        self.file = str(file)
        self.path = path
        self.message = message
        self.problems = tuple(problems) or ((path, message),)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.file}: {p}: {m}" if p else f"{self.file}: {m}"
                         for p, m in self.problems)


class TargetError(ValueError):
    """A service target is malformed or unattainable (``wait<=15@80%`` and friends).

    A ValueError, so code that catches ValueError keeps working; the command
    line reports it as bad input (exit status 2).
    """


class RosterError(ValueError):
    """No roster of the given shift patterns can cover a plan (the message says why)."""
