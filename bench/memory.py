"""Memory of about one million visit records of the reference hall, held or streamed.

First table: simulates enough days of scenarios/lanling.yaml for ~1,000,000 visits (all
cores) and reports the bytes of the raw ``Results.columns`` arrays, of the
``Results.visits`` DataFrame (``memory_usage(deep=True)``), and the peak memory that
Python's ``tracemalloc`` saw (NumPy and pandas buffers included) while assembling
``Results`` from the day records and while building the visits table.

Second table: the peak resident memory (max RSS) of a fresh process that writes the
same run to a folder, in memory (``sim.simulate`` + ``write_results``) or streamed
(``sim.stream.simulate_to_dir``), against one that only imports and loads the scenario.

Run: ``python3 bench/memory.py [--quick]`` (``--quick``: ~250,000 visits).
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

from common import REFERENCE_HALL, Goal, print_goals, print_table

import sim
from sim.model.compiled import compile_hall
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


def visits_per_day(scenario) -> float:
    """Visits a day of *scenario*, measured on a few days (one visitor may make several visits)."""
    return len(sim.simulate(scenario, replications=4, seed=99, progress=False).columns["visitor"]) / 4


def child(mode: str, days: int, out: str) -> None:
    """In a fresh process: run *mode* and print this process's peak RSS in bytes."""
    scenario = sim.load_scenario(REFERENCE_HALL)
    if mode == "memory":
        from sim.output import write_results

        write_results(sim.simulate(scenario, replications=days, seed=0, progress=False), out)
    elif mode == "stream":
        from sim.stream import simulate_to_dir

        simulate_to_dir(scenario, out, replications=days, seed=0, progress=False)
    print(peak_rss())


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    ``VmHWM`` of /proc/self/status where available: ``ru_maxrss`` would also count the
    parent's memory at the time of the fork that started this process.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def max_rss(mode: str, days: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, __file__, "--child", mode, str(days), str(Path(tmp) / "out")],
                              capture_output=True, text=True, check=True)
    return int(proc.stdout.split()[-1])


def main(quick: bool = False) -> list[Goal]:
    target_rows = 250_000 if quick else 1_000_000
    scenario = sim.load_scenario(REFERENCE_HALL)
    hall = compile_hall(scenario)
    days = math.ceil(target_rows / visits_per_day(scenario))
    # Simulate untraced (worker processes would inherit tracing); trace the assembly.
    records = run_records(hall, days, seed=0, progress=False)
    results, peak_assembly = traced(lambda: Results.from_records(hall, records, seed=0))
    records.clear()  # free the day records before the visits table is built
    raw = sum(a.nbytes for a in results.columns.values())
    visits, peak_visits = traced(lambda: results.visits)
    rows = len(visits)
    frame = int(visits.memory_usage(deep=True).sum())
    print_table(f"{rows:,} visit records ({days} days of the reference hall, {visits.shape[1]} columns)",
                ["what", "MB", "bytes / visit"], [
                    ["Results.columns (raw arrays)", f"{raw / MB:.1f}", f"{raw / rows:.1f}"],
                    ["Results.visits DataFrame (deep)", f"{frame / MB:.1f}", f"{frame / rows:.1f}"],
                    ["peak while assembling Results from day records (tracemalloc)", f"{peak_assembly / MB:.1f}",
                     f"{peak_assembly / rows:.1f}"],
                    ["peak while building visits (tracemalloc)", f"{peak_visits / MB:.1f}", f"{peak_visits / rows:.1f}"],
                ])
    visits = results = None  # free them before the next measurement

    base = max_rss("baseline", days)
    rss = {mode: max_rss(mode, days) for mode in ("memory", "stream")}
    print_table(f"Peak resident memory of a process writing the {days} days to a folder (visits.csv etc.)",
                ["process", "max RSS MB", "above baseline MB"],
                [["imports + scenario only (baseline)", f"{base / MB:.0f}", "0"]]
                + [[f"{'sim.simulate + write_results' if m == 'memory' else 'simulate_to_dir (streamed)'}",
                    f"{v / MB:.0f}", f"{(v - base) / MB:.0f}"] for m, v in rss.items()])

    per_million = frame / rows * 1_000_000
    return [Goal("1 million visit records in memory (visits DataFrame)", "≤ 300 MB",
                 f"{per_million / MB:.0f} MB per 10⁶ rows", per_million <= 300 * MB)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 250,000 visits instead of a million")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DAYS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
    else:
        print_goals(main(args.quick))
