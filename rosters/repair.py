"""A closed loop for the week: roster, simulate every day, raise the requirement where the
target does not hold with confidence, roster again.

An analytic requirement (SIPP and friends) treats each zone and half hour as a
stationary queue; the simulated hall carries backlogs across periods and lunches,
pools zones and moves staff on alarm, so some cells miss. Each iteration simulates
the rostered people on a *loop* seed (never the verification's) and adds one
person to the requirement of every zone-period that is not confident
(``optimize.cell_estimates``), up to the zone's windows; cells already at their
windows are *stuck* - no roster can do more there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

import optimize
import sim
from rosters.result import WeeklyRoster
from rosters.solve import roster_week
from rosters.verify import day_scenario

__all__ = ["RepairResult", "roster_until_met"]


@dataclass(frozen=True, eq=False)
class RepairResult:
    """The final *roster*, its *requirements* (date -> zone x period), one row per
    iteration in *iterations*, and the *stuck* (date, zone, period) cells."""

    roster: WeeklyRoster
    requirements: dict
    iterations: pd.DataFrame
    stuck: tuple[tuple[str, str, str], ...]


def roster_until_met(calendar, staff, shifts, targets, requirements: dict[dt.date, pd.DataFrame], *,
                     max_iterations: int = 3, replications: int = 20, seed: int = 1000, workers=None,
                     **solve) -> RepairResult:
    """Roster, simulate and raise up to *max_iterations* times; see the module docstring.

    *requirements*: the starting requirement per open date (not modified). *seed*:
    day k of the loop uses ``seed + k``. *solve*: keywords for :func:`roster_week`.
    """
    targets = optimize.parse_targets(targets)
    need = {d: frame.copy() for d, frame in requirements.items()}
    rows, stuck = [], set()
    roster = roster_week(calendar, staff, shifts, need, **solve)
    for iteration in range(1, max_iterations + 1):
        failing, raised = 0, 0
        for k, d in enumerate(roster.problem.days):
            results = sim.simulate(day_scenario(roster, d.date), replications=replications, seed=seed + k,
                                   workers=workers)
            est = optimize.cell_estimates(results, targets)
            bad = est[(est["status"] != "exempt") & ~est["confident"]][["zone", "start"]].drop_duplicates()
            for zone, label in bad.itertuples(index=False):
                failing += 1
                frame = need[d.date]
                if frame.loc[zone, label] < d.windows[zone]:
                    frame.loc[zone, label] += 1
                    raised += 1
                else:
                    stuck.add((d.date.isoformat(), zone, label))
        rows.append({"iteration": iteration, "paid_hours": roster.paid_hours, "gap": roster.gap,
                     "failing": failing, "raised": raised, "stuck": len(stuck), "seconds": roster.seconds})
        if not raised:
            break
        roster = roster_week(calendar, staff, shifts, need, **solve)
    else:
        rows.append({"iteration": max_iterations + 1, "paid_hours": roster.paid_hours, "gap": roster.gap,
                     "failing": None, "raised": 0, "stuck": len(stuck), "seconds": roster.seconds})
    return RepairResult(roster, need, pd.DataFrame(rows), tuple(sorted(stuck)))
