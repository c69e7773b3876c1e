"""Turn pydantic validation errors into ``file: field.path: what is wrong, got X`` messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..distributions import DIST_NAMES
from ..errors import ScenarioError, ScenarioErrors


def format_path(loc: Iterable[Any]) -> str:
    """``('services', 2, 'service_time', 'mean')`` -> ``services[2].service_time.mean``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _clean_loc(loc: tuple) -> tuple:
    # pydantic inserts the discriminator tag ('lognormal') and union member names
    # ('int', 'list[...]') into the location; a planner never typed those.
    keep = []
    for part in loc:
        if isinstance(part, str) and (
            part in DIST_NAMES or "[" in part or "constrained" in part or part in ("int", "float", "str")
        ):
            continue
        keep.append(part)
    return tuple(keep)


def _found(value: Any) -> str:
    if isinstance(value, float) and abs(value) >= 1e9:
        return f"{value:.6g}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _known_fields(models: Iterable[type[BaseModel]]) -> set[str]:
    names: set[str] = set()
    stack = list(models)
    seen: set[type] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(name)
            for sub in _submodels(field.annotation):
                stack.append(sub)
    return names


def _submodels(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_submodels(arg))
    meta = getattr(annotation, "__metadata__", None)
    if meta is not None:
        found.extend(_submodels(annotation.__origin__))
    return found


def _tags(ctx: dict) -> str:
    # The tags this field accepts (a duration is never ``normal``), not every name known.
    tags = ctx.get("expected_tags")
    if not tags:
        return ", ".join(DIST_NAMES)
    return ", ".join(t.strip().strip("'") for t in str(tags).split(","))


_ALTERNATIVES = {  # error type of one union member -> what that member wanted
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "string_type": "text", "list_type": "a list",
    "bool_type": "true or false", "dict_type": "a mapping", "model_type": "a mapping",
}


def _alternatives(errs: list[Mapping[str, Any]]) -> str | None:
    """``must be 'all' or a list, got 'b'`` for a value that failed every member of a union."""
    wanted = []
    for e in errs:
        if e["type"] == "literal_error":
            wanted.append(str((e.get("ctx") or {}).get("expected")))
        elif e["type"] in _ALTERNATIVES:
            wanted.append(_ALTERNATIVES[e["type"]])
        else:
            return None
    wanted = list(dict.fromkeys(wanted))
    if wanted == ["a whole number", "a list"]:
        return "must be a whole number or a list of them (one per period)"
    return "must be " + " or ".join(wanted)


def _message(err: Mapping[str, Any], vocabulary: set[str]) -> str:
    kind = err["type"]
    ctx = err.get("ctx", {}) or {}
    value = err.get("input")
    loc = err["loc"]
    if kind == "missing":
        return "required field missing"
    if kind == "invalid_key":
        return f"keys must be text, got the key {_found(value)}"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        if key in vocabulary:
            return f"key not allowed here, got {key!r}"
        close = difflib.get_close_matches(key, sorted(vocabulary), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key{hint}, got {key!r}"
    if kind == "greater_than":
        return f"must be > {_num(ctx.get('gt'))}, got {_found(value)}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx.get('ge'))}, got {_found(value)}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx.get('le'))}, got {_found(value)}"
    if kind == "less_than":
        return f"must be < {_num(ctx.get('lt'))}, got {_found(value)}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}, got {_found(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_found(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, got {_found(value)}"
    if kind == "finite_number":
        return f"must be a finite number, got {_found(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {_found(value)}"
    if kind == "string_type":
        return f"must be text, got {_found(value)}"
    if kind == "list_type":
        return f"must be a list, got {_found(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys to values, got {_found(value)}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s), got {_found(value)}"
    if kind == "string_pattern_mismatch":
        return f"must be an id of letters, digits, '_' or '-', got {_found(value)}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long, got {_found(value)}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s), got {_found(value)}"
    if kind == "union_tag_invalid":
        return f"unknown distribution {_found(ctx.get('tag'))}; expected one of {_tags(ctx)}"
    if kind == "union_tag_not_found":
        return f"needs 'dist:' naming the distribution, one of {_tags(ctx)}"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return msg
    return f"{err['msg']}, got {_found(value)}"


def translate(exc: ValidationError, file: str, models: Iterable[type[BaseModel]]) -> ScenarioError:
    """One ScenarioError (listing every problem) from a pydantic ValidationError."""
    vocabulary = _known_fields(models)
    by_path: dict[str, list[Mapping[str, Any]]] = {}
    for err in exc.errors():
        loc = _clean_loc(err["loc"])
        if err["type"] == "invalid_key":
            # The last location is the key itself (1, true), not a list index.
            err = {**err, "input": loc[-1] if loc else err.get("input")}
            loc = loc[:-1]
        by_path.setdefault(format_path(loc), []).append(err)
    errors = []
    for path, errs in by_path.items():
        kinds = {e["type"] for e in errs}
        deeper = any(p.startswith(path + "[") or p.startswith(path + ".") for p in by_path if p != path)
        if deeper and kinds <= {"literal_error", "list_type", "int_type", "string_type", "float_type"}:
            continue  # the value's items carry the errors (serves: ['b', 3] -> serves[1])
        if len(errs) > 1 and (msg := _alternatives(errs)) is not None:
            # A value that may be one of several kinds (staff: number or list) failed as all.
            errors.append(ScenarioError(file, path, f"{msg}, got {_found(errs[0].get('input'))}"))
            continue
        for e in errs:
            errors.append(ScenarioError(file, path, _message(e, vocabulary)))
    return errors[0] if len(errors) == 1 else ScenarioErrors(errors)
