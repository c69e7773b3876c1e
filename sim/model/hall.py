"""The SimPy model of a service hall for one day.

Visitors are not processes: each is an index into the day's arrays, and the model
reacts to three kinds of SimPy events — an arrival (one process walks the sorted
arrival times), the end of a service and the end of a visitor's patience (plain
timeouts with a callback), plus a clock process that changes staffing at each
period boundary. This keeps the cost per visitor below a process-per-customer
SimPy model while the rules stay in one place:

* windows take the waiting visitor with the lowest priority number, then the
  longest waiting one; a window that opens takes the next visitor at once;
* a window that closes finishes its current visitor first;
* no new tickets after closing; everyone already waiting is served (overtime),
  with the last period's staff, or one window where that was zero;
* a visitor whose patience runs out before being called leaves (abandoned);
  one that finds ``queue_limit`` people waiting in the zone leaves at once (balked).
"""

from __future__ import annotations

import math
from bisect import insort
from collections import deque
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import Timeout

from .plan import HallPlan
from .visitors import Visitors

WAITING, IN_SERVICE, SERVED, ABANDONED, BALKED = 0, 1, 2, 3, 4
OUTCOME_NAMES = ("waiting", "in_service", "served", "abandoned", "balked")


class ZoneState:
    """Windows and counters of one zone, with time-weighted level accumulators."""

    __slots__ = (
        "index", "idle", "closed", "busy", "target", "to_close", "waiting", "serves",
        "speed", "t_last", "q_area", "busy_area", "staffed_area", "q_max", "last_end",
    )

    def __init__(self, index: int, first_window: int, windows: int, serves: tuple[int, ...], t0: float):
        self.index = index
        # Idle windows in ascending order: the lowest number serves next, the highest closes first.
        self.idle: list[int] = []
        # Closed windows as a stack that hands out the lowest number first.
        self.closed: list[int] = list(range(first_window + windows - 1, first_window - 1, -1))
        self.busy = 0
        self.target = 0
        self.to_close = 0
        self.waiting = 0
        self.serves = serves
        self.speed = 1.0
        self.t_last = t0
        self.q_area = self.busy_area = self.staffed_area = 0.0
        self.q_max = 0
        self.last_end = -math.inf

    def touch(self, now: float) -> None:
        """Accumulate the time-weighted levels up to *now* (call before any change)."""
        dt = now - self.t_last
        if dt > 0:
            self.q_area += self.waiting * dt
            self.busy_area += self.busy * dt
            self.staffed_area += (self.busy + len(self.idle)) * dt
            self.t_last = now


@dataclass(frozen=True)
class DayRecord:
    """What one replication produced, as arrays (no per-visitor objects).

    Visit columns are indexed by visit; *levels* is (zones x buckets x 5) holding
    queue-area, max queue, busy-area, staffed-area and bucket length (minutes), where
    the buckets are the periods followed by one for after closing.
    """

    visitor: np.ndarray
    service: np.ndarray
    arrival: np.ndarray
    start: np.ndarray
    end: np.ndarray
    window: np.ndarray
    outcome: np.ndarray
    levels: np.ndarray
    zone_last_end: np.ndarray
    day_factor: float


class HallModel:
    """One day of the hall described by *plan*, for the given *visitors*."""

    def __init__(self, plan: HallPlan, visitors: Visitors):
        self.plan = plan
        self.v = visitors
        self.env = simpy.Environment(initial_time=plan.open)
        n = len(visitors)
        self.state = [WAITING] * n
        self.start = [math.nan] * n
        self.end = [math.nan] * n
        self.window = [-1] * n
        self.arrival = visitors.arrival.tolist()
        self.service = visitors.service.tolist()
        self.work = visitors.work.tolist()
        self.patience = visitors.patience.tolist()
        self.priority = plan.priority.tolist()
        self.service_zone = plan.service_zone.tolist()
        self.queues = [deque() for _ in range(plan.n_services)]
        self.zones = [
            ZoneState(z, int(plan.window_offset[z]), int(plan.windows[z]), plan.serves[z], plan.open)
            for z in range(plan.n_zones)
        ]
        self.window_zone = np.repeat(np.arange(plan.n_zones), plan.windows).tolist()
        self.levels = np.zeros((plan.n_zones, plan.n_periods + 1, 5))

    # -- processes -------------------------------------------------------------
    def _arrivals(self):
        env = self.env
        arrive = self._arrive
        arrival = self.arrival
        for i, t in enumerate(arrival):
            yield Timeout(env, t - env.now)
            # The clock's own value, so that a visitor served at once waits exactly 0.
            arrival[i] = env.now
            arrive(i)

    def _clock(self):
        plan, env = self.plan, self.env
        for z in self.zones:
            self._set_staff(z, int(plan.staff[z.index, 0]))
        for k in range(1, plan.n_periods + 1):
            yield Timeout(env, plan.open + k * plan.period - env.now)
            self._close_bucket(k - 1)
            if k < plan.n_periods:
                for z in self.zones:
                    self._set_staff(z, int(plan.staff[z.index, k]))
        self._after_closing()

    # -- events ----------------------------------------------------------------
    def _arrive(self, v: int) -> None:
        s = self.service[v]
        home = self.zones[self.service_zone[s]]
        limit = self.plan.queue_limit[home.index]
        if limit is not None and home.waiting >= limit:
            self.state[v] = BALKED
            return
        for zi in self.plan.servers_of[s]:
            z = self.zones[zi]
            if z.idle:
                z.touch(self.env.now)
                self._start(v, z, z.idle.pop(0))
                return
        home.touch(self.env.now)
        home.waiting += 1
        if home.waiting > home.q_max:
            home.q_max = home.waiting
        self.queues[s].append(v)
        patience = self.patience[v]
        if patience != math.inf:
            Timeout(self.env, patience, v).callbacks.append(self._abandon)

    def _start(self, v: int, z: ZoneState, w: int) -> None:
        """Window *w* of zone *z* (already touched) starts serving visit *v*."""
        now = self.env.now
        self.state[v] = IN_SERVICE
        self.start[v] = now
        self.window[v] = w
        z.busy += 1
        Timeout(self.env, self.work[v] * z.speed, (v, z, w)).callbacks.append(self._finish)

    def _finish(self, event) -> None:
        v, z, w = event._value
        now = self.env.now
        self.state[v] = SERVED
        self.end[v] = now
        z.last_end = now
        z.touch(now)
        z.busy -= 1
        if z.to_close:
            z.to_close -= 1
            z.closed.append(w)
        else:
            self._take_next(z, w)

    def _abandon(self, event) -> None:
        v = event._value
        if self.state[v] != WAITING:
            return
        self.state[v] = ABANDONED
        self.end[v] = self.env.now
        z = self.zones[self.service_zone[self.service[v]]]
        z.touch(self.env.now)
        z.waiting -= 1
        # The visit stays in its deque and is skipped when it reaches the head.

    # -- dispatch and staffing ---------------------------------------------------
    def _take_next(self, z: ZoneState, w: int) -> None:
        """Free window *w* of zone *z* (touched) takes the best waiting visitor, or idles."""
        best = -1
        best_key = None
        state, arrival, priority = self.state, self.arrival, self.priority
        for s in z.serves:
            q = self.queues[s]
            while q and state[q[0]] != WAITING:
                q.popleft()
            if q:
                key = (priority[s], arrival[q[0]])
                if best_key is None or key < best_key:
                    best_key, best = key, s
        if best < 0:
            insort(z.idle, w)
            return
        v = self.queues[best].popleft()
        home = self.zones[self.service_zone[best]]
        home.touch(self.env.now)
        home.waiting -= 1
        self._start(v, z, w)

    def _set_staff(self, z: ZoneState, staff: int) -> None:
        z.touch(self.env.now)
        change = staff - z.target
        z.target = staff
        if change > 0:
            # Cancel pending closures before opening closed windows.
            kept = min(change, z.to_close)
            z.to_close -= kept
            for _ in range(change - kept):
                self._take_next(z, z.closed.pop())
        elif change < 0:
            for _ in range(-change):
                if z.idle:
                    z.closed.append(z.idle.pop())
                else:
                    z.to_close += 1

    def _after_closing(self) -> None:
        # Keep the last period's staff; a queue nobody can serve gets one window.
        for s, q in enumerate(self.queues):
            if any(self.state[v] == WAITING for v in q):
                servers = [self.zones[zi] for zi in self.plan.servers_of[s]]
                if all(z.target == 0 for z in servers):
                    self._set_staff(servers[0], 1)

    def _close_bucket(self, k: int) -> None:
        now = self.env.now
        for z in self.zones:
            z.touch(now)
            self.levels[z.index, k] = (z.q_area, z.q_max, z.busy_area, z.staffed_area, self.plan.period)
            z.q_area = z.busy_area = z.staffed_area = 0.0
            z.q_max = z.waiting

    # -- run ---------------------------------------------------------------------
    def run(self) -> DayRecord:
        """Simulate the day to the last departure and return its record."""
        self.env.process(self._arrivals())
        self.env.process(self._clock())
        self.env.run()
        close = self.plan.close
        last_end = np.array([max(z.last_end, close) for z in self.zones])
        for z, t_end in zip(self.zones, last_end):
            z.touch(t_end)
            self.levels[z.index, -1] = (z.q_area, z.q_max, z.busy_area, z.staffed_area, t_end - close)
        return DayRecord(
            visitor=np.arange(len(self.arrival), dtype=np.int64),
            service=np.asarray(self.service, dtype=np.int64),
            arrival=np.asarray(self.arrival),
            start=np.asarray(self.start),
            end=np.asarray(self.end),
            window=np.asarray(self.window, dtype=np.int64),
            outcome=np.asarray(self.state, dtype=np.int8),
            levels=self.levels,
            zone_last_end=np.array([z.last_end for z in self.zones]),
            day_factor=self.v.day_factor,
        )


def simulate_day(plan: HallPlan, visitors: Visitors) -> DayRecord:
    """Run one day of *plan* with *visitors*."""
    return HallModel(plan, visitors).run()
