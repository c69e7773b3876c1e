"""Draw one replication's visitors, with their itineraries, before the model runs.

Each service's base demand (arrival times, service times, patience) comes from its
own named streams; every mechanism (online share, kiosks, appointments, the green
channel, the guide desk, the back office) draws its decisions from streams of its
own. So switching a mechanism on or off changes only the visitors it touches, and
a visitor keeps its service time whatever the staffing: comparisons stay paired.

An itinerary is a list of steps ``(queue, work, patience, delay)``: queue index,
minutes of service at a window of speed 1, minutes of patience (``inf`` = none),
and minutes between the end of the previous step and the arrival at this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..clock import parse_clock
from ..streams import stream
from .plan import HallPlan
from .queues import BOOKED, GREEN, WALK_IN, redirect_zones

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


def day_factor(plan: HallPlan, seed: int, replication: int) -> float:
    """The day's demand multiplier: gamma with mean 1 and the scenario's cv (1 without)."""
    dv = plan.scenario.day_variation
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


def assign_slots(intended: np.ndarray, open_m: float, close_m: float, slot: float, per_slot: int) -> np.ndarray:
    """Slot start for each booking (in order of *intended* time), or NaN when the day is full.

    A booking takes the slot holding its intended time, else the next one with room.
    """
    n_slots = int(np.ceil((close_m - open_m) / slot))
    free = np.full(n_slots, per_slot)
    out = np.full(len(intended), np.nan)
    for i in np.argsort(intended, kind="stable"):
        k = int((intended[i] - open_m) // slot)
        while k < n_slots and free[k] == 0:
            k += 1
        if k < n_slots:
            free[k] -= 1
            out[i] = open_m + k * slot
    return out


class _Day:
    """Accumulates first steps and itineraries of one day's visitors."""

    def __init__(self, plan: HallPlan, seed: int, replication: int):
        self.plan, self.seed, self.rep = plan, seed, replication
        self.cols = {k: [] for k in ("arrival", "queue", "work", "patience", "service", "bundle", "klass", "returns")}
        self.rest_parts: list[tuple[int, tuple]] = []  # (index in concatenation order, steps)
        self.count = 0

    def rng(self, purpose: str, key: str) -> np.random.Generator:
        return stream(self.seed, self.rep, purpose, key)

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


def _service_visitors(day: _Day, s: int, factor: float) -> tuple[int, int]:
    """Add service *s*'s visitors to *day*; return (online count, no-show count)."""
    plan = day.plan
    sc = plan.scenario
    svc = sc.services[s]
    sid = svc.id
    home = plan.queues[plan.queue_of(sid)].home
    rates = np.asarray(sc.rates_per_hour(sid)) / 60.0 * factor
    times = poisson_arrivals(day.rng("arrivals", sid), rates, plan.open, plan.period)
    n = len(times)
    work = svc.service_time.sample(day.rng("service", sid), n)
    patience = np.full(n, INF) if svc.patience is None else svc.patience.sample(day.rng("patience", sid), n)

    kiosk_share = svc.kiosk.share if svc.kiosk else 0.0
    appt_share = svc.appointments.share if svc.appointments else 0.0
    if svc.online_share + kiosk_share + appt_share > 0:
        u = day.rng("channel", sid).random(n)
    else:
        u = np.ones(n)
    c1 = svc.online_share
    c2 = c1 + kiosk_share
    c3 = c2 + appt_share
    online = u < c1
    kiosk = (u >= c1) & (u < c2)
    booked = (u >= c2) & (u < c3)
    klass = np.full(n, WALK_IN)
    klass[booked] = BOOKED
    arrival = times.copy()
    keep = ~online

    no_shows = 0
    if booked.any():
        appt = svc.appointments
        slots = assign_slots(times[booked], plan.open, plan.close, appt.slot_minutes, appt.per_slot)
        idx = np.flatnonzero(booked)
        full = np.isnan(slots)
        klass[idx[full]] = WALK_IN  # the day was full: they walk in at their intended time
        shows = day.rng("no_show", sid).random(len(idx)) >= appt.no_show
        offset = np.zeros(len(idx)) if appt.punctuality is None else appt.punctuality.sample(day.rng("punctuality", sid), len(idx))
        booked_ok = ~full
        arrival[idx[booked_ok]] = np.clip(slots[booked_ok] + offset[booked_ok], plan.open, np.nextafter(plan.close, 0))
        gone = booked_ok & ~shows
        keep[idx[gone]] = False
        no_shows = int(gone.sum())
    if svc.green_share > 0:
        green = (day.rng("green", sid).random(n) < svc.green_share) & (klass == WALK_IN) & ~kiosk
        klass[green] = GREEN

    queue_for_class = {WALK_IN: plan.queue_of(sid)}
    if svc.appointments is not None:
        queue_for_class[BOOKED] = plan.queue_of(f"{sid}.booked")
    if svc.green_share > 0:
        queue_for_class[GREEN] = plan.queue_of(f"{sid}.green")
    window_queue = np.vectorize(queue_for_class.get, otypes=[np.int64])(klass) if n else np.zeros(0, dtype=np.int64)

    returns = np.zeros(n, dtype=np.int64)
    if svc.missing_materials > 0 and not sc.accept_with_deficiencies:
        returns += day.rng("missing", sid).random(n) < svc.missing_materials
    pickup = np.zeros(n, dtype=bool)
    bo = svc.back_office
    if bo is not None:
        to_back = day.rng("back_office", sid).random(n) < bo.share
        if bo.pickup == "another_day":
            returns += to_back & ~kiosk
        elif bo.pickup == "same_day":
            pickup = to_back & ~kiosk
            delay = bo.delay.sample(day.rng("pickup_delay", sid), n)
            pickup_work = bo.pickup_time.sample(day.rng("pickup_time", sid), n)
            pickup_queue = plan.queue_of(f"pickup@{bo.pickup_zone}")

    guided = np.zeros(n, dtype=bool)
    gd = sc.guide_desk
    if gd is not None:
        guided = day.rng("guide", sid).random(n) < gd.share
        guide_work = gd.service_time.sample(day.rng("guide_time", sid), n)
        guide_queue = plan.queue_of("guide")
        guide_zone = plan.queues[guide_queue].home
        wrong = day.rng("misdirect", sid).random(n) < gd.misdirected
        choices = [z for z in redirect_zones(sc) if z != home]
        wrong_zone = day.rng("misdirect_zone", sid).choice(choices, n) if choices else np.full(n, -1)
        redirect_work = gd.redirect_time.sample(day.rng("redirect", sid), n)
    if kiosk.any():
        ks = svc.kiosk
        kiosk_work = ks.service_time.sample(day.rng("kiosk", sid), n)
        kiosk_failed = day.rng("kiosk_fail", sid).random(n) < ks.failure
        kiosk_queue = plan.queue_of(f"kiosk@{ks.zone}")
        kiosk_zone = plan.queues[kiosk_queue].home

    # Single-step visitors stay vectorised; the others get an itinerary.
    multi = keep & (guided | kiosk | pickup)
    first_queue = window_queue.copy()
    first_work = work.copy()
    first_patience = patience.copy()
    rest = {}
    kept_index = np.cumsum(keep) - 1
    for i in np.flatnonzero(multi):
        steps = []
        zone = None
        if guided[i]:
            steps.append((guide_queue, float(guide_work[i]), INF, 0.0))
            zone = guide_zone
            if wrong[i] and wrong_zone[i] >= 0:
                wz = int(wrong_zone[i])
                steps.append((plan.queue_of(f"misdirected@{sc.zones[wz].id}"), float(redirect_work[i]), INF, float(plan.walk[zone, wz])))
                zone = wz
        if kiosk[i]:
            steps.append((kiosk_queue, float(kiosk_work[i]), INF, float(plan.walk[zone, kiosk_zone]) if zone is not None else 0.0))
            zone = kiosk_zone
            if kiosk_failed[i]:
                steps.append((int(window_queue[i]), float(work[i]), float(patience[i]), float(plan.walk[zone, home])))
        else:
            steps.append((int(window_queue[i]), float(work[i]), float(patience[i]), float(plan.walk[zone, home]) if zone is not None else 0.0))
            if pickup[i]:
                steps.append((pickup_queue, float(pickup_work[i]), INF, float(delay[i])))
        first_queue[i], first_work[i], first_patience[i], _ = steps[0]
        if len(steps) > 1:
            rest[int(kept_index[i])] = tuple(steps[1:])
    day.add(arrival[keep], first_queue[keep], first_work[keep], first_patience[keep], s, -1, klass[keep], returns[keep], rest)
    return int(online.sum()), no_shows


def _bundle_visitors(day: _Day, b: int, factor: float) -> None:
    plan = day.plan
    sc = plan.scenario
    bundle = sc.bundles[b]
    rates = np.asarray(sc.arrival_rates(bundle.arrivals)) / 60.0 * factor
    times = poisson_arrivals(day.rng("bundle_arrivals", bundle.id), rates, plan.open, plan.period)
    n = len(times)
    parts = [sc.service(p) for p in bundle.services]
    works = np.array([p.service_time.sample(day.rng("bundle_work", f"{bundle.id}:{p.id}"), n) for p in parts]).reshape(len(parts), n)
    patience = np.full(n, INF) if bundle.patience is None else bundle.patience.sample(day.rng("bundle_patience", bundle.id), n)
    if bundle.mode == "one_window":
        if bundle.service_time is not None:
            work = bundle.service_time.sample(day.rng("bundle_time", bundle.id), n)
        else:
            work = works.sum(axis=0) * bundle.reduction
        day.add(times, plan.queue_of(f"bundle:{bundle.id}"), work, patience, -1, b, WALK_IN, 0)
        return
    queues = [plan.queue_of(p.id) for p in parts]
    zones = [plan.queues[q].home for q in queues]
    rest = {}
    for i in range(n):
        rest[i] = tuple((queues[k], float(works[k, i]), float(patience[i]), float(plan.walk[zones[k - 1], zones[k]]))
                        for k in range(1, len(parts)))
    day.add(times, queues[0], works[0], patience, -1, b, WALK_IN, 0, rest if len(parts) > 1 else None)


def draw_visitors(plan: HallPlan, seed: int, replication: int) -> Visitors:
    """All visitors of one replication with their itineraries, in order of first arrival."""
    factor = day_factor(plan, seed, replication)
    day = _Day(plan, seed, replication)
    online, no_shows = [], []
    for s in range(plan.n_services):
        o, ns = _service_visitors(day, s, factor)
        online.append(o)
        no_shows.append(ns)
    for b in range(len(plan.scenario.bundles)):
        _bundle_visitors(day, b, factor)
    return day.finish(factor, online, no_shows)


__all__ = ["Visitors", "assign_slots", "day_factor", "draw_visitors", "parse_clock", "poisson_arrivals"]
