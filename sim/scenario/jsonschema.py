"""The JSON Schema of the scenario format, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from .schema import Scenario

SCHEMA_ID = "https://servicehall.example/scenario.schema.json"


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for scenario files; ``extends`` is allowed at the top."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "path of a scenario this one overrides (relative to this file)",
    }
    schema["patternProperties"] = {"^x-": {"description": "free-form, e.g. a YAML anchor shared by several fields"}}
    return schema
