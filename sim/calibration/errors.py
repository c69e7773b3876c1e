"""Errors for reading ticketing logs and their format files."""

from __future__ import annotations


class LogFormatError(Exception):
    """A log-format file is invalid, or does not match the log it describes.

    *file* is the format file (or a label such as ``"<dict>"``); *path* is the
    field path inside it (``columns.ticket``, ``drop[1].server``), empty for the
    whole document; *message* says what is wrong.  ``str()`` gives
    ``FILE: PATH: MESSAGE``; when several problems were found, *others* holds the
    rest and ``str()`` lists them one per line.
    """

    def __init__(self, file: str, path: str, message: str, others: tuple[LogFormatError, ...] = ()):
        self.file = str(file)
        self.path = path
        self.message = message
        self.others = tuple(others)
        super().__init__(str(self))

    def _line(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"

    def __str__(self) -> str:
        return "\n".join([self._line()] + [e._line() for e in self.others])


class LogError(Exception):
    """The log cannot be used: unreadable file, or no usable visit for what was asked."""
