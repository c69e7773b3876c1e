"""``--plots DIR`` and ``--report FILE``: PNG plots and the HTML report of a run.

Shared by ``simulate`` and ``compare`` so each command adds two lines. Plotting
modules load only when asked for (matplotlib is slow to import).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from . import deferred_interrupts
from .errors import UserError


def add_visual_options(parser: argparse.ArgumentParser) -> None:
    """--plots DIR, --report FILE and --lang of the report."""
    parser.add_argument("--plots", metavar="DIR", help="write the plots as PNG files into DIR")
    parser.add_argument("--report", metavar="FILE",
                        help="write a self-contained HTML report (scenario, KPIs, plots, assumptions) to FILE")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the --report: en (English, default) or zh (简体中文)")


def write_visuals(args: argparse.Namespace, results=None, comparison=None, target: Optional[float] = None) -> list[Path]:
    """Write what ``--plots``/``--report`` asked for, for *results* or *comparison*; returns the paths."""
    written: list[Path] = []
    if getattr(args, "plots", None):
        with deferred_interrupts():  # matplotlib loads here
            from sim.plots import save_comparison_plots, save_plots

        with writing("--plots", args.plots):
            if comparison is not None:
                written += save_comparison_plots(comparison, args.plots, target)
            else:
                written += save_plots(results, args.plots, target)
    if getattr(args, "report", None):
        with deferred_interrupts():
            from sim.report import write_comparison_report, write_report

        with writing("--report", args.report):
            if comparison is not None:
                written.append(write_comparison_report(comparison, args.report, target, args.lang))
            else:
                written.append(write_report(results, args.report, target, args.lang))
    return written


@contextlib.contextmanager
def writing(option: str, where: str) -> Iterator[None]:
    """Report an unwritable *where* as the user's problem with *option* (exit 2), not a crash."""
    try:
        yield
    except OSError as exc:
        raise UserError(f"{option}: cannot write {where}: {exc.strerror or exc}") from None
