"""Options shared by the commands that run simulations."""

from __future__ import annotations

import argparse
import math

MAX_REPLICATIONS = 1_000_000
MAX_SEED = 2**63 - 1


def _whole_number(text: str, minimum: int, maximum: int = MAX_SEED) -> int:
    text = text.strip()
    if not (text.isascii() and text.lstrip("+-").isdigit()) or len(text) > 30:
        # int() would take "1_0" as 10, a full-width "２" as 2 and a 10,000-digit number as a number.
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text[:40]!r}")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"must be <= {maximum:,}, got {value}")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def at_least_two(text: str) -> int:
    """Replications that must give an interval (a verdict from one day would be a guess)."""
    value = _whole_number(text, 1, MAX_REPLICATIONS)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be >= 2: one replication gives no interval, so no verdict; got {value}")
    return value


WORKERS_PER_CORE = 4


def workers(text: str) -> int:
    """Local worker processes: at most four per core (more only add memory and start-up time)."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    value = _whole_number(text, 1)
    if value > WORKERS_PER_CORE * cores:
        raise argparse.ArgumentTypeError(
            f"must be <= {WORKERS_PER_CORE * cores} ({WORKERS_PER_CORE} per core on this machine's {cores}), got {value}")
    return value


def replications(text: str) -> int:
    return _whole_number(text, 1, MAX_REPLICATIONS)


def nonneg_int(text: str) -> int:
    return _whole_number(text, 0)


def int_within(minimum: int, maximum: int):
    """An option's type: a whole number from *minimum* to *maximum*."""
    def parse(text: str) -> int:
        return _whole_number(text, minimum, maximum)

    parse.__name__ = f"whole number {minimum}..{maximum}"
    return parse


def nonneg_float(text: str) -> float:
    try:
        if "_" in text or not text.isascii():
            raise ValueError(text)  # float() would read 1_0 as 10 and a full-width "２" as 2
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text[:40]!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text[:40]!r}")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """--replications, --seed, --workers, --target, --json, --executor."""
    parser.add_argument("--replications", "-n", type=replications, default=30, help="independent days to simulate (default 30)")
    parser.add_argument("--seed", type=nonneg_int, default=0, help="random seed (default 0)")
    parser.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--target", type=nonneg_float, default=None, metavar="MINUTES",
                        help="service-level target wait in minutes (default: the scenario's target_wait)")
    parser.add_argument("--json", action="store_true", help="print results as JSON on stdout")
    parser.add_argument("--executor", default=None, metavar="ADDRESS",
                        help="run replications on a Dask scheduler, e.g. dask://127.0.0.1:8786")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar (default: only when stderr is a terminal)")


def scenario_targets(args: argparse.Namespace, scenario):
    """The targets of ``--target``, or ``wait<=TARGET_WAIT@80%`` from *scenario*'s ``target_wait``.

    Raises UserError naming ``--target`` or the scenario's field for a target that cannot be read.
    """
    import optimize

    from .errors import UserError

    text = args.target if args.target is not None else f"wait<={scenario.target_wait:g}@80%"
    try:
        return optimize.parse_targets(text)
    except optimize.TargetError as exc:
        raise UserError(f"--target: {exc}" if args.target is not None else f"{args.scenario}: target_wait: {exc}") from None


def check_queue_models(args: argparse.Namespace, scenario) -> None:
    """Raise UserError when the queue models of ``optimize`` cannot describe *scenario*: a
    service or bundle whose mean patience is 0 (nobody waits at all) makes its zone a loss
    system, which M/M/s+M models with a positive patience cannot be; the simulation can."""
    from .errors import UserError

    zero = [f"{kind}[{item.id}].patience" for kind, items in (("services", scenario.services),
                                                            ("bundles", scenario.bundles))
            for item in items if item.patience is not None and item.patience.mean == 0]
    if zero:
        raise UserError(f"{args.scenario}: {zero[0]}: the optimizer's queue models need a mean patience "
                        f"above 0 minutes (or none), got 0" + (f"; also {', '.join(zero[1:])}" if zero[1:] else ""))


def scenario_shifts(args: argparse.Namespace, scenario):
    """The shift patterns of ``--shifts`` on *scenario*'s period grid and zones, or None without it."""
    if not args.shifts:
        return None
    import optimize

    grid = (scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    return optimize.load_shift_file(args.shifts, grid=grid, zones=scenario.zone_ids)
