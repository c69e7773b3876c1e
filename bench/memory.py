"""Memory of about one million visit records of the reference hall.

Simulates enough days of scenarios/lanling.yaml for ~1,000,000 visits (all cores), then
reports the bytes of the raw ``Results.columns`` arrays, of the ``Results.visits``
DataFrame (``memory_usage(deep=True)``), and the peak memory that Python's
``tracemalloc`` saw (NumPy and pandas buffers included) while assembling ``Results``
from the day records and while building the visits table.

Run: ``python3 bench/memory.py [--quick]`` (``--quick``: ~250,000 visits).
"""

from __future__ import annotations

import argparse
import math
import tracemalloc

from common import REFERENCE_HALL, Goal, print_goals, print_table

import sim
from sim.model.plan import compile_plan
from sim.results import Results
from sim.runner import run_records

MB = 1e6


def traced(fn):
    """Run *fn* under tracemalloc: its value and peak traced bytes above the start."""
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        value = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return value, peak - start


def main(quick: bool = False) -> list[Goal]:
    target_rows = 250_000 if quick else 1_000_000
    scenario = sim.load_scenario(REFERENCE_HALL)
    plan = compile_plan(scenario)
    per_day = float(plan.rates.sum() * plan.period)  # expected visitors a day
    days = math.ceil(target_rows / per_day)
    # Simulate untraced (worker processes would inherit tracing); trace the assembly.
    records = run_records(plan, days, seed=0, progress=False)
    results, peak_sim = traced(lambda: Results.from_records(plan, records, seed=0))
    del records
    raw = sum(a.nbytes for a in results.columns.values())
    visits, peak_visits = traced(lambda: results.visits)
    rows = len(visits)
    frame = int(visits.memory_usage(deep=True).sum())
    table = [
        ["Results.columns (raw arrays)", f"{raw / MB:.1f}", f"{raw / rows:.1f}"],
        ["Results.visits DataFrame (deep)", f"{frame / MB:.1f}", f"{frame / rows:.1f}"],
        ["peak while assembling Results from day records (tracemalloc)", f"{peak_sim / MB:.1f}",
         f"{peak_sim / rows:.1f}"],
        ["peak while building visits (tracemalloc)", f"{peak_visits / MB:.1f}", f"{peak_visits / rows:.1f}"],
    ]
    print_table(f"{rows:,} visit records ({days} days of the reference hall)", ["what", "MB", "bytes / visit"], table)
    per_million = frame / rows * 1_000_000
    return [Goal("1 million visit records in memory (visits DataFrame)", "≤ 300 MB",
                 f"{per_million / MB:.0f} MB per 10⁶ rows", per_million <= 300 * MB)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 250,000 visits instead of a million")
    print_goals(main(parser.parse_args().quick))
