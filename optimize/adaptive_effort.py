"""Adaptive effort: more simulated days only where a staffing decision is close.

When the calibrated search has settled, most zone-periods are decided with room to spare:
one staff fewer would miss the target by far more than the noise of the search's days. A
few are not. There the answer rests on the exact model's error *one staff below* the plan,
which the search never observed (its corrections are measured at the plan's own level, and
the model's pessimism about services less variable than exponential grows with the queue).
Those zone-periods - and only those - are simulated one staff lower, directly:

1. **Close cells** (:func:`close_cells`): a zone-period with visitors, above its floor and
   within reach, whose corrected model one staff lower misses by less than
   :data:`CLOSE_SE` standard errors of a search simulation's estimate there (or passes).
2. **Probes, sequentially** (:func:`probe_close_cells`): the plan with the close cells of
   even periods one lower is simulated on fresh days, then the odd ones (a probed cell's
   neighbours stay at the plan, as when the plan was searched). A cell's evidence pools
   over rounds (ratio of totals over all its days); it is probed again in the next round
   only while its pooled estimate is within :data:`DECIDED_SE` standard errors of the
   target, for at most *rounds* rounds. Cells decided early stop costing anything.
3. **Decision**: the evidence corrects the cell's model *at the lower level*: the change
   it shows (pooled estimate - the model's value under the probe - the search's
   correction) is shrunk per zone towards the zone's common change, as the search's own
   corrections are (:meth:`AdaptiveEvidence.correction_table`); every other level keeps
   the search's correction. A close cell whose corrected model then passes one lower gets
   one fewer where every model still passes with nothing else raised (with shifts, the
   lean roster is made again); one whose evidence misses keeps the plan's staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from optimize.model_correction import Correction, shrink
from optimize.verify import cell_estimates, simulate_plan

__all__ = ["CLOSE_SE", "DECIDED_SE", "AdaptiveEvidence", "close_cells", "lowerable_cells", "parity_probes",
           "probe_close_cells"]

CLOSE_SE = 3.0
"""A cell is close when one staff fewer misses by less than this many standard errors of a
search simulation's estimate there (the model's error one level down is of that order)."""
DECIDED_SE = 2.0
"""A probed cell is decided once its pooled estimate is this many standard errors from the target."""


@dataclass
class _Pooled:
    """One cell's evidence at one staff level for one target, over probe rounds: totals
    weighted by the visits of each round (a ratio of totals), and its variance."""

    value: float = 0.0          # sum of n * estimate
    residual: float = 0.0       # sum of n * (estimate - model value under that probe)
    visits: float = 0.0         # sum of n (visitors a day x days)
    variance: float = 0.0       # sum of (n * standard error)^2

    def add(self, estimate: float, model: float, se: float, n: float) -> None:
        self.value += n * estimate
        self.residual += n * (estimate - model)
        self.visits += n
        self.variance += (n * se) ** 2

    @property
    def estimate(self) -> float:
        return self.value / self.visits

    @property
    def delta(self) -> float:
        return self.residual / self.visits

    @property
    def se(self) -> float:
        return float(np.sqrt(self.variance)) / self.visits


@dataclass
class AdaptiveEvidence:
    """What the probes found: per (target text, zone index, period, staff level) the pooled
    evidence; *simulations* run; *probes*: each probe plan with its estimates (every other
    cell of it is one more observation at its plan level)."""

    cells: dict = field(default_factory=dict)
    simulations: int = 0
    probes: list = field(default_factory=list)      # (probe plan, its cell_estimates) per simulation

    def undecided(self, targets, z: int, t: int, level: int) -> bool:
        """Is some target's pooled estimate within DECIDED_SE standard errors of its target?"""
        for target in targets:
            got = self.cells.get((str(target), z, t, level))
            if got is not None and got.visits > 0 and \
                    abs(got.estimate - target.spec.required(target)) < DECIDED_SE * got.se:
                return True
        return False

    def correction_table(self, base: Correction, levels: int) -> Correction:
        """*base* (the search's correction, zones x periods) at every level 0 .. *levels* - 1;
        at each probed cell's probed level, *base* plus the change its own evidence shows,
        shrunk per zone and target towards the zone's common change (:func:`shrink`: zero
        unless it stands out of its noise, and a cell keeps its own change only as far as the
        cells differ beyond their noise). So where the exact model is right one staff lower
        too, the probes' noise mostly cancels; where it is biased there, the bias is measured
        on every close cell of the zone together."""
        delta, sd = {}, {}
        for name in base.delta:
            delta[name] = np.repeat(np.asarray(base.delta[name], dtype=float)[:, :, None], levels, axis=2)
            sd[name] = np.repeat(np.asarray(base.sd[name], dtype=float)[:, :, None], levels, axis=2)
        by_zone: dict[tuple[str, int], list] = {}
        for (name, z, t, level), got in self.cells.items():
            if got.visits > 0 and 0 <= level < levels:
                by_zone.setdefault((name, z), []).append((t, level, got))
        for (name, z), cells in by_zone.items():
            T = delta[name].shape[1]
            obs, var = np.full(T, np.nan), np.full(T, np.nan)
            for t, _, got in cells:
                obs[t] = got.delta - delta[name][z, t, 0]
                var[t] = max(got.se, 1e-6) ** 2 + sd[name][z, t, 0] ** 2
            change, spread, _, _ = shrink(obs, var)
            for t, level, _ in cells:
                delta[name][z, t, level] += change[t]
                sd[name][z, t, level] = np.hypot(sd[name][z, t, level], spread[t])
        return Correction(delta, sd)


def _standard_errors(estimates, targets, zones, labels, replications: int, confidence: float) -> dict:
    """(target text, zone index, period) -> (estimate, standard error, visitors a day) of one
    simulation's estimates (``cell_estimates``), for the cells that are not exempt."""
    quantile = float(stats.t.ppf(0.5 + confidence / 2, replications - 1))
    zone_index = {zone: z for z, zone in enumerate(zones)}
    period = {label: t for t, label in enumerate(labels)}
    out = {}
    for row in estimates.itertuples(index=False):
        if row.status == "exempt" or not np.isfinite(row.achieved) or not np.isfinite(row.high):
            continue
        out[(row.target, zone_index[row.zone], period[row.start])] = (
            float(row.achieved), float(row.high - row.low) / (2 * quantile), float(row.visitors))
    return out


def lowerable_cells(models, plan: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Zones x periods: the cells that could take one staff fewer (above their floor, with
    visitors, within reach)."""
    cells = (plan > floor) & (models.rates > 0)
    for z, late in models.out_of_reach.items():
        cells[z, list(late)] = False
    return cells


def parity_probes(plan: np.ndarray, cells: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(parity, cells lowered, probe plan) for the *cells* of even periods, then of odd ones,
    each one staff lower (a lowered cell's neighbours keep the plan's staff); empty parities
    left out."""
    out = []
    for parity in (0, 1):
        lowered = cells & (np.arange(plan.shape[1]) % 2 == parity)
        if lowered.any():
            out.append((parity, lowered, plan - lowered.astype(np.int64)))
    return out


def close_cells(models, plan: np.ndarray, floor: np.ndarray, correction: Correction, estimates,
                replications: int, confidence: float) -> np.ndarray:
    """Zones x periods: True where one staff fewer is a close call (see the module's step 1).
    *models*: the calibrated method's zone models (corrected by *correction*, the plan-level
    correction); *estimates*: the last search simulation's ``cell_estimates`` of *plan*."""
    se = _standard_errors(estimates, models.targets, models.zones, models.labels, replications, confidence)
    candidate = lowerable_cells(models, plan, floor)
    close = np.zeros_like(candidate)
    for _, cells, probe in parity_probes(plan, candidate):
        for z, values in models.values(probe).items():
            for t in np.nonzero(cells[z])[0]:
                close[z, t] = _close(models.targets, values[:, t], correction, z, int(t), se)
    return close


def _close(targets, model_values, correction: Correction, z: int, t: int, se: dict) -> bool:
    """One staff fewer in cell (z, t) misses every target by less than CLOSE_SE of its standard errors."""
    judged = False
    for i, target in enumerate(targets):
        name = str(target)
        if (name, z, t) not in se or not np.isfinite(model_values[i]):
            continue
        _, error, _ = se[(name, z, t)]
        predicted = model_values[i] + correction.delta[name][z, t]
        required = target.spec.required(target)
        if -target.spec.room(predicted, required) >= CLOSE_SE * max(error, 1e-9):
            return False
        judged = True
    return judged


def probe_close_cells(scenario, models, plan: np.ndarray, close: np.ndarray, *, rounds: int, seed: int,
                      replications: int, confidence: float, min_visitors: float, workers=None, executor=None,
                      on_simulation=None) -> AdaptiveEvidence:
    """Simulate the *close* cells of *plan* one staff lower, even periods and odd ones apart,
    round after round while some probed cell is undecided (module steps 2-3); round r, parity
    p uses seed ``seed + 2 r + p``. *on_simulation* is called after each probe simulation."""
    evidence = AdaptiveEvidence()
    zones, labels = list(scenario.zone_ids), list(models.labels)
    active = close.copy()
    for r in range(rounds):
        for parity, cells, probe in parity_probes(plan, active):
            results = simulate_plan(scenario, probe, replications=replications, seed=seed + 2 * r + parity,
                                    workers=workers, executor=executor)
            estimates = cell_estimates(results, models.targets, confidence=confidence, min_visitors=min_visitors)
            got = _standard_errors(estimates, models.targets, zones, labels, replications, confidence)
            values = models.values(probe)
            evidence.simulations += 1
            evidence.probes.append((probe, estimates))
            for z, t in zip(*np.nonzero(cells)):
                for i, target in enumerate(models.targets):
                    name = str(target)
                    if (name, z, t) not in got or z not in values or not np.isfinite(values[z][i, t]):
                        continue
                    estimate, se, visitors = got[(name, z, t)]
                    evidence.cells.setdefault((name, int(z), int(t), int(probe[z, t])), _Pooled()).add(
                        estimate, float(values[z][i, t]), se, max(visitors * replications, 1.0))
            if on_simulation is not None:
                on_simulation()
        for z, t in zip(*np.nonzero(active)):
            active[z, t] = evidence.undecided(models.targets, int(z), int(t), int(plan[z, t]) - 1)
        if not active.any():
            break
    return evidence
