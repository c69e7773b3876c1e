"""Errors raised for bad input, carrying the file and field path for a clear message."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario file (or dict) is invalid.

    *file* is the path or a label such as ``"<dict>"``; *path* is the field path
    (``services[2].service_time.mean``), empty for the whole document; *message*
    says what is wrong and what was found.
    """

    def __init__(self, file: str, path: str, message: str):
        self.file = str(file)
        self.path = path
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        return where + self.message


class ScenarioErrors(ScenarioError):
    """Several problems found in one file; ``str()`` lists them one per line."""

    def __init__(self, errors: list[ScenarioError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.path, first.message)

    def __str__(self) -> str:
        return "\n".join(ScenarioError.__str__(e) for e in self.errors)
