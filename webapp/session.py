"""The hall being edited: its scenario, the staffing grid, lunch rules, runs and baseline.

One :class:`HallSession` per opened hall. The grid is ``{zone: [staff per period]}``
of whole numbers; the scenario that runs is the loaded one with the grid applied
(``sim.apply_staffing``), so everything the engine checks is checked again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

import sim
from sim import format_clock

from .lunch import LunchRule, apply_lunch


@dataclass(frozen=True)
class Run:
    """One finished simulation and the grid it ran with."""

    results: sim.Results
    staffing: dict
    seconds: float
    finished: float = field(default_factory=time.time)
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # payloads built once per run

    @property
    def settings(self) -> tuple[int, int]:
        return self.results.replications, self.results.seed


class HallSession:
    """The state of one opened hall (one scenario) in the app.

    *scenario* is the validated scenario as loaded; *source* a label (bundled file
    name or uploaded file name) shown to the user.
    """

    def __init__(self, scenario: sim.Scenario, source: str):
        self.scenario = scenario
        self.source = source
        # Shift-based (people) staffing averages to fractions; the grid holds whole staff.
        self.original = {z.id: [int(round(v)) for v in scenario.staff_per_period(z.id)] for z in scenario.zones}
        self.staffing = {z: list(v) for z, v in self.original.items()}
        self.lunch_rules: dict[str, LunchRule] = {}
        self.last: Optional[Run] = None
        self.baseline: Optional[Run] = None
        self.optimized = None  # the last optimize.StaffingResult
        self._cache: tuple[tuple, sim.Scenario] | None = None

    # -- the grid ---------------------------------------------------------------------
    @property
    def periods(self) -> list[str]:
        return [format_clock(s) for s in self.scenario.period_starts]

    def current_scenario(self) -> sim.Scenario:
        """The loaded scenario staffed by the grid (validated by ``sim.apply_staffing``)."""
        key = tuple((z, tuple(v)) for z, v in self.staffing.items())
        if self._cache is None or self._cache[0] != key:
            if self.staffing == self.original:
                scenario = self.scenario  # as loaded: shifts (people) stay shifts until the grid is edited
            else:
                scenario = sim.apply_staffing(self.scenario, self.staffing)
            self._cache = (key, scenario)
        return self._cache[1]

    def check_cells(self, grid: dict) -> list[tuple[str, str]]:
        """Problems ``(field path, message)`` of a proposed grid; the path is ``ZONE@HH:MM``."""
        problems = []
        zones = {z.id: z for z in self.scenario.zones}
        periods = self.periods
        for zone, row in grid.items():
            if zone not in zones:
                problems.append((str(zone), f"unknown zone; known zones: {', '.join(zones)}"))
                continue
            if not isinstance(row, list) or len(row) != len(periods):
                problems.append((zone, f"needs {len(periods)} values, one per period"))
                continue
            for k, v in enumerate(row):
                if not (isinstance(v, int) and not isinstance(v, bool)) or v < 0:
                    problems.append((f"{zone}@{periods[k]}", f"must be a whole number >= 0, got {v!r}"))
                elif v > zones[zone].windows:
                    problems.append((f"{zone}@{periods[k]}", f"exceeds the zone's {zones[zone].windows} windows, "
                                                              f"got {v}"))
        return problems

    def set_grid(self, grid: dict) -> list[tuple[str, str]]:
        """Replace the rows of *grid* (``{zone: [staff per period]}``) when all are valid;
        returns the problems (nothing changes when there are any)."""
        problems = self.check_cells(grid)
        if not problems:
            for zone, row in grid.items():
                self.staffing[zone] = list(row)
        return problems

    def apply_lunch(self, zones: list[str], rule: LunchRule) -> None:
        """Apply *rule* to the rows of *zones* (all or none: LunchRuleError names the zone)."""
        rows = {z: apply_lunch(self.staffing[z], rule, self.scenario, zone=z) for z in zones}
        for z, row in rows.items():
            self.staffing[z] = row
            self.lunch_rules[z] = rule

    def reset(self) -> None:
        self.staffing = {z: list(v) for z, v in self.original.items()}
        self.lunch_rules = {}

    def staff_hours(self, grid: Optional[dict] = None) -> float:
        grid = self.staffing if grid is None else grid
        return sum(sum(row) for row in grid.values()) * self.scenario.period_minutes / 60.0

    @property
    def stale(self) -> bool:
        """True when the grid differs from the one of the last run."""
        return self.last is not None and self.last.staffing != self.staffing

    # -- runs -----------------------------------------------------------------------------
    def record(self, run: Run) -> Run:
        """Keep a finished run; the first run of a hall becomes its baseline."""
        self.last = run
        if self.baseline is None:
            self.baseline = run
        return run

    def save_baseline(self) -> Run:
        if self.last is None:
            raise LookupError("no run yet")
        self.baseline = self.last
        return self.baseline
