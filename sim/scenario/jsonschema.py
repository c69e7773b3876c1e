"""The JSON Schema of the scenario format, generated from the pydantic models.

A file with ``extends`` is an override: it names only what it changes, so it is checked
against a *partial* form of the schema (no field required, distributions and keyed items
merged into the base's, ``{id: x, remove: true}`` allowed in ``zones`` and ``services``).
"""

from __future__ import annotations

import copy
from typing import Any

from .schema import Scenario

SCHEMA_ID = "https://servicehall.example/scenario.schema.json"
_TOP = ("type", "title", "description", "properties", "required", "additionalProperties", "patternProperties")
_KEYED = ("Zone", "Service")  # override lists merge these by id (see load.KEYED_LISTS)


def _partial(node: Any) -> Any:
    """*node* with nothing required: references point at the partial definitions, and tagged
    unions accept any alternative (an override may change a distribution's mean alone)."""
    if isinstance(node, list):
        return [_partial(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _partial(v) for k, v in node.items() if k not in ("required", "discriminator")}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        out["$ref"] = "#/$defs/Partial" + ref[len("#/$defs/"):]
    return out


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for scenario files and for overrides (``extends``)."""
    full = Scenario.model_json_schema()
    full["properties"]["extends"] = {
        "type": "string",
        "description": "path of a scenario this one overrides (relative to this file)",
    }
    full["patternProperties"] = {"^x-": {"description": "free-form, e.g. a YAML anchor shared by several fields"}}
    defs = full.pop("$defs", {})
    for name, definition in list(defs.items()):
        partial = _partial(copy.deepcopy(definition))
        if name in _KEYED:
            partial["properties"]["remove"] = {"type": "boolean", "description": "delete this item of the base"}
        defs["Partial" + name] = partial
    top = {k: full[k] for k in _TOP if k in full}
    # Every file meets the partial form (editors complete keys from its properties); a file
    # without extends must meet the full one as well.
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **_partial(copy.deepcopy(top)),
        "if": {"not": {"required": ["extends"]}},
        "then": top,
        "$defs": defs,
    }
