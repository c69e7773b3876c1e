"""100 replications of the reference hall with 1, 2 and all-core worker pools (and Dask).

Wall-clock time of ``sim.simulate(..., workers=W)`` (process pool started inside, as a
user would see it) and of the five KPI summaries that follow, median over interleaved
rounds; speed-up against ``workers=1``; CPU seconds of this process and its pool
workers (not for Dask, whose workers are not children of this process until the
cluster closes), which show how much work was done whatever the wall time. With Dask installed, the same run on a local
Dask cluster of one single-threaded worker process per core (``executor=``; the
cluster's start-up is not timed). Every configuration must give the same numbers:
the script checks that the summaries are identical.

Run: ``python3 bench/workers.py [--quick] [--no-dask]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import time

import pandas as pd
from common import REFERENCE_HALL, Goal, cores, interleaved, median, print_goals, print_table

import sim
from sim.results import GROUPINGS

REPLICATIONS = 100


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(scenario, workers=None, executor=None) -> tuple[float, float, pd.DataFrame, float]:
    """Seconds to simulate, seconds for the summaries, the zone summary, CPU seconds to simulate."""
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    res = sim.simulate(scenario, replications=REPLICATIONS, seed=0, workers=workers, executor=executor, progress=False)
    t1 = time.perf_counter()
    c1 = cpu_seconds()
    summaries = [res.summary(by) for by in GROUPINGS]
    return t1 - t0, time.perf_counter() - t1, summaries[1], c1 - c0


@contextlib.contextmanager
def dask_executor(n: int):
    """A local Dask cluster of *n* single-threaded worker processes, or None without Dask."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        yield None
        return
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, Client(cluster) as client:
        yield client.get_executor()


def main(quick: bool = False, use_dask: bool = True) -> list[Goal]:
    scenario = sim.load_scenario(REFERENCE_HALL)
    rounds = 2 if quick else 3
    load_before = os.getloadavg()[0]
    n = cores()
    configs = {"workers=1": dict(workers=1), "workers=2": dict(workers=2)}
    if n not in (1, 2):
        configs[f"workers={n} (all cores)"] = dict(workers=n)
    with contextlib.ExitStack() as stack:
        if use_dask:
            executor = stack.enter_context(dask_executor(n))
            if executor is not None:
                run(scenario, executor=executor)  # warm the workers (imports)
                configs[f"Dask LocalCluster, {n} processes"] = dict(executor=executor)
        runs = interleaved({name: (lambda _, kw=kw: run(scenario, **kw)) for name, kw in configs.items()}, rounds)

    load_after = os.getloadavg()[0]
    reference = runs["workers=1"][0].value[2]
    base = median([t.value[0] for t in runs["workers=1"]])
    rows = []
    wall = {}
    for name, timings in runs.items():
        sim_s = median([t.value[0] for t in timings])
        kpi_s = median([t.value[1] for t in timings])
        same = all(t.value[2].equals(reference) for t in timings)
        wall[name] = sim_s + kpi_s
        cpu = "-" if "Dask" in name else f"{median([t.value[3] for t in timings]):.2f}"
        rows.append([name, f"{sim_s:.2f}", f"{base / sim_s:.2f}", cpu, f"{kpi_s:.2f}", f"{sim_s + kpi_s:.2f}",
                     "yes" if same else "NO"])
    print_table(f"{REPLICATIONS} replications of the reference hall, {n} cores: median wall seconds of {rounds} "
                f"interleaved rounds (load average {load_before:.1f} before, {load_after:.1f} after: other jobs "
                "on the machine lower the speed-up)",
                ["configuration", "simulate s", "speed-up", "simulate CPU s", "5 summaries s", "total s", "same results"],
                rows)
    two = wall["workers=2"]
    return [Goal(f"{REPLICATIONS} replications on 2 cores (simulate + summaries)", "≤ 20 s", f"{two:.2f} s", two <= 20)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--no-dask", dest="dask", action="store_false", help="skip the Dask cluster")
    args = parser.parse_args()
    print_goals(main(args.quick, args.dask))
