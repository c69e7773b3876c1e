"""Layout search on the reference hall: candidates screened and optimized, time on this machine.

Run from the repository root: ``python3 bench/layout_search.py`` (``--quick`` for 8 days per
evaluation and one candidate). Zones pool by floor (Lanling's services have no categories);
generalists are 15% slower. Prints the screen's size and time, the optimized candidates (the
Pareto table quoted in the README) and the time in simulation-equivalents (30 days of the hall
simulated, timed in this run).
"""

from __future__ import annotations

import argparse
import time

from common import REFERENCE_HALL, Goal, machine, print_goals, print_table

TARGET = "wait<=15@80%"


def main(quick: bool = False, margin: float | None = None) -> list[Goal]:
    import planning
    import sim

    scenario = sim.load_scenario(REFERENCE_HALL)
    days = 8 if quick else 30
    t0 = time.perf_counter()
    sim.simulate(scenario, replications=30, seed=0)
    equivalent = time.perf_counter() - t0
    print(f"one simulation-equivalent (30 days of the hall): {equivalent:.2f} s\n")

    t0 = time.perf_counter()
    search = planning.search_layouts(scenario, TARGET, pool_by="floor", speed=1.15, top=1 if quick else 3, margin=margin,
                                     replications=days, seed=0, progress=True)
    total = time.perf_counter() - t0
    print(f"screen: {search.covered:,} layouts covered ({'exactly' if search.exact else 'greedily in part'}), "
          f"{search.blocks_scored} pooled-zone evaluations, {len(search.screened)} kept, "
          f"{search.seconds['screen']:.1f} s")
    print(f"optimized and simulated: {len(search.simulated)} candidates, {search.seconds['simulate']:.1f} s "
          f"({search.seconds['simulate'] / len(search.simulated):.1f} s each); {days} days per evaluation\n")
    frame = search.table()
    frame["layout"] = [p.replace(";", "; ") if p else "departmental" for p in search.simulated["pools"]]
    print_table(f"Layouts of the reference hall ({TARGET}, pooling by floor, speed 1.15)",
                list(frame.columns), frame.to_numpy().tolist())
    return [Goal("layout search on the reference hall", "reported", f"{total:.0f} s, "
                 f"{total / equivalent:.1f} simulation-equivalents", True)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 days per evaluation, one candidate")
    parser.add_argument("--margin", type=float, default=None,
                        help="the calibrated method's safety in every candidate (default: the layout search's, 1)")
    args = parser.parse_args()
    print(f"Machine: {machine()}\n")
    print_goals(main(args.quick, args.margin), "Layout search")
