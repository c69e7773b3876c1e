"""What-if changes: functions that take a scenario and return a changed, re-validated one.

Scenarios are frozen, so every change goes through the plain dict form
(``scenario_to_dict`` -> change -> ``scenario_from_dict``): a what-if scenario
is checked exactly like a file, and a bad change fails with the field path.

Fields are named by dotted paths in which ids select zones and services::

    demand_scale
    zones.tax.staff                   # a constant, or a list (one per period)
    zones.tax.staff.3                 # one period of a staff list (0-based)
    services.invoice.service_time.mean
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

from pydantic import BaseModel

from .errors import ScenarioError
from .scenario import Scenario, merge_overrides, scenario_from_dict, scenario_to_dict

# Lists whose items are selected by id in a path (the rest are selected by index).
KEYED = {"zones": "zone", "services": "service"}


class PathError(ScenarioError, ValueError):
    """A what-if field path that does not lead to a field of the scenario.

    A ScenarioError (so the command line reports it as bad input) and a
    ValueError (so plain Python code can catch it as one).
    """

    def __init__(self, path: str, message: str):
        super().__init__("what-if", path, message)


def with_changes(scenario: Scenario, overrides: Mapping[str, Any], label: str = "what-if") -> Scenario:
    """*scenario* with *overrides* merged in as a variant file would be (``merge_overrides``).

    Zones and services merge by id, ``{"id": x, "remove": True}`` drops one.
    Raises ScenarioError (file *label*) naming the field when the result is invalid.
    """
    if not isinstance(overrides, Mapping):
        raise TypeError(f"overrides must be a mapping, got {type(overrides).__name__}")
    return scenario_from_dict(merge_overrides(scenario_to_dict(scenario), _plain(overrides)), source=label)


def scale_demand(scenario: Scenario, factor: float) -> Scenario:
    """Multiply every arrival rate by *factor* (> 0) on top of the current ``demand_scale``.

    ``scale_demand(s, 1.2)`` on a scenario with ``demand_scale: 1.1`` gives 1.32.
    Raises ValueError for a factor that is not a positive number.
    """
    factor = _plain(factor)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
        raise ValueError(f"demand factor must be a number > 0, got {factor!r}")
    return vary(scenario, "demand_scale", scenario.demand_scale * factor)


def set_staff(
    scenario: Scenario, zone_id: str, staff: Union[int, Sequence[int]], windows: Optional[int] = None
) -> Scenario:
    """Staff *zone_id* with *staff* windows (a constant, or one whole number per period).

    Give *windows* too to raise the zone's physical windows in the same step
    (staff may not exceed them). Raises ScenarioError for an unknown zone or an
    invalid staff level.
    """
    _require_item(scenario, "zones", zone_id)
    change: dict[str, Any] = {"id": zone_id, "staff": _integral(_plain(staff))}
    if windows is not None:
        change["windows"] = _integral(_plain(windows))
    return with_changes(scenario, {"zones": [change]}, label=f"what-if zones.{zone_id}")


def set_windows(scenario: Scenario, zone_id: str, windows: int) -> Scenario:
    """Give *zone_id* *windows* physical windows (an upper bound on its staff).

    Raises ScenarioError for an unknown zone or when the staff would exceed the windows.
    """
    return vary(scenario, f"zones.{zone_id}.windows", windows)


def vary(scenario: Scenario, path: str, value: Any) -> Scenario:
    """*scenario* with the field at dotted *path* set to *value*.

    A path may name a field the scenario leaves at its default
    (``zones.tax.queue_limit``). Whole-number fields (staff, windows,
    queue_limit, period_minutes, priority) accept integral floats such as
    ``4.0``. Raises PathError (a ScenarioError and ValueError) when the path
    does not lead to a field, and ScenarioError when the new value is invalid.
    """
    data = scenario_to_dict(scenario)
    parent, key, fields = _locate(data, path)
    value = _plain(value)
    if _whole_number_field(fields):
        value = _integral(value)
    parent[key] = value  # type: ignore[index]  # a list's key is an int (see _locate)
    return scenario_from_dict(data, source=f"what-if {path}={value!r}")


def get_value(scenario: Scenario, path: str) -> Any:
    """The current value at dotted *path* (None for a field left at its default)."""
    parent, key, _ = _locate(scenario_to_dict(scenario), path)
    if isinstance(parent, list):
        return parent[key]  # type: ignore[index]  # a list's key is an int (see _locate)
    return parent.get(key)


def differences(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """Fields that differ from *a* to *b*: ``(path, value in a, value in b)``.

    Paths use the same dotted syntax as ``vary``; a zone or service present on
    one side only is reported whole, with None on the other side.
    """
    out: list[tuple[str, Any, Any]] = []
    _diff(scenario_to_dict(a), scenario_to_dict(b), "", out)
    return out


# -- paths -------------------------------------------------------------------------

def _locate(data: dict, path: str) -> tuple[Union[dict, list], Union[str, int], list[str]]:
    """The container and key that *path* names in *data*, and the field names along it.

    Missing mappings on the way are created (``day_variation.cv``): validation
    then says whether such a field exists.
    """
    if not isinstance(path, str) or not path.strip():
        raise PathError(str(path), "empty field path; expected e.g. demand_scale or zones.tax.staff")
    parts = path.split(".")
    if any(not p for p in parts):
        raise PathError(path, "empty part in the field path (two dots, or a dot at an end)")
    node: Any = data
    fields: list[str] = []
    i = 0
    walked = ""
    while True:
        part = parts[i]
        last = i == len(parts) - 1
        if isinstance(node, dict):
            fields.append(part)
            walked = f"{walked}.{part}" if walked else part
            if last:
                return node, part, fields
            if part in KEYED and isinstance(node.get(part), list) and node is data:
                ident, used = _match_id(node[part], parts[i + 1:])
                if ident is None:
                    kind = KEYED[part]
                    known = ", ".join(str(x.get("id")) for x in node[part])
                    raise PathError(path, f"no {kind} with id {parts[i + 1]!r}; known {part}: {known}")
                i += 1 + used
                walked += "." + ident
                node = next(x for x in node[part] if x.get("id") == ident)
                if i == len(parts):
                    raise PathError(path, f"names a whole {KEYED[part]}; add a field, e.g. {walked}.staff"
                                    if part == "zones" else
                                    f"names a whole {KEYED[part]}; add a field, e.g. {walked}.service_time.mean")
                continue
            if part not in node:
                node[part] = {}
            node = node[part]
            i += 1
        elif isinstance(node, list):
            if not (part.isascii() and part.isdigit()) or int(part) >= len(node):
                raise PathError(path, f"{walked} is a list of {len(node)}; expected an index 0..{len(node) - 1}, got {part!r}")
            walked += "." + part
            if last:
                return node, int(part), fields
            node = node[int(part)]
            i += 1
        else:
            raise PathError(path, f"{walked} is a single value ({node!r}); cannot select {part!r} in it")


def _match_id(items: list, rest: list[str]) -> tuple[Optional[str], int]:
    """The item id named by the next part of a path, and how many parts it took (ids have no dots)."""
    ids = {str(x.get("id")) for x in items if isinstance(x, dict)}
    return (rest[0], 1) if rest and rest[0] in ids else (None, 0)


def _whole_number_field(fields: list[str]) -> bool:
    """True when the field named by *fields* (field names from the top) takes whole numbers only."""
    model: Optional[type[BaseModel]] = Scenario
    annotation: Any = None
    for name in fields:
        if model is None or name not in model.model_fields:
            return False
        annotation = model.model_fields[name].annotation
        models = _atoms(annotation, models_only=True)
        model = models[0] if len(models) == 1 else None
    atoms = _atoms(annotation)
    return int in atoms and float not in atoms


def _atoms(annotation: Any, models_only: bool = False) -> list:
    """The plain types inside an annotation (through Optional, Union, list, Annotated)."""
    found: list = []
    stack = [annotation]
    while stack:
        ann = stack.pop()
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            stack.append(typing.get_args(ann)[0])
        elif origin is not None:
            stack.extend(typing.get_args(ann))
        elif isinstance(ann, type):
            if not models_only or issubclass(ann, BaseModel):
                found.append(ann)
    return found


def _diff(a: Any, b: Any, path: str, out: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if path else str(key)
            if key in KEYED and not path and isinstance(a.get(key), list) and isinstance(b.get(key), list):
                left = {x["id"]: x for x in a[key]}
                right = {x["id"]: x for x in b[key]}
                for ident in list(left) + [i for i in right if i not in left]:
                    _diff(left.get(ident), right.get(ident), f"{sub}.{ident}", out)
            else:
                _diff(a.get(key), b.get(key), sub, out)
    elif a != b:
        out.append((path, copy.deepcopy(a), copy.deepcopy(b)))


# -- values ------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """Numpy scalars and arrays as plain Python values (strict fields reject numpy ints)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _integral(value: Any) -> Any:
    """4.0 -> 4 (lists item by item); anything else unchanged, for validation to judge."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _require_item(scenario: Scenario, section: str, ident: str) -> None:
    ids = [x.id for x in getattr(scenario, section)]
    if ident not in ids:
        raise PathError(f"{section}.{ident}", f"no {KEYED[section]} with id {ident!r}; known {section}: {', '.join(ids)}")
