"""The reference hall (scenarios/lanling.yaml) on one core: seconds per replication-day.

Three measurements, interleaved over several rounds, median CPU seconds:

* event loop: ``sim.runner.run_replication`` for each day (draw visitors, simulate, record);
* ``sim.simulate(workers=1)``: the same plus assembling ``Results``;
* end to end: ``sim.simulate`` plus the five KPI summaries (overall, zone, service,
  period, zone × period) and the visits table, i.e. what ``servicehall simulate --out``
  computes before writing files.

``--profile`` also prints the top functions of a cProfile run of the event loop and
of the summaries (the figures quoted in bench/README.md).

Run: ``python3 bench/reference_hall.py [--quick] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

import numpy as np
from common import (
    END_TO_END,
    LOOP,
    REFERENCE_HALL,
    SIMULATE,
    Goal,
    engine_stages,
    interleaved,
    median,
    print_goals,
    print_table,
)

import sim
from sim.model.compiled import compile_hall
from sim.results import GROUPINGS


def profile(fn, title: str, top: int = 15) -> None:
    """Print the *top* functions of *fn* by own time, with their share of the total."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = stats.total_tt
    rows = []
    entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in entries:
        short = filename.split("site-packages/")[-1].replace(str(REFERENCE_HALL.parents[1]) + "/", "")
        rows.append([f"{short}:{line} {name}", f"{ncalls:,}", f"{tottime:.3f}", f"{tottime / total:.0%}",
                     f"{cumtime:.3f}", f"{cumtime / total:.0%}"])
    print_table(f"{title}: cProfile, {total:.2f} s in total (profiling slows everything down)",
                ["function", "calls", "own s", "own %", "cumulative s", "cum %"], rows)


def main(quick: bool = False, show_profile: bool = False) -> list[Goal]:
    scenario = sim.load_scenario(REFERENCE_HALL)
    hall = compile_hall(scenario)
    days = 10 if quick else 30
    rounds = 3 if quick else 5

    stages = engine_stages(hall, scenario, days)
    loop, simulate = stages[LOOP], stages[SIMULATE]
    first = loop(0)
    visits = sum(len(r.visitor) for r in first)  # one visitor may queue several times
    visitors = sum(len(np.unique(r.visitor)) for r in first)
    runs = interleaved(stages, rounds)
    rows = []
    per_day = {}
    for name, timings in runs.items():
        cpu = median([t.cpu for t in timings])
        wall = median([t.wall for t in timings])
        per_day[name] = cpu / days
        rows.append([name, f"{cpu / days:.4f}", f"{wall / days:.4f}", f"{visitors / cpu:,.0f}", f"{visits / cpu:,.0f}",
                     f"{cpu / median([t.cpu for t in runs[LOOP]]):.2f}"])
    print_table(f"{scenario.name}: {hall.n_zones} zones, {visitors / days:,.0f} visitors and {visits / days:,.0f} visits "
                f"(queues joined) a day, {days} days, median of {rounds} interleaved runs, one core",
                ["what", "CPU s / day", "wall s / day", "visitors / CPU s", "visits / CPU s", "÷ event loop"], rows)

    if show_profile:
        profile(lambda: loop(0), f"Event loop, {days} days of the reference hall")
        res = simulate(0)
        profile(lambda: [res.summary(by) for by in GROUPINGS], f"Five KPI summaries of {days} days")

    e2e = per_day[END_TO_END]
    return [Goal("reference hall, one day on one core (end to end)", "≤ 0.3 s", f"{e2e:.3f} s", e2e <= 0.3)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer days and repetitions")
    parser.add_argument("--profile", action="store_true", help="print cProfile top functions")
    args = parser.parse_args()
    print_goals(main(args.quick, args.profile))
