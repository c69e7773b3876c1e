"""Which exceptions are the user's input problems (exit 2) rather than bugs."""

from __future__ import annotations

import importlib

from sim.errors import ScenarioError


class UserError(Exception):
    """A problem with the command's options or input files, stated for the user."""


# Error classes of packages that may not be installed or built yet: (module, class).
_OPTIONAL = (("optimize.errors", "ShiftFileError"), ("optimize.errors", "TargetError"),
             ("sim.calibration.errors", "LogFormatError"), ("sim.calibration.errors", "LogError"))


def user_error_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [UserError, ScenarioError]
    for module_name, cls_name in _OPTIONAL:
        try:
            cls = getattr(importlib.import_module(module_name), cls_name)
        except (ImportError, AttributeError):
            continue
        types.append(cls)
    return tuple(types)
