"""``servicehall schema``: print the JSON Schema of the scenario format."""

from __future__ import annotations

import argparse
import json

from sim.scenario.jsonschema import scenario_json_schema

from .commands import summary


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema", help=summary("schema"),
                       description="Print the JSON Schema that scenario files follow; editors use it to check and complete them.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), ensure_ascii=False, indent=2))
    return 0
