"""Errors raised for bad input, carrying the file and field path for a clear message.

Every kind of input - scenario, staffing CSV, shift file, log, log format, staff
file, command-line option - reports its problems as an :class:`InputError` (or a
subclass naming the kind of input), so a caller catches one class and prints
``file: field.path: what is wrong, got X``, one line per problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Self

Problem = tuple[str, str]
"""``(field path, message)``: the path is empty for the whole file."""


def bounded(text: str, limit: int) -> str:
    """*text* on one line (control characters escaped) and at most about *limit* characters."""
    text = str(text)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        text = "".join(c if ord(c) >= 32 and ord(c) != 127 else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        keep = limit // 2 - 2
        text = f"{text[:keep]} ... {text[-keep:]}"
    return text


class InputError(Exception):
    """An input file (or dict, or option) is invalid.

    *file* is the path or a label such as ``"<dict>"`` or ``"--target"``; *path* the
    field path (``services[2].service_time.mean``, ``row 4: staff``), empty for the
    whole input; *message* says what is wrong and what was found. *problems* holds
    every ``(path, message)`` found, the first being *path*, *message*; ``str()``
    prints one ``file: path: message`` line per problem.
    """

    def __init__(self, file: str, path: str, message: str, problems: Sequence[Problem] = ()):
        self.file = str(file)
        self.path = path
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems) or ((path, message),)
        super().__init__(self.__str__())

    @classmethod
    def collect(cls, file: str, problems: Iterable[Problem]) -> Self:
        """One error listing every problem (at least one) of *file*."""
        found = list(problems)
        if not found:
            raise ValueError("collect needs at least one problem")
        path, message = found[0]
        return cls(file, path, message, found)

    @classmethod
    def merge(cls, errors: Sequence[Self]) -> Self:
        """One error listing the problems of several errors of the same file."""
        first = errors[0]
        if len(errors) == 1:
            return first
        return cls(first.file, first.path, first.message, [p for e in errors for p in e.problems])

    def line(self, path: str, message: str) -> str:
        file, path, message = bounded(self.file, 300), bounded(path, 200), bounded(message, 600)
        return f"{file}: {path}: {message}" if path else f"{file}: {message}"

    def __str__(self) -> str:
        return "\n".join(self.line(p, m) for p, m in self.problems)


class ScenarioError(InputError):
    """A scenario file (or dict, or staffing plan applied to one) is invalid."""


class ScenarioErrors(ScenarioError):
    """Several problems found in one scenario; ``str()`` lists them one per line.

    Kept for callers that build it from a list of ScenarioError; *errors* holds them.
    """

    def __init__(self, errors: list[ScenarioError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.path, first.message, [p for e in errors for p in e.problems])
