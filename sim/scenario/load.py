"""Read, merge (``extends``) and validate scenario files into frozen Scenario objects."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ScenarioError, ScenarioErrors
from ..yamlio import read_yaml
from .checks import check_scenario
from .errors import translate
from .limits import check_limits
from .schema import Scenario
from .staff_ranges import merge_staff

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
        elif key == "staff" and isinstance(value, Mapping):  # clock ranges over the base's staff
            out[key] = merge_staff(out.get(key), value)  # type: ignore[arg-type]  # the base's staff, unvalidated
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


MAX_EXTENDS = 32
"""Longest chain of ``extends`` (a variant of a variant of ...)."""


def _ids(items: Any) -> list:
    return [x.get("id") for x in items if isinstance(x, Mapping)] if isinstance(items, list) else []


def _new_items(parent: Mapping, child: Mapping, parent_path: Path, path: Path, added: dict) -> None:
    """Record the zones and services *child* adds to *parent* (ids it does not have), and
    reject removing an id the parent lacks: a misspelt id then reads as such."""
    for key in KEYED_LISTS:
        items = child.get(key)
        if not isinstance(items, list) or not isinstance(parent.get(key), list):
            continue
        known = _ids(parent[key])
        position = len(parent[key])
        for k, item in enumerate(items):
            ident = item.get("id") if isinstance(item, Mapping) else None
            if ident in known:
                continue
            singular = key[:-1]
            if isinstance(item, Mapping) and item.get("remove") is True:
                raise ScenarioError(str(path), f"{key}[{k}].id",
                                    f"no {singular} {_short(ident)} in {parent_path.name} to remove{_close(ident, known)}")
            added[(key, position)] = (str(path), f"{key}[{k}]", ident, known, parent_path.name)
            position += 1


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _close(ident: Any, known: list) -> str:
    words = [str(x) for x in known if x is not None]
    close = difflib.get_close_matches(str(ident), words, n=1, cutoff=0.6) if ident is not None else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def _resolve_extends(data: Any, path: Path, chain: tuple[Path, ...] = (), added: dict | None = None) -> Any:
    if not isinstance(data, dict) or "extends" not in data:
        return data
    parent_ref = data["extends"]
    if not isinstance(parent_ref, str):
        raise ScenarioError(str(path), "extends", f"must be a file path, got {_short(parent_ref)}")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(str(path), "extends", f"more than {MAX_EXTENDS} files extend one another; "
                                                  f"merge some of them, got {_short(parent_ref)}")
    try:
        parent_path = (path.parent / parent_ref).resolve()
        found = parent_path.exists()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ScenarioError(str(path), "extends", f"not a usable file path ({getattr(exc, 'strerror', None) or exc}), "
                                                  f"got {_short(parent_ref)}") from None
    if parent_path in chain or parent_path == path.resolve():
        raise ScenarioError(str(path), "extends", f"circular extends through {_short(parent_ref)}")
    if not found:
        raise ScenarioError(str(path), "extends", f"file not found, got {_short(parent_ref)}")
    try:
        parent_data = read_yaml(parent_path)
    except ScenarioError as exc:
        if exc.file != str(parent_path) or exc.path or not exc.message.startswith(("is a directory", "is not a regular")):
            raise
        # Not a file one can read (a folder, a device): the problem is this file's extends.
        raise ScenarioError(str(path), "extends", f"{exc.message}, got {_short(parent_ref)}") from None
    parent = _resolve_extends(parent_data, parent_path, chain + (path.resolve(),), added)
    if not isinstance(parent, dict):
        raise ScenarioError(str(parent_path), "", f"must be a mapping of keys to values, got {type(parent).__name__}")
    child = {k: v for k, v in data.items() if k != "extends"}
    if added is not None:
        # Positions of the items the parent's own variants added are not those of this file.
        added.clear()
        _new_items(parent, child, parent_path, path, added)
    return merge_overrides(parent, child)


def _explain_new_items(exc: ScenarioError, added: dict, source: str) -> ScenarioError:
    """A new zone or service missing required fields is more likely a misspelt id."""
    problems, done = [], set()
    for path, message in exc.problems:
        hit = None
        for (key, position), info in added.items():
            prefix = f"{key}[{position}]"
            if message == "required field missing" and (path == prefix or path.startswith(prefix + ".")):
                hit = (key, position), info
        if hit is None:
            problems.append((path, message))
            continue
        (key, position), (file, where, ident, known, parent_name) = hit
        if (key, position) in done:
            continue
        done.add((key, position))
        missing = sorted(p.split(".", 1)[1] for p, m in exc.problems
                         if m == "required field missing" and p.startswith(f"{key}[{position}]."))
        what = key[:-1]
        problems.append((where, f"no {what} {_short(ident)} in {parent_name} to override{_close(ident, known)}; "
                                f"a new {what} needs {', '.join(missing) or 'more fields'}"))
    return ScenarioError.collect(exc.file, problems)


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
    added: dict = {}
    data = _resolve_extends(read_yaml(path), path, added=added)
    try:
        return scenario_from_dict(data, source=str(path))
    except ScenarioError as exc:
        if not added:
            raise
        raise _explain_new_items(exc, added, str(path)) from None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The plain dict form of *scenario* (round-trips through ``scenario_from_dict``)."""
    return scenario.model_dump(mode="json", exclude_none=True)
