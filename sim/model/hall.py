"""The SimPy model of a service hall for one day.

Visitors are not processes: each visit is an index into growing lists, and the
model reacts to SimPy events — an arrival (one process walks the sorted first
arrivals), the end of a service and the end of a visitor's patience (timeouts with
a callback), the next step of an itinerary (a timeout after walking or waiting for
the back office), a clock process that applies staffing changes and closes the
level buckets at period boundaries, and an optional alarm monitor. Rules:

* a free window takes, among the queues its zone serves, the visitor with the best
  (class, priority) key, then the longest waiting (``own_first`` zones look at their
  own queues first); a zone with a reserve keeps that many idle windows for one service;
* a window that opens takes the next visitor at once; one that closes finishes its
  current visitor first. When staff falls while every window is busy, by default
  (``staff_decrease: first_free``) the first window to become free closes; with
  ``own_visitor`` the leaving person's window (the busy one numbered highest) closes when
  its own visitor is done, and windows that free up before keep calling;
* no new tickets after closing; everyone already in the hall is served (overtime)
  by the last staff level, or one window where nobody is left to serve a queue;
  reserves end at closing (nobody new comes for the reserved service);
* a visitor whose patience runs out before being called leaves the hall
  (abandoned); one who finds ``queue_limit`` waiting in the zone leaves (balked);
* conservation: when the run ends every visit has exactly one final outcome (a visit
  still waiting then would be ``unserved``, which the rules above should never
  leave), and a visitor's later steps are dropped only after a visit not served;
  ``run`` raises :class:`ConservationError` otherwise.
"""

from __future__ import annotations

import math
from bisect import insort
from collections import deque
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import Timeout

from ..mechanics import MECHANICS
from .compiled import CompiledHall
from .visitors import Visitors

WAITING, IN_SERVICE, SERVED, ABANDONED, BALKED, UNSERVED = 0, 1, 2, 3, 4, 5
FINAL = (SERVED, ABANDONED, BALKED, UNSERVED)


class ConservationError(RuntimeError):
    """The engine lost track of a visitor: a bug in the model, never bad input."""


class ZoneState:
    """Windows and counters of one zone, with time-weighted level accumulators.

    *planned* is the roster's staff level, *offset* the net staff moved in on alarm;
    *people_speed* the service-time factor of the people on duty (1 for zones staffed by counts).
    """

    __slots__ = (
        "index", "idle", "closed", "busy", "target", "to_close", "waiting", "serves", "own_count",
        "own_first", "speed", "speed_of", "people_speed", "reserve", "planned", "offset", "windows",
        "t_last", "q_area", "busy_area", "staffed_area", "q_max", "last_end", "serving", "leaving",
    )

    def __init__(self, hall: CompiledHall, index: int):
        topo = hall.topology
        first, windows = int(topo.window_offset[index]), int(topo.windows[index])
        self.index = index
        # Idle windows in ascending order: the lowest number serves next, the highest closes first.
        self.idle: list[int] = []
        self.closed: list[int] = list(range(first + windows - 1, first - 1, -1))
        self.windows = windows
        self.busy = self.target = self.to_close = self.waiting = 0
        self.planned = self.offset = 0
        self.serves = topo.serves[index]
        self.own_count = topo.own_count[index]
        self.own_first = hall.own_first[index]
        self.speed = hall.zone_speed[index]
        self.speed_of = hall.speed[index]
        self.people_speed = 1.0
        self.reserve = hall.reserve[index]
        # own_visitor rule only: the busy windows, and those whose person leaves after this visitor
        self.serving: set[int] | None = set() if hall.own_visitor else None
        self.leaving: set[int] = set()
        self.t_last = hall.open
        self.q_area = self.busy_area = self.staffed_area = 0.0
        self.q_max = 0
        self.last_end = -math.inf

    @property
    def staffed(self) -> int:
        return self.busy + len(self.idle)

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

    Visit columns are indexed by visit; visitor columns by visitor. *levels* is
    (zones x buckets x 5): queue-area, max queue, busy-area, staffed-area and bucket
    length (minutes), the buckets being the periods and one after closing. *moves*
    rows are (time, from zone, to zone, is_return).
    """

    visitor: np.ndarray
    step: np.ndarray
    queue: np.ndarray
    arrival: np.ndarray
    start: np.ndarray
    end: np.ndarray
    window: np.ndarray
    outcome: np.ndarray
    visitor_service: np.ndarray
    visitor_bundle: np.ndarray
    visitor_klass: np.ndarray
    visitor_returns: np.ndarray
    online: np.ndarray
    no_shows: np.ndarray
    levels: np.ndarray
    zone_last_end: np.ndarray
    moves: np.ndarray
    day_factor: float


class HallModel:
    """One day of the hall described by *hall*, for the given *visitors*."""

    def __init__(self, hall: CompiledHall, visitors: Visitors):
        self.hall = hall
        self.v = visitors
        self.env = simpy.Environment(initial_time=hall.open)
        n = len(visitors)
        # Visits: the first n are the visitors' first steps; later steps are appended.
        self.state = [WAITING] * n
        self.start = [math.nan] * n
        self.end = [math.nan] * n
        self.window = [-1] * n
        self.arrival = visitors.arrival.tolist()
        self.queue = visitors.queue.tolist()
        self.work = visitors.work.tolist()
        self.patience = visitors.patience.tolist()
        self.visitor = list(range(n))
        self.step = [0] * n
        self.last_visit = list(range(n))  # per visitor: its latest visit
        self.rest = {k: list(v) for k, v in visitors.rest.items()}
        self.returns = visitors.returns.copy()
        self.queue_key = hall.queue_key
        self.queue_home = [q.home for q in hall.queues]
        self.queue_pickup = [q.kind == "pickup" for q in hall.queues]
        self.queue_limit = hall.queue_limit
        self.servers_of = hall.topology.servers_of
        self.queues: list[deque[int]] = [deque() for _ in range(hall.n_queues)]
        self.zones = [ZoneState(hall, z) for z in range(hall.n_zones)]
        self.levels = np.zeros((hall.n_zones, hall.n_periods + 1, 5))
        self.closed = False
        self.moves: list[tuple[float, int, int, int]] = []  # (time, from zone, to zone, is_return)

    def timeout(self, delay: float, value=None) -> Timeout:
        """A SimPy timeout on the model's clock (mechanics schedule their events with it)."""
        return Timeout(self.env, delay, value)

    # -- processes -------------------------------------------------------------
    def _arrivals(self):
        env = self.env
        arrive = self._arrive
        arrival = self.arrival
        for i in range(len(self.v)):
            yield Timeout(env, arrival[i] - env.now)
            # The clock's own value, so that a visitor served at once waits exactly 0.
            arrival[i] = env.now
            arrive(i)

    def _clock(self):
        hall, env = self.hall, self.env
        events = list(hall.staff_events)
        boundaries = [hall.open + k * hall.period for k in range(1, hall.n_periods + 1)]
        e = b = 0
        while e < len(events) or b < len(boundaries):
            # Close a period's bucket before applying changes that start the next one.
            if b < len(boundaries) and (e >= len(events) or boundaries[b] <= events[e][0]):
                t = boundaries[b]
                if t > env.now:
                    yield Timeout(env, t - env.now)
                self._close_bucket(b)
                b += 1
                continue
            t, z, level, people_speed = events[e]
            if t > env.now:
                yield Timeout(env, t - env.now)
            zone = self.zones[z]
            zone.planned = level
            zone.people_speed = people_speed   # before apply_staff: new windows serve at the new factor
            self.apply_staff(zone)
            e += 1
        self.closed = True
        self._end_reserves()
        self._serve_the_stranded()

    # -- events ----------------------------------------------------------------
    def _arrive(self, v: int) -> None:
        q = self.queue[v]
        home = self.zones[self.queue_home[q]]
        limit = self.queue_limit[home.index]
        now = self.env.now
        if limit is not None and home.waiting >= limit:
            self.state[v] = BALKED
            self.end[v] = now
            return
        for zi in self.servers_of[q]:
            z = self.zones[zi]
            if z.idle and self._may_start(z, q, len(z.idle) - 1):
                z.touch(now)
                self._start(v, z, z.idle.pop(0))
                return
        home.touch(now)
        home.waiting += 1
        if home.waiting > home.q_max:
            home.q_max = home.waiting
        self.queues[q].append(v)
        patience = self.patience[v]
        if patience != math.inf:
            Timeout(self.env, patience, v).callbacks.append(self._abandon)
        if self.closed:
            self._serve_the_stranded()

    @staticmethod
    def _may_start(z: ZoneState, q: int, idle_after: int) -> bool:
        """A reserve keeps ``k`` idle windows for its service: others may start only above that."""
        reserve = z.reserve
        return reserve is None or q in reserve[0] or idle_after >= reserve[1]

    def _start(self, v: int, z: ZoneState, w: int) -> None:
        """Window *w* of zone *z* (already touched) starts serving visit *v*."""
        self.state[v] = IN_SERVICE
        self.start[v] = self.env.now
        self.window[v] = w
        z.busy += 1
        if z.serving is not None:
            z.serving.add(w)
        factor = z.speed_of.get(self.queue[v], z.speed) if z.speed_of else z.speed
        # x * 1.0 == x exactly: with every people speed 1 the durations are bit for bit as before.
        Timeout(self.env, self.work[v] * factor * z.people_speed, (v, z, w)).callbacks.append(self._finish)

    def _finish(self, event) -> None:
        v, z, w = event._value
        now = self.env.now
        self.state[v] = SERVED
        self.end[v] = now
        z.last_end = now
        z.touch(now)
        z.busy -= 1
        if z.serving is not None:
            z.serving.discard(w)
        if z.to_close and (z.serving is None or w in z.leaving):
            z.to_close -= 1
            z.leaving.discard(w)
            z.closed.append(w)
        else:
            self._take_next(z, w)
        steps = self.rest.get(self.visitor[v])
        if steps:
            self._next_step(v, steps)

    def _next_step(self, v: int, steps: list) -> None:
        q, work, patience, delay = steps.pop(0)
        visitor = self.visitor[v]
        if self.queue_pickup[q] and self.env.now + delay >= self.hall.close:
            # The back office finishes after closing: the visitor comes back another day.
            self.returns[visitor] += 1
            return
        nv = len(self.state)
        self.state.append(WAITING)
        self.start.append(math.nan)
        self.end.append(math.nan)
        self.window.append(-1)
        self.arrival.append(math.nan)
        self.queue.append(q)
        self.work.append(work)
        self.patience.append(patience)
        self.visitor.append(visitor)
        self.step.append(self.step[v] + 1)
        self.last_visit[visitor] = nv
        Timeout(self.env, delay, nv).callbacks.append(self._step_arrives)

    def _step_arrives(self, event) -> None:
        nv = event._value
        self.arrival[nv] = self.env.now
        self._arrive(nv)

    def _abandon(self, event) -> None:
        v = event._value
        if self.state[v] != WAITING:
            return
        self.state[v] = ABANDONED
        self.end[v] = self.env.now
        z = self.zones[self.queue_home[self.queue[v]]]
        z.touch(self.env.now)
        z.waiting -= 1
        # The visit stays in its deque and is skipped when it reaches the head.

    # -- dispatch and staffing ---------------------------------------------------
    def _best_queue(self, z: ZoneState, candidates, idle_after: int) -> int:
        best, best_key = -1, None
        state, arrival, keys, queues = self.state, self.arrival, self.queue_key, self.queues
        for q in candidates:
            dq = queues[q]
            while dq and state[dq[0]] != WAITING:
                dq.popleft()
            if dq and (z.reserve is None or self._may_start(z, q, idle_after)):
                key = (keys[q], arrival[dq[0]])
                if best_key is None or key < best_key:
                    best_key, best = key, q
        return best

    def _take_next(self, z: ZoneState, w: int) -> None:
        """Free window *w* of zone *z* (touched) takes the best waiting visitor, or idles."""
        idle_after = len(z.idle)
        if z.own_first:
            best = self._best_queue(z, z.serves[: z.own_count], idle_after)
            if best < 0:
                best = self._best_queue(z, z.serves[z.own_count:], idle_after)
        else:
            best = self._best_queue(z, z.serves, idle_after)
        if best < 0:
            insort(z.idle, w)
            return
        v = self.queues[best].popleft()
        home = self.zones[self.queue_home[best]]
        home.touch(self.env.now)
        home.waiting -= 1
        self._start(v, z, w)

    def apply_staff(self, z: ZoneState) -> None:
        """Bring zone *z* to its planned staff plus the staff moved in, within its windows."""
        staff = min(max(z.planned + z.offset, 0), z.windows)
        z.touch(self.env.now)
        change = staff - z.target
        z.target = staff
        if change > 0:
            # Cancel pending closures before opening closed windows.
            kept = min(change, z.to_close)
            z.to_close -= kept
            for _ in range(kept if z.serving is not None else 0):
                z.leaving.remove(max(z.leaving))          # they stay after all
            for _ in range(change - kept):
                self._take_next(z, z.closed.pop())
        elif change < 0:
            for _ in range(-change):
                if z.idle:
                    z.closed.append(z.idle.pop())
                else:
                    z.to_close += 1
                    if z.serving is not None:         # the leaving person's own window
                        z.leaving.add(max(z.serving - z.leaving))

    def _end_reserves(self) -> None:
        # At closing nobody new comes for a reserved service: the kept windows serve anyone.
        for z in self.zones:
            if z.reserve is None:
                continue
            z.reserve = None
            z.touch(self.env.now)
            for w in list(z.idle):
                z.idle.remove(w)
                self._take_next(z, w)
                if w in z.idle:
                    break  # nobody left for this zone's windows

    def _serve_the_stranded(self) -> None:
        # After closing, a queue that nobody staffs gets one window at a zone that serves it.
        for q, dq in enumerate(self.queues):
            if not any(self.state[v] == WAITING for v in dq):
                continue
            servers = [self.zones[zi] for zi in self.hall.topology.servers_of[q]]
            if servers and all(z.target == 0 for z in servers):
                servers[0].planned = max(servers[0].planned, 1 - servers[0].offset)
                self.apply_staff(servers[0])

    def _close_bucket(self, k: int) -> None:
        now = self.env.now
        for z in self.zones:
            z.touch(now)
            self.levels[z.index, k] = (z.q_area, z.q_max, z.busy_area, z.staffed_area, self.hall.period)
            z.q_area = z.busy_area = z.staffed_area = 0.0
            z.q_max = z.waiting

    # -- run ---------------------------------------------------------------------
    def _account(self) -> None:
        """Mark visits still waiting as unserved and check that every visit is accounted for."""
        state = np.asarray(self.state, dtype=np.int8)
        in_service = int((state == IN_SERVICE).sum())
        if in_service:
            raise ConservationError(f"{in_service} visit(s) still in service after the last event")
        waiting = state == WAITING
        if waiting.any():
            now = self.env.now
            for v in np.flatnonzero(waiting):
                self.state[v] = UNSERVED
                self.end[v] = now
        if len(self.last_visit) != len(self.v) or not set(self.last_visit).issubset(range(len(self.state))):
            raise ConservationError("visitors and their visits do not match")
        for visitor, steps in self.rest.items():
            if steps and self.state[self.last_visit[visitor]] == SERVED:
                raise ConservationError(f"visitor {visitor} was served but {len(steps)} later step(s) never happened")
        counts = np.bincount(np.asarray(self.visitor, dtype=np.int64), minlength=len(self.v))
        if len(self.v) and counts.min() < 1:
            raise ConservationError("a visitor has no visit")


    def run(self) -> DayRecord:
        """Simulate the day to the last departure and return its record."""
        self.env.process(self._arrivals())
        self.env.process(self._clock())
        for m in MECHANICS:
            for process in m.processes(self):
                self.env.process(process)
        self.env.run()
        self._account()
        close = self.hall.close
        last_end = np.array([max(z.last_end, close) for z in self.zones])
        for z, t_end in zip(self.zones, last_end):
            z.touch(t_end)
            self.levels[z.index, -1] = (z.q_area, z.q_max, z.busy_area, z.staffed_area, t_end - close)
        moves = np.array(self.moves, dtype=float).reshape(-1, 4)
        return DayRecord(
            visitor=np.asarray(self.visitor, dtype=np.int64),
            step=np.asarray(self.step, dtype=np.int16),
            queue=np.asarray(self.queue, dtype=np.int32),
            arrival=np.asarray(self.arrival),
            start=np.asarray(self.start),
            end=np.asarray(self.end),
            window=np.asarray(self.window, dtype=np.int32),
            outcome=np.asarray(self.state, dtype=np.int8),
            visitor_service=self.v.service,
            visitor_bundle=self.v.bundle,
            visitor_klass=self.v.klass,
            visitor_returns=self.returns,
            online=self.v.online,
            no_shows=self.v.no_shows,
            levels=self.levels,
            zone_last_end=np.array([z.last_end for z in self.zones]),
            moves=moves,
            day_factor=self.v.day_factor,
        )


def simulate_day(hall: CompiledHall, visitors: Visitors) -> DayRecord:
    """Run one day of *hall* with *visitors*."""
    return HallModel(hall, visitors).run()
