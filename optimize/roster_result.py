"""The result of a roster optimisation, with tidy tables for ``roster.csv``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

__all__ = ["RosterResult", "Unmet"]


@dataclass(frozen=True)
class Unmet:
    """Requirement not covered: *shortfall* staff missing in *zone* at *period* ("HH:MM")."""

    zone: str
    period: str
    shortfall: int


@dataclass(frozen=True, eq=False)
class RosterResult:
    """A solved roster.

    *status*: ``optimal``, ``feasible`` (time limit hit with an incumbent),
    ``understaffed`` (best roster leaves requirements unmet, see *unmet*),
    ``infeasible`` (hard rules conflict, see *diagnosis*) or ``not solved``.
    *solver_status* is the solver's own verdict. *counts* maps
    (pattern, lunch start "HH:MM" or "", zone or pool) to staff; *on_duty* and
    *requirements* are DataFrames zone x period label; *pool_assignment* has
    index (pool, zone). *cost* excludes the shortfall penalty; *staff_hours*
    are paid hours.
    """

    status: str
    solver_status: str
    cost: float
    staff_hours: float
    counts: Mapping[tuple[str, str, str], int]
    on_duty: pd.DataFrame
    requirements: pd.DataFrame
    pool_assignment: pd.DataFrame
    unmet: tuple[Unmet, ...] = ()
    diagnosis: tuple[str, ...] = ()
    shift_times: Mapping[str, tuple[str, str]] | None = None
    lunch_minutes: Mapping[str, int] | None = None

    @property
    def headcount(self) -> int:
        """People rostered."""
        return sum(self.counts.values())

    @property
    def solved(self) -> bool:
        """True when a roster was found (possibly understaffed)."""
        return self.status in ("optimal", "feasible", "understaffed")

    def to_frame(self) -> pd.DataFrame:
        """One row per (pattern, lunch start, zone or pool) with staff > 0.

        Columns: ``pattern, start, end, lunch_start, lunch_minutes, zone_or_pool, staff``
        (``sim.staffing_plan.ROSTER_COLUMNS``: what ``simulate --staffing`` reads back).
        """
        from sim.staffing_plan import ROSTER_COLUMNS

        times, minutes = self.shift_times or {}, self.lunch_minutes or {}
        rows = [{"pattern": p, "start": times.get(p, ("", ""))[0],
                 "end": times.get(p, ("", ""))[1], "lunch_start": lunch,
                 "lunch_minutes": minutes.get(p, "") if lunch else "",
                 "zone_or_pool": group, "staff": n}
                for (p, lunch, group), n in self.counts.items() if n > 0]
        return pd.DataFrame(rows, columns=list(ROSTER_COLUMNS))

    def people(self, scenario) -> list[dict]:
        """The roster's people as scenario ``people`` entries (see ``sim.apply_people``), lunches
        where the roster put them; raises ScenarioError for pool rows (placed per period)."""
        from sim.staffing_plan import roster_people

        return roster_people(self.to_frame().to_dict("records"), scenario)

    def unmet_frame(self) -> pd.DataFrame:
        """Unmet requirements as a table: ``zone, period, shortfall``."""
        return pd.DataFrame([vars(u) for u in self.unmet],
                            columns=["zone", "period", "shortfall"])

    def summary(self) -> str:
        """A short human-readable account of the result."""
        if not self.solved:
            lines = [f"roster {self.status}"] + [f"  {d}" for d in self.diagnosis]
            return "\n".join(lines)
        lines = [f"roster {self.status}: {self.headcount} staff, cost {self.cost:g}, "
                 f"{self.staff_hours:g} paid hours"]
        lines += [f"  unmet: {u.zone} at {u.period} short by {u.shortfall}" for u in self.unmet]
        return "\n".join(lines)
