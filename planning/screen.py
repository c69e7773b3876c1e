"""The analytic screen of layouts: each block of pooled zones scored once, every partition of a
group into pools covered by dynamic programming.

A block is a set of zones served by one set of windows (one zone: its departmental windows; two
or more: a comprehensive pool with the generalist *speed*). Its load is what ``sim.flows`` gives
the zones, added up: rates per period summed, the mean service time the demand-weighted mean
times *speed*, patience the weighted mean (none when some demand never abandons) - exactly the
load the engine's analytic view gives the pooled zone of the layout's scenario. Its requirement
per period is the smallest staff meeting the targets by *method* (SIPP by default: Erlang C, or
Erlang A with patience); its score is (staff-periods, windows = the peak requirement, waiting =
visitor-minutes of queueing a day at that staff). Scores add over blocks, so the best partition of
a group is found exactly by a dynamic programme over its subsets (3^n steps: up to
``EXACT_ZONES`` zones a group), keeping the ``keep`` best per number of windows so that a windows
budget and a Pareto frontier come out of the same pass. Larger groups are searched greedily
(merge the two blocks that save most, down to one pool), and say so.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from optimize.queueing.erlang import erlang_c_mean_wait
from optimize.queueing.erlang_a import erlang_a
from optimize.requirements import staffing_requirements
from optimize.targets import parse_targets

__all__ = ["EXACT_ZONES", "BlockScore", "Screen", "Screened"]

EXACT_ZONES = 10
"""Groups up to this many zones are split into pools exactly (3^10 = 59,049 steps)."""


@dataclass(frozen=True)
class BlockScore:
    """One block's analytic score: *requirement* staff per period, *windows* its peak, *wait*
    visitor-minutes of queueing a day at that staff (Erlang C/A mean wait x arrivals)."""

    zones: tuple[str, ...]
    requirement: tuple[int, ...]
    wait: float

    @property
    def staff_periods(self) -> int:
        return int(sum(self.requirement))

    @property
    def windows(self) -> int:
        return max(self.requirement, default=0)


@dataclass(frozen=True, order=True)
class Screened:
    """A layout's screen score: staff-periods, windows, waiting (visitor-minutes a day), and its
    *blocks* (tuples of zone ids; one zone = departmental windows). Orders by the score."""

    staff_periods: int
    windows: int
    wait: float
    blocks: tuple[tuple[str, ...], ...] = ()


class Screen:
    """Block scores of one scenario (*scenario*, a ``sim.Scenario``) for *targets*.

    *speed*: service-time multiplier at a pool's windows (1.15 = generalists 15% slower);
    *method*: ``sipp``, ``lag`` or ``mol`` (:mod:`optimize.requirements`).
    """

    def __init__(self, scenario, targets, *, speed: float = 1.15, method: str = "sipp"):
        from sim.flows import zone_loads

        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed!r}")
        self.scenario = scenario
        self.targets = parse_targets(targets)
        self.speed = float(speed)
        self.method = method
        self.loads = zone_loads(scenario)
        self.period_minutes = scenario.period_minutes
        self._cache: dict[tuple[str, ...], BlockScore | None] = {}

    @cached_property
    def _order(self) -> dict[str, int]:
        return {z: i for i, z in enumerate(self.scenario.zone_ids)}

    def load(self, zones: Sequence[str]) -> tuple[np.ndarray, float, float]:
        """The block's (rates per minute per period, mean service in minutes, mean patience)."""
        parts = [self.loads[z] for z in zones]
        rates = np.sum([np.asarray(p.rates, float) for p in parts], axis=0)
        volume = np.array([sum(p.rates) for p in parts])
        total = float(volume.sum())
        if total <= 0:
            return rates, 1.0, math.inf
        mean = float(volume @ [p.mean_service for p in parts]) / total
        if len(parts) > 1:
            mean *= self.speed
        from sim.flows import mixed_patience

        return rates, mean, mixed_patience(volume, [p.mean_patience for p in parts])

    def score(self, zones: Sequence[str]) -> BlockScore | None:
        """The block's score, or None when no staff meets the targets (cached)."""
        key = tuple(sorted(zones, key=self._order.__getitem__))
        if key not in self._cache:
            self._cache[key] = self._score(key)
        return self._cache[key]

    def scores(self) -> dict[tuple[str, ...], BlockScore]:
        """Every block scored so far that some staffing serves, by its zones (in scenario order)."""
        return {k: v for k, v in self._cache.items() if v is not None}

    @property
    def blocks_scored(self) -> int:
        return len(self._cache)

    def _score(self, zones: tuple[str, ...]) -> BlockScore | None:
        rates, mean, patience = self.load(zones)
        try:
            need = staffing_requirements(list(rates), period_minutes=self.period_minutes, mean_service=mean,
                                         targets=self.targets, method=self.method, mean_patience=patience,
                                         definition="served")
        except ValueError:
            return None
        wait = 0.0
        for rate, n in zip(rates, need):
            if rate > 0 and n > 0:
                w = (erlang_c_mean_wait(n, rate, mean) if math.isinf(patience)
                     else erlang_a(n, rate, mean, patience).mean_wait)
                wait += rate * self.period_minutes * w
        return BlockScore(zones, tuple(int(n) for n in need), float(wait))

    # -- partitions ------------------------------------------------------------------------

    def best_partitions(self, group: Sequence[str], keep: int = 3) -> tuple[dict[int, list[Screened]], bool]:
        """The *keep* best partitions of *group* into blocks for each number of windows, and
        whether the search was exact (True up to ``EXACT_ZONES`` zones, else greedy)."""
        group = list(group)
        if len(group) <= EXACT_ZONES:
            return self._exact(group, keep), True
        return self._greedy(group, keep), False

    def _exact(self, group: list[str], keep: int) -> dict[int, list[Screened]]:
        n = len(group)
        best: dict[int, dict[int, list[Screened]]] = {0: {0: [Screened(0, 0, 0.0, ())]}}
        for mask in range(1, 1 << n):
            low = mask & -mask
            rest = mask ^ low
            found: dict[int, list[Screened]] = {}
            sub = rest
            while True:
                block = sub | low
                score = self.score([group[i] for i in range(n) if block >> i & 1])
                if score is not None:
                    for options in best[mask ^ block].values():
                        for s in options:
                            _offer(found, _plus(s, score), keep)
                if sub == 0:
                    break
                sub = (sub - 1) & rest
            best[mask] = found
        return best[(1 << n) - 1]

    def _greedy(self, group: list[str], keep: int) -> dict[int, list[Screened]]:
        blocks: list[tuple[str, ...]] = [(z,) for z in group]
        found: dict[int, list[Screened]] = {}

        def total(bs) -> Screened | None:
            out = Screened(0, 0, 0.0, ())
            for b in bs:
                score = self.score(b)
                if score is None:
                    return None
                out = _plus(out, score)
            return out

        current = total(blocks)
        if current is not None:
            _offer(found, current, keep)
        while len(blocks) > 1:
            options = []
            for i in range(len(blocks)):
                for j in range(i + 1, len(blocks)):
                    merged = blocks[:i] + blocks[i + 1:j] + blocks[j + 1:] + [blocks[i] + blocks[j]]
                    score = total(merged)
                    if score is not None:
                        options.append((score, merged))
            if not options:
                break
            score, blocks = min(options, key=lambda o: o[0])
            _offer(found, score, keep)
        return found


def _plus(s: Screened, block: BlockScore) -> Screened:
    return Screened(s.staff_periods + block.staff_periods, s.windows + block.windows, s.wait + block.wait,
                    s.blocks + (block.zones,))


def _offer(found: dict[int, list[Screened]], s: Screened, keep: int) -> None:
    options = found.setdefault(s.windows, [])
    if len(options) < keep:
        options.append(s)
        options.sort()
    elif s < options[-1]:
        options[-1] = s
        options.sort()


def combine(parts: Sequence[dict[int, list[Screened]]], keep: int) -> dict[int, list[Screened]]:
    """The *keep* best joint choices per total windows from independent groups' options."""
    joint: dict[int, list[Screened]] = {0: [Screened(0, 0, 0.0, ())]}
    for part in parts:
        nxt: dict[int, list[Screened]] = {}
        for a_list in joint.values():
            for b_list in part.values():
                for a, b in heapq.nsmallest(keep * keep, ((a, b) for a in a_list for b in b_list),
                                            key=lambda ab: (ab[0].staff_periods + ab[1].staff_periods,
                                                            ab[0].wait + ab[1].wait)):
                    _offer(nxt, Screened(a.staff_periods + b.staff_periods, a.windows + b.windows,
                                         a.wait + b.wait, a.blocks + b.blocks), keep)
        joint = nxt
    return joint
