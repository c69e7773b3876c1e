"""``servicehall`` command line.

Each command lives in its own module exposing ``add_parser(subparsers)`` which
registers the command and sets ``func`` to a callable taking the parsed args and
returning an exit status. Bad input (files, fields, options) exits with status 2
and a one-line message per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import user_error_types

COMMANDS = ("simulate", "compare", "sweep", "optimize", "roster", "calibrate", "schema")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="servicehall",
        description="Simulate service halls and optimise their staffing.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"cli.{name}"):
                continue  # command not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except user_error_types() as exc:
        print(f"servicehall: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("servicehall: interrupted", file=sys.stderr)
        return 130
