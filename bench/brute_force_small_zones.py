"""The optimizer against a brute-force search over the simulated hall, for zones of 1-6 windows.

Issue goal: "zones of 1-6 windows get the same staffing as a brute-force search over the
simulated hall in at least 95% of zone-periods". The brute force, for every period p and
every level k = 0 .. 6: the hall staffed by the optimizer's per-period plan, except that
every small zone has min(k, windows) staff in period p; simulated on fresh days (seeds from
1000, never the optimizer's), the same days for every level (common random numbers). A
zone-period's brute-force staff is the smallest k whose estimate meets the target there
(zone-periods with almost no visitors are exempt and left out).

A brute force on 30 days is itself noisy: a small zone sees 2-10 visitors a half hour, and
two brute forces on different 30 days agree on only about 80% of zone-periods (measured on 2
Dec, see bench/README.md). So the search is sequential: a (period, level) is simulated on 30
more days, up to *max_days*, while some small zone's estimate there is within two standard
errors of the target (undecided). A zone-period whose deciding level is still undecided at
the end is a *tie*: both neighbouring answers are within the brute force's own noise; ties
are reported apart and counted as judged but not as agreeing unless the optimizer gives the
brute force's point answer. ``--twice`` runs a second brute force on other days (seeds from
5000) and reports how often the two agree: the reference's own precision.

``--diagnose`` adds, per small zone, the optimizer's zone model (raw and corrected) minus the
brute force at the plan's level and one staff below.

Run from the repository root: ``python3 bench/brute_force_small_zones.py`` (about 300-400 hall
simulations of 30 days, 8-10 minutes on 2 cores; ``--quick``: at most 60 days, optimizer on 15;
``--max-days 720``: about 680 simulations, 17 minutes a brute force).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

import numpy as np
from common import REFERENCE_HALL, Goal, machine, print_goals, print_table

import optimize
import sim
from optimize.verify import cell_estimates, simulate_plan

TARGET = "wait<=15@80%"
FRESH_SEED = 1000
SECOND_SEED = 5000
MAX_WINDOWS = 6
CHUNK = 30           # days per simulation
MAX_DAYS = 240       # days per (period, level) at most, by default
UNDECIDED_SE = 2.0   # an estimate within this many standard errors of the target is undecided


@dataclass
class Cell:
    """What the simulated days say of one small zone-period at one level: totals over chunks."""

    met: float = 0.0         # visits meeting the target (share x visits)
    visits: float = 0.0
    variance: float = 0.0    # of the met count (sum over chunks of (se x visits)^2)
    exempt: bool = False

    def add(self, row, days: int, quantile: float) -> None:
        n = float(row["visitors"]) * days
        self.exempt |= row["status"] == "exempt"
        if n <= 0 or not np.isfinite(row["achieved"]):
            return
        se = (row["high"] - row["low"]) / (2 * quantile) if np.isfinite(row["high"]) else 0.0
        self.met += row["achieved"] * n
        self.visits += n
        self.variance += (se * n) ** 2

    @property
    def share(self) -> float:
        return self.met / self.visits if self.visits > 0 else np.nan

    @property
    def se(self) -> float:
        return float(np.sqrt(self.variance)) / self.visits if self.visits > 0 else np.inf


@dataclass
class BruteForce:
    """The brute force's cells by (zone, period, level) and the days each level got."""

    cells: dict = field(default_factory=dict)
    days: dict = field(default_factory=dict)
    simulations: int = 0


def brute_force(scenario, plan, small, required: float, first_seed: int, max_days: int) -> BruteForce:
    from scipy import stats

    quantile = float(stats.t.ppf(0.975, CHUNK - 1))
    windows = {z: scenario.zone(z).windows for z in small}
    out = BruteForce()
    t0 = time.perf_counter()
    for period in plan.columns:
        levels = range(MAX_WINDOWS + 1)
        for chunk in range(max_days // CHUNK):
            todo = [k for k in levels if chunk == 0 or any(_undecided(out.cells[(z, period, k)], required)
                                                           for z in small if k <= windows[z])]
            for k in todo:
                trial = plan.copy()
                for z in small:
                    trial.loc[z, period] = min(k, windows[z])
                results = simulate_plan(scenario, trial, replications=CHUNK, seed=first_seed + chunk)
                estimates = cell_estimates(results, TARGET).set_index(["zone", "start"])
                out.simulations += 1
                out.days[(period, k)] = out.days.get((period, k), 0) + CHUNK
                for z in small:
                    out.cells.setdefault((z, period, k), Cell()).add(estimates.loc[(z, period)], CHUNK, quantile)
            if not todo:
                break
        print(f"  {period}: {sum(out.days.get((period, k), 0) for k in levels)} level-days "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return out


def _undecided(cell: Cell, required: float) -> bool:
    return cell.visits > 0 and abs(cell.share - required) < UNDECIDED_SE * cell.se


def answers(bf: BruteForce, scenario, small, periods, required: float) -> dict:
    """(zone, period) -> (brute-force staff, tie) for every zone-period not exempt."""
    out = {}
    for z in small:
        w = scenario.zone(z).windows
        for p in periods:
            cells = [bf.cells[(z, p, k)] for k in range(w + 1)]
            if cells[0].exempt:
                continue
            meets = [k for k in range(w + 1) if cells[k].share >= required - 1e-9]
            k = meets[0] if meets else w
            tie = _undecided(cells[k], required) or (k > 0 and _undecided(cells[k - 1], required))
            out[(z, p)] = (k, tie)
    return out


def diagnose(scenario, plan, small, periods, bf: BruteForce, seed: int, replications: int, adaptive_rounds: int) -> None:
    """Per small zone, how far the optimizer's zone model (raw and corrected) is from the brute
    force at the plan's level and one staff below: where a pessimistic model makes it keep
    one staff too many."""
    from optimize.calibrated_method import calibrated_staffing
    from optimize.exact_staffing import ZoneEvaluator

    targets = optimize.parse_targets(TARGET)
    name = str(targets[0])
    found = calibrated_staffing(scenario, targets, seed=seed, replications=replications, adaptive_rounds=adaptive_rounds)
    if not np.array_equal(found.plan.astype(int).to_numpy(), plan.to_numpy()):
        print("diagnose: calibrated_staffing gave another plan than optimize_staffing; skipped")
        return
    demand, zones = optimize.zone_demand(scenario), list(scenario.zone_ids)
    rows = []
    for z in small:
        d = demand[z]
        ev = ZoneEvaluator(list(d.rates), period_minutes=scenario.period_minutes, mean_service=d.mean_service,
                           targets=targets, windows=np.full(len(periods), scenario.zone(z).windows),
                           mean_patience=d.mean_patience, staff_decrease=scenario.staff_decrease)
        ev.correct({name: found.corrections[name][zones.index(z)]})
        errors = {0: ([], []), 1: ([], [])}       # steps below the plan -> (raw, corrected) errors
        base = plan.loc[z].to_numpy(dtype=int)
        for t, p in enumerate(periods):
            for step in (0, 1):
                cell = bf.cells.get((z, p, base[t] - step))
                if base[t] - step < 0 or cell is None or cell.exempt or cell.visits <= 0:
                    continue
                row = base.copy()
                row[t] -= step
                errors[step][0].append(ev.values(row)[0, t] - cell.share)
                errors[step][1].append(ev.corrected(row)[0, t] - cell.share)
        rows.append([z, f"{d.mean_patience:.0f}"] + [f"{np.mean(errors[s][k]):+.3f}" if errors[s][k] else "-"
                                                     for s in (0, 1) for k in (0, 1)])
    print_table("Zone model minus brute force (service level), mean over the zone's periods",
                ["zone", "patience", "raw at plan", "corrected at plan", "raw one below", "corrected one below"], rows)


def main(quick: bool = False, twice: bool = False, adaptive_rounds: int = 0, max_days: int | None = None,
         diagnosis: bool = False) -> list[Goal]:
    scenario = sim.load_scenario(REFERENCE_HALL)
    max_days = max_days or (60 if quick else MAX_DAYS)
    t0 = time.perf_counter()
    found = optimize.optimize_staffing(scenario, TARGET, seed=0, replications=15 if quick else 30, baselines=False,
                                       adaptive_rounds=adaptive_rounds)
    print(f"optimizer (calibrated, per period): {time.perf_counter() - t0:.0f} s, {found.staff_hours:.1f} staff-hours")
    plan = found.plan.astype(int)
    small = [z.id for z in scenario.zones if 1 <= z.windows <= MAX_WINDOWS and plan.loc[z.id].max() > 0]
    periods = list(plan.columns)
    required = optimize.parse_targets(TARGET)[0].required
    t0 = time.perf_counter()
    bf = brute_force(scenario, plan, small, required, FRESH_SEED, max_days)
    seconds = time.perf_counter() - t0
    brute = answers(bf, scenario, small, periods, required)
    rows, agree, above, below, ties, tie_agree = [], 0, 0, 0, 0, 0
    for z in small:
        mine_z = [(int(plan.loc[z, p]), brute[(z, p)]) for p in periods if (z, p) in brute]
        same = sum(m == b for m, (b, _) in mine_z)
        rows.append([z, scenario.zone(z).windows, len(mine_z), same, f"{same / max(len(mine_z), 1):.0%}",
                     sum(t for _, (_, t) in mine_z)])
        agree += same
        above += sum(m > b for m, (b, _) in mine_z)
        below += sum(m < b for m, (b, _) in mine_z)
        ties += sum(t for _, (_, t) in mine_z)
        tie_agree += sum(t and m == b for m, (b, t) in mine_z)
    judged = len(brute)
    print_table("Optimizer vs brute force, zones of 1-6 windows",
                ["zone", "windows", "zone-periods", "same", "share", "ties"], rows)
    share = agree / max(judged, 1)
    clear = judged - ties
    clear_share = (agree - tie_agree) / max(clear, 1)
    print(f"same staff in {agree} of {judged} zone-periods ({share:.1%}); optimizer above the brute force in "
          f"{above}, below in {below}; {ties} ties (the deciding level within {UNDECIDED_SE:g} standard errors "
          f"of the target after {max_days} days); outside the ties {agree - tie_agree} of {clear} "
          f"({clear_share:.1%}); {bf.simulations} simulations of {CHUNK} days in {seconds:.0f} s")
    goals = [Goal("zones of 1-6 windows: same staffing as brute force", ">= 95% of zone-periods", f"{share:.1%}",
                  share >= 0.95)]
    if diagnosis:
        diagnose(scenario, plan, small, periods, bf, 0, 15 if quick else 30, adaptive_rounds)
    if twice:
        other = answers(brute_force(scenario, plan, small, required, SECOND_SEED, max_days), scenario, small,
                        periods, required)
        both = [c for c in brute if c in other]     # exempt on either days: left out
        same = sum(other[c][0] == brute[c][0] for c in both)
        print(f"two brute forces on different days agree in {same} of {len(both)} zone-periods "
              f"({same / max(len(both), 1):.1%})")
        clear = [c for c in both if not brute[c][1] and not other[c][1]]     # a tie in neither
        print(f"  outside the ties of either: {sum(other[c][0] == brute[c][0] for c in clear)} of {len(clear)}; "
              f"{sum(t for _, t in other.values())} ties in the second")
        mine = sum(int(plan.loc[z, p]) == other[(z, p)][0] for z, p in other)
        print(f"the optimizer agrees with the second in {mine} of {len(other)} ({mine / max(len(other), 1):.1%})")
    return goals


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="at most 60 days per level, optimizer on 15")
    parser.add_argument("--twice", action="store_true", help="a second brute force on other days: its own precision")
    parser.add_argument("--adaptive-rounds", type=int, default=0, help="the optimizer's adaptive stage (default 0)")
    parser.add_argument("--diagnose", action="store_true",
                        help="also the zone models' error against the brute force, at the plan and one below")
    parser.add_argument("--max-days", type=int, default=None,
                        help=f"days per (period, level) at most, in chunks of {CHUNK} (default {MAX_DAYS}; "
                             "more: a more precise reference, fewer ties)")
    args = parser.parse_args()
    if args.max_days is not None and (args.max_days < CHUNK or args.max_days % CHUNK):
        parser.error(f"--max-days: a multiple of {CHUNK}, got {args.max_days}")
    print(f"Machine: {machine()}\n")
    print_goals(main(args.quick, args.twice, args.adaptive_rounds, args.max_days, args.diagnose), "Brute force")
