"""Errors for reading ticketing logs and their format files (both are bad input)."""

from __future__ import annotations

from sim.errors import InputError


class LogFormatError(InputError):
    """A log-format file is invalid, or does not match the log it describes.

    *file* is the format file (or a label such as ``"<dict>"``); *path* the field
    path inside it (``columns.ticket``, ``drop[1].server``), empty for the whole
    document; *problems* every ``(path, message)`` found.
    """


class LogError(InputError):
    """The log cannot be used: unreadable file, or no usable visit for what was asked.

    *file* is the log (``"<log>"`` when only its visits are known).
    """
