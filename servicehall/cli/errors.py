"""Which exceptions are the user's input problems (exit 2) rather than bugs."""

from __future__ import annotations

from sim.errors import InputError


class UserError(Exception):
    """A problem with the command's options, stated for the user."""


def user_error_types() -> tuple[type[BaseException], ...]:
    """Every input problem is an InputError; TargetError (a bad --target) is a ValueError
    the optimizer raises for text it cannot read."""
    from optimize.errors import TargetError

    return (UserError, InputError, TargetError)
