"""Run every benchmark, print its tables, then one table of the goals of issue 6.

Run from the repository root: ``python3 bench/run_all.py`` (about 3 minutes on 2
cores; ``--quick`` for a rougher pass in about a minute, ``--no-dask`` to skip the
Dask cluster, ``--profile`` to add the cProfile tables of the reference hall,
``--optimizer`` to add the staffing optimizer's benchmark).
"""

from __future__ import annotations

import argparse
import time

import engine_vs_simpy
import memory
import reference_hall
import workers
from common import machine, print_goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a smaller memory run")
    parser.add_argument("--no-dask", dest="dask", action="store_false", help="skip the Dask cluster")
    parser.add_argument("--profile", action="store_true", help="cProfile tables of the reference hall")
    parser.add_argument("--optimizer", action="store_true", help="also bench/optimizer.py (1.5-2 more minutes)")
    args = parser.parse_args()

    print(f"Machine: {machine()}\n")
    goals = []
    started = time.perf_counter()
    steps = (
        ("engine_vs_simpy.py", lambda: engine_vs_simpy.main(args.quick)),
        ("reference_hall.py", lambda: reference_hall.main(args.quick, args.profile)),
        ("workers.py", lambda: workers.main(args.quick, args.dask)),
        ("memory.py", lambda: memory.main(args.quick)),
    )
    if args.optimizer:
        import optimizer

        steps += (("optimizer.py", lambda: optimizer.main(args.quick)),)
    for name, run in steps:
        print(f"=== bench/{name} ===\n")
        t0 = time.perf_counter()
        goals += run()
        print(f"({time.perf_counter() - t0:.0f} s)\n")
    print_goals(goals, f"Goals of issue 6 (all benchmarks in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
