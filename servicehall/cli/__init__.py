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

from .commands import COMMANDS
from .errors import user_error_types


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser: every command's full options when *command* is None, else only that
    command's (the others listed by their one-line help), so ``servicehall --help`` and
    each command's run import only what they need."""
    parser = argparse.ArgumentParser(
        prog="servicehall",
        description="Simulate service halls and optimise their staffing.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    full = {m for m, _ in COMMANDS.values()} if command is None else {COMMANDS[command][0]} if command else set()
    for module_name in dict.fromkeys(m for m, _ in COMMANDS.values()):
        if module_name in full:
            importlib.import_module(f".{module_name}", __name__).add_parser(sub)
    for name, (module_name, help_text) in COMMANDS.items():
        if module_name not in full:
            sub.add_parser(name, help=help_text)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("servicehall")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _command(argv: list[str]) -> str | None:
    """The command named in *argv* (the first word that is one), else None."""
    return next((a for a in argv if a in COMMANDS), None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    command = _command(argv)
    parser = build_parser(command) if command is not None else build_parser("")
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
