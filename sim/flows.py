"""The expected flow of visits through a hall's queues, from the mechanics (an analytic view).

Every queue gets flows: an arrival rate per period (visitors per minute), the mean
work of a visit (minutes at a window of speed 1) and the mean patience (``inf``:
nobody abandons). A service's visitors reach its window at its arrival rate times
the share that comes by no other channel, or comes back from one (kiosk failures,
booked visitors who show up); each mechanic adds its own flows (kiosks, the guide
desk, pick-up, bundles, visitors sent on; see ``Mechanic.flows``). Two uses, one
description:

* :func:`expected_visits`: about how many visit records a run produces (streaming
  decides from it whether to keep visits in memory);
* :func:`zone_loads`: each zone as one queue with Poisson arrivals, one mean service
  time (with the zone's ``speed``) and one mean patience, for the analytic staffing
  methods of ``optimize``. Zones without windows hand their load to the pooled
  windows that serve them, split evenly.

An approximation the simulation does not need: it ignores moves on alarm, walking
times, return visits on another day, appointment slot rounding, help from pooled
windows to zones that have windows of their own, and the day-to-day variation of
demand; delayed flows (pick-up, visitors sent on) are lagged by their mean delay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from .mechanics import MECHANICS
from .mechanics.pooling import hand_off
from .topology import Topology, hall_topology

if TYPE_CHECKING:  # pragma: no cover
    from .distributions import Distribution
    from .fields import Arrivals
    from .scenario.schema import Scenario

__all__ = ["Flow", "FlowBook", "ZoneLoad", "expected_visits", "lag_rates", "visit_flows", "zone_loads"]


def lag_rates(rates, period_minutes: float, lag: float, before: float = 0.0) -> np.ndarray:
    """Per-period averages of lambda(t - *lag*) for rates constant in each period (per minute),
    *before* the rate before the first period; exact for piecewise-constant rates."""
    arr = np.asarray(rates, dtype=float)
    edges = np.arange(arr.size + 1) * period_minutes
    cumulative = np.concatenate([[0.0], np.cumsum(arr * period_minutes)])

    def arrivals_until(x: np.ndarray) -> np.ndarray:  # integral of lambda from 0 to x
        return np.interp(x, edges, cumulative) + np.where(x < 0, before * x, 0.0)

    starts = edges[:-1] - lag
    return (arrivals_until(starts + period_minutes) - arrivals_until(starts)) / period_minutes


@dataclass(frozen=True)
class Flow:
    """Visits to queue *queue* (index): *rates* per minute per period, *work* mean minutes at
    speed 1, *patience* mean minutes (``inf``: no abandonment)."""

    queue: int
    rates: np.ndarray
    work: float
    patience: float


class FlowBook:
    """Collects the flows of one scenario; mechanics add theirs with :meth:`add`."""

    def __init__(self, scenario: Scenario, topology: Optional[Topology] = None):
        self.scenario = scenario
        self.topology = topology or hall_topology(scenario)
        self.flows: list[Flow] = []
        self._present: dict[int, np.ndarray] = {}
        self._window: dict[int, np.ndarray] = {}
        for s, svc in enumerate(scenario.services):
            channels = [c for m in MECHANICS for c in m.channels(svc)]
            base = self.base(s)
            self._present[s] = base * (1 - sum(share * (1 - present) for _, share, present, _ in channels))
            self._window[s] = base * (1 - sum(share * (1 - window) for _, share, _, window in channels))

    def rates(self, arrivals: Arrivals) -> np.ndarray:
        """An ``arrivals`` block's rates per minute per period (``demand_scale`` applied)."""
        return np.asarray(self.scenario.arrival_rates(arrivals), float) / 60.0

    def base(self, service: int) -> np.ndarray:
        """Service *service*'s arrivals per minute per period, before any channel."""
        return self.rates(self.scenario.services[service].arrivals)

    def present(self, service: int) -> np.ndarray:
        """Of those, the rate coming to the hall (not online, not a no-show)."""
        return self._present[service]

    def window(self, service: int) -> np.ndarray:
        """Of those, the rate reaching the service's window (kiosk failures included)."""
        return self._window[service]

    def lagged(self, rates: np.ndarray, lag: float) -> np.ndarray:
        """*rates* arriving *lag* minutes later (period averages; nothing before opening)."""
        return lag_rates(rates, self.scenario.period_minutes, lag)

    def add(self, queue: str, rates, work: float, patience: Optional[Distribution]) -> None:
        """Visits to the queue labelled *queue*; *patience* a distribution or None."""
        self.flows.append(Flow(self.topology.queue_of(queue), np.asarray(rates, float), float(work),
                               math.inf if patience is None else float(patience.mean)))


def visit_flows(scenario: Scenario, topology: Optional[Topology] = None) -> list[Flow]:
    """Every expected flow of visits of *scenario*: each service's window, then the mechanics'."""
    book = FlowBook(scenario, topology)
    for s, svc in enumerate(scenario.services):
        book.add(svc.id, book.window(s), svc.service_time.mean, svc.patience)
    for m in MECHANICS:
        m.flows(book)
    return book.flows


def expected_visits(scenario: Scenario, replications: int = 1) -> float:
    """Expected visit records of *replications* days of *scenario* (every queue joined counts)."""
    period = scenario.period_minutes
    return float(sum(f.rates.sum() * period for f in visit_flows(scenario))) * replications


def mixed_patience(volumes, patiences) -> float:
    """The mean patience (minutes) of one queue fed by flows of *volumes* whose visitors
    have mean *patiences* (``inf``: never abandons): the one whose abandonment rate,
    1 / mean, is the volume-weighted mean of theirs, the rate at which the mix's waiting
    visitors leave. Infinite only when no flow abandons. A small flow that never abandons
    (visitors sent to the wrong zone by the guide desk, kiosk users) lowers the rate a
    little; it does not turn a queue of impatient visitors into one where nobody leaves."""
    return _mean_patience(float(sum(volumes)),
                          float(sum(_abandon_rate(v, p) for v, p in zip(volumes, patiences) if v > 0)))


def _mean_patience(volume: float, abandon: float) -> float:
    """The mean patience of *volume* visitors whose abandonment rates sum to *abandon*
    (volume x rate per flow, :func:`_abandon_rate`): infinite when nobody abandons."""
    return volume / abandon if volume > 0 and abandon > 0 else math.inf


def _abandon_rate(volume: float, patience: float) -> float:
    """*volume* times the abandonment rate of a mean *patience* (infinite for 0: whoever
    would wait leaves at once, and the mix's mean patience is then 0)."""
    return volume / patience if patience > 0 else math.inf


@dataclass(frozen=True)
class ZoneLoad:
    """One zone as the analytic methods see it: *rates* per minute per period,
    *mean_service* and *mean_patience* in minutes (inf: nobody abandons)."""

    zone: str
    rates: tuple[float, ...]
    mean_service: float
    mean_patience: float

    @property
    def offered_load(self) -> np.ndarray:
        """Erlangs per period: rate x mean service time."""
        return np.asarray(self.rates) * self.mean_service


def zone_loads(scenario: Scenario) -> dict[str, ZoneLoad]:
    """Each zone's offered load (see the module docstring), by zone id.

    A zone's mean service time is the demand-weighted mean of its flows' work times its
    speed for each, over the day; its mean patience is :func:`mixed_patience` of its flows
    (infinite, Erlang C, only when none of its demand abandons).
    """
    topo = hall_topology(scenario)
    n, zones = scenario.n_periods, scenario.zones
    Z = len(zones)
    rates = [np.zeros(n) for _ in range(Z)]
    work, volume, abandon = [0.0] * Z, [0.0] * Z, [0.0] * Z     # abandon: sum of volume / mean patience
    for flow in visit_flows(scenario, topo):
        total = float(flow.rates.sum())
        if total <= 0:
            continue
        q = topo.queues[flow.queue]
        z = q.home
        sid = scenario.services[q.service].id if q.service >= 0 else None
        speed = zones[z].speed if sid is None else zones[z].speed_by_service.get(sid, zones[z].speed)
        rates[z] = rates[z] + flow.rates
        work[z] += total * flow.work * speed
        volume[z] += total
        abandon[z] += _abandon_rate(total, flow.patience)     # 0 for a flow that never abandons
    servers = {i: [topo.zone_ids.index(y) for y in ys] for i, ys in enumerate(topo.zone_servers().values())}
    hand_off(rates, work, volume, abandon, servers, [z.windows for z in zones], [z.speed for z in zones])
    out = {}
    for z, zone in enumerate(zones):
        mean = work[z] / volume[z] if volume[z] > 0 else 1.0
        out[zone.id] = ZoneLoad(zone.id, tuple(float(r) for r in rates[z]), float(mean),
                                _mean_patience(volume[z], abandon[z]))
    return out
