"""Read, merge (``extends``) and validate scenario files into frozen Scenario objects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping

from pydantic import ValidationError

from ..errors import ScenarioError, ScenarioErrors
from ..yamlio import read_yaml
from .checks import check_scenario
from .errors import translate
from .limits import check_limits
from .schema import Scenario

# Lists whose items carry an ``id``: an override changes items by id instead of
# replacing the whole list, so a variant file names only what it changes.
KEYED_LISTS = ("zones", "services")


def merge_overrides(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge *override* into a copy of *base*.

    Mappings merge key by key (a distribution with another ``dist`` replaces the old one); lists of items with ids (zones, services) merge by id,
    with ``{id: x, remove: true}`` deleting an item and unknown ids appended; any other
    value replaces the base's.
    """
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if key in KEYED_LISTS and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_keyed(out[key], value)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and not _new_kind(out[key], value):
            out[key] = merge_overrides(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _new_kind(base: Mapping, override: Mapping) -> bool:
    # A distribution of another kind replaces the old one: its parameters do not carry over.
    return "dist" in override and override.get("dist") != base.get("dist")


def _merge_keyed(base: list, override: list) -> list:
    items = [copy.deepcopy(x) for x in base]
    index = {x.get("id"): i for i, x in enumerate(items) if isinstance(x, Mapping)}
    for item in override:
        ident = item.get("id") if isinstance(item, Mapping) else None
        if ident in index and item.get("remove") is True:
            items[index[ident]] = None
        elif ident in index:
            items[index[ident]] = merge_overrides(items[index[ident]], item)
        else:
            items.append(copy.deepcopy(item))
    return [x for x in items if x is not None]


def _resolve_extends(data: Any, path: Path, chain: tuple[Path, ...] = ()) -> Any:
    if not isinstance(data, dict) or "extends" not in data:
        return data
    parent_ref = data["extends"]
    if not isinstance(parent_ref, str):
        raise ScenarioError(str(path), "extends", f"must be a file path, got {parent_ref!r}")
    parent_path = (path.parent / parent_ref).resolve()
    if parent_path in chain or parent_path == path.resolve():
        raise ScenarioError(str(path), "extends", f"circular extends through {parent_ref!r}")
    if not parent_path.exists():
        raise ScenarioError(str(path), "extends", f"file not found, got {parent_ref!r}")
    parent = _resolve_extends(read_yaml(parent_path), parent_path, chain + (path.resolve(),))
    if not isinstance(parent, dict):
        raise ScenarioError(str(parent_path), "", f"must be a mapping of keys to values, got {type(parent).__name__}")
    child = {k: v for k, v in data.items() if k != "extends"}
    return merge_overrides(parent, child)


def scenario_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a plain dict in the scenario format; raise ScenarioError naming every problem."""
    if not isinstance(data, Mapping):
        raise ScenarioError(source, "", f"must be a mapping of keys to values, got {type(data).__name__}")
    # Top-level ``x-...`` keys hold YAML anchors shared by several fields (as in compose files).
    data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise translate(exc, source, [Scenario]) from None
    problems = check_scenario(scenario)
    if not problems:
        problems = check_limits(scenario)
    if problems:
        errors = [ScenarioError(source, p, m) for p, m in problems]
        raise errors[0] if len(errors) == 1 else ScenarioErrors(errors)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate the scenario file at *path* (YAML; ``extends:`` resolved).

    Raises ScenarioError with the file, the field path and what was found.
    """
    path = Path(path)
    data = _resolve_extends(read_yaml(path), path)
    return scenario_from_dict(data, source=str(path))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The plain dict form of *scenario* (round-trips through ``scenario_from_dict``)."""
    return scenario.model_dump(mode="json", exclude_none=True)
