"""Shared helpers for the benchmark scripts: timing, tables, goals, machine description.

Every script in ``bench/`` has a ``main(quick=False) -> list[Goal]`` that prints its
tables and returns the goals it measured; ``run_all.py`` calls them in turn.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python3 bench/x.py` without an installed package
    sys.path.insert(0, str(ROOT))

from servicehall.cli.tables import render_table  # noqa: E402

REFERENCE_HALL = ROOT / "scenarios" / "lanling.yaml"

LOOP, SIMULATE, END_TO_END = "event loop (run_replication)", "sim.simulate(workers=1)", "simulate + 5 summaries + visits"


def engine_stages(hall, scenario, days: int) -> dict[str, Callable]:
    """Three timed steps of *days* days, serial: the event loop alone (``run_replication``),
    ``sim.simulate``, and ``sim.simulate`` plus every KPI summary and the visits table.
    Each takes one ignored argument, as ``interleaved`` calls it."""
    import sim
    from sim.results import GROUPINGS
    from sim.runner import run_replication

    def loop(_):
        return [run_replication(hall, 0, r) for r in range(days)]

    def simulate(_):
        return sim.simulate(scenario, replications=days, seed=0, workers=1)

    def end_to_end(_):
        res = simulate(_)
        for by in GROUPINGS:
            res.summary(by)
        return res.visits

    return {LOOP: loop, SIMULATE: simulate, END_TO_END: end_to_end}


@dataclass(frozen=True)
class Goal:
    """A target from issue 6 and what was measured against it."""

    name: str
    target: str
    measured: str
    met: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.met else "MISS"


@dataclass(frozen=True)
class Timing:
    """One timed run: wall-clock and CPU seconds of this process, and what it returned."""

    wall: float
    cpu: float
    value: Any


def time_once(fn: Callable[[], Any]) -> Timing:
    """Run *fn* once after a full garbage collection, so runs start alike."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    c1, w1 = time.process_time(), time.perf_counter()
    return Timing(w1 - w0, c1 - c0, value)


def interleaved(fns: dict[str, Callable[[int], Any]], rounds: int) -> dict[str, list[Timing]]:
    """Time each of *fns* once per round, in turn, for *rounds* rounds.

    Alternating the contenders spreads any change in machine load (other jobs on a
    shared machine) over all of them; each function receives the round number.
    """
    out: dict[str, list[Timing]] = {name: [] for name in fns}
    for r in range(rounds):
        for name, fn in fns.items():
            out[name].append(time_once(lambda fn=fn, r=r: fn(r)))
    return out


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    print(render_table(headers, [[str(c) for c in r] for r in rows], title))
    print()


def print_goals(goals: Sequence[Goal], title: str = "Goals") -> None:
    print_table(title, ["goal", "target", "measured", "verdict"],
                [[g.name, g.target, g.measured, g.verdict] for g in goals])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def machine() -> str:
    """One line: CPU model, cores, Python and key library versions."""
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    import numpy
    import pandas
    import simpy
    return (f"{model}, {cores()} cores available; Python {platform.python_version()}, "
            f"SimPy {simpy.__version__}, NumPy {numpy.__version__}, pandas {pandas.__version__}")


def us(seconds: float) -> str:
    """Seconds as microseconds, for per-visitor costs."""
    return f"{seconds * 1e6:.2f} µs"
