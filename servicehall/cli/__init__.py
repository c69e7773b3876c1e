"""``servicehall`` command line.

Each command lives in its own module exposing ``add_parser(subparsers)`` which
registers the command and sets ``func`` to a callable taking the parsed args and
returning an exit status. Bad input (files, fields, options) exits with status 2
and a one-line message per problem, never a traceback; an output that cannot be
written is found before the run. Ctrl-C exits with 130, SIGTERM with 143 (SIGHUP
129), without a traceback and with partial outputs removed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterator

from sim.stop_request import Terminated, clear_stop_request, request_stop, stop_exception, stop_requested

from .commands import COMMANDS

OUTPUT_OPTIONS = ("out", "plots", "report")
"""Options naming something a command writes: a folder when their metavar is DIR, else a file;
in the order every command writes them."""


def _terminate(signum, frame) -> None:
    request_stop(signum)
    raise Terminated(signum)


def _interrupt(signum, frame) -> None:
    request_stop(signum)
    raise KeyboardInterrupt


def _quiet_after_stop(previous_hook, kinds: tuple[type[BaseException], ...] = (BaseException,)):
    """An exception hook (``sys.unraisablehook``, ``threading.excepthook``: both get the
    exception as ``exc_value``) that says nothing of an exception of *kinds* once a signal
    asked the run to stop, and passes the others to *previous_hook*. The run is ending, its
    outputs are cleaned, and the user asked for it. Used for

    * a stop a finalizer swallowed (Python would print "Exception ignored" and a traceback;
      the recorded request ends the run): kinds KeyboardInterrupt and Terminated;
    * background threads: stopping kills the process pool's workers, and its manager thread
      may then fail on their pipes (seen in CI as "Exception in thread Thread-1" over
      "servicehall: interrupted"): any kind."""

    def hook(args) -> None:
        if isinstance(args.exc_value, kinds) and stop_requested() is not None:
            return
        previous_hook(args)

    return hook


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block ends, then act on the first one.

    For imports: pydantic builds its validators in compiled code that turns an
    exception raised inside it (a KeyboardInterrupt) into a SchemaError, so a Ctrl-C
    while the modules load would surface as a traceback. Loading takes a second.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum, frame):
        received.append(signum)

    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            previous[signum] = signal.signal(signum, hold)
        except (ValueError, OSError):  # pragma: no cover
            pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received and not (received[0] == signal.SIGINT and previous.get(signal.SIGINT) is signal.SIG_IGN):
        raise stop_exception(received[0])


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


def check_outputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Raise OutputError now, before any long run, for an output that cannot be written, that
    would overwrite an input file named on the command line, or replace another output."""
    import os

    from sim.atomic import check_distinct_outputs, check_output_dir, check_output_file

    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    command = sub.choices.get(args.command) if sub is not None else None
    outputs: dict[str, tuple[str, str, bool]] = {}
    inputs: list[tuple[str, str]] = []
    for action in command._actions if command is not None else ():
        value = getattr(args, action.dest, None)
        option = max(action.option_strings, key=len) if action.option_strings else (action.metavar or action.dest)
        if action.dest in OUTPUT_OPTIONS and isinstance(value, str):
            folder = action.metavar == "DIR"
            (check_output_dir if folder else check_output_file)(value, option)
            outputs[action.dest] = (option, value, folder)
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item and os.path.exists(item):
                inputs.append((option, item))
    check_distinct_outputs([outputs[d] for d in OUTPUT_OPTIONS if d in outputs], inputs)


INTERRUPTED = (130, 143, 129)


def entry() -> None:
    """The ``servicehall`` program: :func:`main`, then exit with its status.

    After an interruption the process ends at once (``os._exit``, streams flushed):
    on Python 3.11 a process pool's manager thread can be left blocked reading a
    result that a killed worker never finished sending, and the interpreter's normal
    exit would wait for that thread forever. Outputs are already cleaned by then.
    """
    import os

    code = main()
    if code in INTERRUPTED:
        threading.excepthook = lambda args: None     # the pool's threads may still fail on dead workers
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    clear_stop_request()
    unraisable_hook, thread_hook = sys.unraisablehook, threading.excepthook
    sys.unraisablehook = _quiet_after_stop(unraisable_hook, (KeyboardInterrupt, Terminated))
    threading.excepthook = _quiet_after_stop(thread_hook)
    previous = {}
    handlers = {signal.SIGTERM: _terminate, signal.SIGHUP: _terminate}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with it ignored
        handlers[signal.SIGINT] = _interrupt
    for signum, handler in handlers.items():
        try:
            previous[signum] = signal.signal(signum, handler)
        except (ValueError, OSError):  # not the main thread: leave signals alone
            pass
    try:
        code = _main(argv)
        lost = stop_requested()  # a signal whose exception a finalizer swallowed
        if lost is not None:
            raise stop_exception(lost)
        return code
    except KeyboardInterrupt:
        print("servicehall: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"servicehall: terminated by {signal.Signals(exc.signum).name}", file=sys.stderr)
        return 128 + exc.signum
    finally:
        for signum, restored in previous.items():
            signal.signal(signum, restored)
        sys.unraisablehook, threading.excepthook = unraisable_hook, thread_hook
        clear_stop_request()


def _main(argv: list[str] | None) -> int:
    # Imported here, not at module level: a Ctrl-C while numpy, pandas or matplotlib
    # load is then an interruption like any other, not a traceback.
    with deferred_interrupts():
        from sim.atomic import commit_together

        from .errors import user_error_types

        argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
        command = _command(argv)
        parser = build_parser(command if command is not None else "")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad option (argparse printed why)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        check_outputs(parser, args)
        with commit_together():  # several outputs: all or none
            return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as exc:  # not an interruption: user_error_types() imports the optimizer (a second)
        if not isinstance(exc, user_error_types()):
            raise
        print(f"servicehall: error: {exc}", file=sys.stderr)
        return 2
