"""Draw one replication's visitors, with their itineraries, before the model runs.

Each service's base demand (arrival times, service times, patience) comes from its
own named streams; every mechanism (online share, kiosks, appointments, the green
channel, the guide desk, the back office ...) draws its decisions from streams of its
own, in its own module (``sim.mechanics``). So switching a mechanism on or off changes
only the visitors it touches, and a visitor keeps its service time whatever the
staffing: comparisons stay paired.

For one service the draw goes: arrivals, work and patience; one uniform per visitor
picks the channel (walk in, or a mechanic's: online, kiosk, booked); mechanics
*classify* (who comes, when, in which class), the class gives the window queue, and
mechanics *route* (steps before the window, instead of it, or after it, and return
visits). An itinerary is a list of steps ``(queue, work, patience, delay)``: queue
index, minutes of service at a window of speed 1, minutes of patience (``inf`` =
none), and minutes between the end of the previous step and the arrival at this one
(``None`` while drawing: walk from the previous step's zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..mechanics import MECHANICS, WALK_IN
from ..randomness import stream
from .compiled import CompiledHall

INF = float("inf")


@dataclass(frozen=True)
class Visitors:
    """One day's visitors sorted by first arrival (minutes since midnight).

    First steps are arrays; *rest* maps a visitor to its later steps. *service* is
    the service a visitor came for (-1 for a bundle), *bundle* its bundle (-1),
    *klass* walk-in/booked/green, *returns* visits on another day already known
    (missing materials, back office), *online* and *no_shows* count per service
    those who never came.
    """

    arrival: np.ndarray
    queue: np.ndarray
    work: np.ndarray
    patience: np.ndarray
    service: np.ndarray
    bundle: np.ndarray
    klass: np.ndarray
    returns: np.ndarray
    rest: dict = field(default_factory=dict)
    online: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    no_shows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    day_factor: float = 1.0

    def __len__(self) -> int:
        return len(self.arrival)


def day_factor(hall: CompiledHall, seed: int, replication: int) -> float:
    """The day's demand multiplier: gamma with mean 1 and the scenario's cv (1 without)."""
    dv = hall.scenario.day_variation
    if dv is None or dv.cv == 0:
        return 1.0
    shape = 1.0 / dv.cv**2
    return float(stream(seed, replication, "day").gamma(shape, 1.0 / shape))


def poisson_arrivals(rng: np.random.Generator, rates: np.ndarray, start: float, period: float) -> np.ndarray:
    """Exact arrival times of a Poisson process whose rate (per minute) is constant in each period.

    Given the count in a period, arrival times are independent uniforms on it.
    """
    counts = rng.poisson(rates * period)
    starts = start + period * np.arange(len(rates))
    times = np.repeat(starts, counts) + period * rng.random(int(counts.sum()))
    return np.sort(times)


class DayDraw:
    """Accumulates first steps and itineraries of one day's visitors."""

    def __init__(self, hall: CompiledHall, seed: int, replication: int):
        self.hall, self.scenario, self.seed, self.rep = hall, hall.scenario, seed, replication
        self.cols: dict[str, list] = {k: [] for k in ("arrival", "queue", "work", "patience", "service", "bundle",
                                                      "klass", "returns")}
        self.rest_parts: list[tuple[int, tuple]] = []  # (index in concatenation order, steps)
        self.count = 0

    def rng(self, purpose: str, key: str) -> np.random.Generator:
        return stream(self.seed, self.rep, purpose, key)

    def arrivals(self, rng: np.random.Generator, rates: np.ndarray) -> np.ndarray:
        """Poisson arrival times over the day for *rates* per minute per period."""
        return poisson_arrivals(rng, rates, self.hall.open, self.hall.period)

    def add(self, arrival, queue, work, patience, service, bundle, klass, returns, rest=None):
        n = len(arrival)
        for name, values in (("arrival", arrival), ("queue", queue), ("work", work), ("patience", patience),
                             ("service", service), ("bundle", bundle), ("klass", klass), ("returns", returns)):
            self.cols[name].append(np.broadcast_to(np.asarray(values), (n,)).copy() if np.ndim(values) == 0 else np.asarray(values))
        for i, steps in (rest or {}).items():
            self.rest_parts.append((self.count + i, steps))
        self.count += n

    def finish(self, factor: float, online, no_shows) -> Visitors:
        cat = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in self.cols.items()}
        order = np.argsort(cat["arrival"], kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        ints = ("queue", "service", "bundle", "klass", "returns")
        return Visitors(
            **{k: (cat[k][order].astype(np.int64) if k in ints else cat[k][order].astype(float)) for k in cat},
            rest={int(position[i]): steps for i, steps in self.rest_parts},
            online=np.asarray(online, dtype=np.int64),
            no_shows=np.asarray(no_shows, dtype=np.int64),
            day_factor=factor,
        )


class ServiceDraw:
    """One service's visitors of one day while the mechanics shape them (see the module docstring).

    Arrays have one entry per visitor drawn (*n*): *intended* and *arrival* times,
    *work*, *patience*, *klass*, *keep* (False: never comes), *returns*; *window_queue*
    is set between classifying and routing. *before*, *instead* and *after* map a
    visitor to steps before the window step, replacing it (``WINDOW`` marks where it
    still happens), and after it (kept only when the window step happens).
    """

    WINDOW = ("window",)

    def __init__(self, day: DayDraw, s: int, factor: float):
        hall = day.hall
        self.day, self.hall, self.scenario, self.index = day, hall, day.scenario, s
        self.service = svc = self.scenario.services[s]
        self.home = hall.queues[hall.queue_of(svc.id)].home
        rates = np.asarray(self.scenario.rates_per_hour(svc.id)) / 60.0 * factor
        self.intended = day.arrivals(self.rng("arrivals"), rates)
        self.n = n = len(self.intended)
        self.arrival = self.intended.copy()
        self.work = svc.service_time.sample(self.rng("service"), n)
        self.patience = np.full(n, INF) if svc.patience is None else svc.patience.sample(self.rng("patience"), n)
        self.klass = np.full(n, WALK_IN)
        self.keep = np.ones(n, dtype=bool)
        self.returns = np.zeros(n, dtype=np.int64)
        self.counts = {"online": 0, "no_shows": 0}
        self.before: dict[int, list] = {}
        self.instead: dict[int, list] = {}
        self.after: dict[int, list] = {}
        self.window_queue = np.zeros(0, dtype=np.int64)
        self._channel = self._choose_channels()

    def rng(self, purpose: str) -> np.random.Generator:
        """The stream of *purpose* for this service (same seed, replication and service id)."""
        return self.day.rng(purpose, self.service.id)

    def _choose_channels(self) -> dict[str, np.ndarray]:
        # One uniform per visitor splits them among the channels, in the mechanics' channel order.
        mechanics = sorted(MECHANICS, key=lambda m: m.channel_rank)
        channels = [(name, share) for m in mechanics for name, share, _, _ in m.channels(self.service)]
        if not any(share > 0 for _, share in channels):
            return {}
        u = self.rng("channel").random(self.n)
        out, low = {}, 0.0
        for name, share in channels:
            out[name] = (u >= low) & (u < low + share)
            low += share
        return out

    def users(self, channel: str) -> np.ndarray:
        """Visitors who came by *channel* (online, kiosk, booked ...)."""
        found = self._channel.get(channel)
        return np.zeros(self.n, dtype=bool) if found is None else found

    def indices(self, mask: np.ndarray) -> np.ndarray:
        """Indices of the visitors in *mask* who come to the hall."""
        return np.flatnonzero(mask & self.keep)

    def class_queues(self) -> np.ndarray:
        """The window queue of each visitor, by class (walk-in, booked, green)."""
        by_class = self.hall.topology.service_queues[self.index]  # computed once per hall
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.vectorize(by_class.get, otypes=[np.int64])(self.klass)

    def finish(self) -> None:
        """Assemble the itineraries and add the visitors who come to the day."""
        hall, WINDOW = self.hall, self.WINDOW
        homes = hall.topology.queue_home.tolist()
        walk = hall.walk.tolist()                  # Python floats: the loop below runs per visitor
        wq = self.window_queue
        first_queue, first_work, first_patience = wq.copy(), self.work.copy(), self.patience.copy()
        rest = {}
        kept_index = np.cumsum(self.keep) - 1
        before, instead, after = self.before, self.instead, self.after
        multi = sorted(set(before) | set(instead) | set(after))
        if multi:
            queue_of, work_of, patience_of = wq.tolist(), self.work.tolist(), self.patience.tolist()
        for i in multi:
            window = (queue_of[i], work_of[i], patience_of[i], None)
            steps = list(before.get(i, ()))
            middle = instead.get(i)
            if middle is None:
                steps.append(window)
                steps += after.get(i, ())
            elif any(step is WINDOW for step in middle):
                steps += [window if step is WINDOW else step for step in middle]
                steps += after.get(i, ())
            else:
                steps += middle
            placed, zone = [], None
            for q, work, patience, delay in steps:
                here = homes[q]
                if delay is None:  # walk from the previous step's zone (none before the first)
                    delay = walk[zone][here] if zone is not None else 0.0
                placed.append((q, work, patience, delay))
                zone = here
            first_queue[i], first_work[i], first_patience[i], _ = placed[0]
            if len(placed) > 1:
                rest[int(kept_index[i])] = tuple(placed[1:])
        keep = self.keep
        self.day.add(self.arrival[keep], first_queue[keep], first_work[keep], first_patience[keep], self.index, -1,
                     self.klass[keep], self.returns[keep], rest)


def _service_visitors(day: DayDraw, s: int, factor: float) -> tuple[int, int]:
    """Add service *s*'s visitors to *day*; return (online count, no-show count)."""
    draw = ServiceDraw(day, s, factor)
    for m in MECHANICS:
        m.classify(draw)
    draw.window_queue = draw.class_queues()
    for m in MECHANICS:
        m.route(draw)
    draw.finish()
    return draw.counts["online"], draw.counts["no_shows"]


def draw_visitors(hall: CompiledHall, seed: int, replication: int) -> Visitors:
    """All visitors of one replication with their itineraries, in order of first arrival."""
    factor = day_factor(hall, seed, replication)
    day = DayDraw(hall, seed, replication)
    online, no_shows = [], []
    for s in range(hall.n_services):
        o, ns = _service_visitors(day, s, factor)
        online.append(o)
        no_shows.append(ns)
    for m in MECHANICS:
        m.sources(day, factor)
    return day.finish(factor, online, no_shows)


__all__ = ["DayDraw", "ServiceDraw", "Visitors", "day_factor", "draw_visitors", "poisson_arrivals"]
