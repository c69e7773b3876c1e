"""Per-zone demand of a scenario for the analytic methods (an approximation).

The analytic methods (SIPP, lagged SIPP, MOL) see each zone as one queue with
Poisson arrivals at a rate per period, one mean service time and one mean
patience. From a scenario's services (times in minutes, rates per minute):

* a service's walk-ins at its zone: its rate x (1 - online_share
  - kiosk.share x (1 - kiosk.failure)) x (1 - appointments.share x no_show);
  service time = its mean x the zone's ``speed`` (or ``speed_by_service``);
* kiosk users: the kiosk zone gets rate x kiosk.share at the kiosk time;
* a guide desk: its zone gets every walk-in's rate x its share;
* same-day pick-up: the pick-up zone gets rate x back_office.share at the
  pick-up time, arriving later by the mean delay (rates lagged);
* bundles: ``visit_each`` adds the bundle's rate to each part's zone with that
  part's time; ``one_window`` adds it to the window zone with the bundle's time
  (or the parts' sum x reduction);
* the zone's mean service time is the demand-weighted mean of these, over the
  day; its mean patience the weighted mean of patience means, or infinite
  (Erlang C) when any of its demand has no patience.

Pooled windows (``serves``): a zone without windows of its own hands its demand to
the zones that serve it, split evenly; otherwise each zone is sized for the
demand queued at it (help from pooled windows is ignored). Also ignored: moves on alarm, walking times, misdirection at the guide desk, return
visits on another day, appointment slot rounding and the day-to-day variation
of demand. The simulation method needs none of this: it simulates the hall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimize.periods import format_clock
from optimize.queueing.offered_load import lagged_rates
from optimize.requirements import requirements_by_zone

__all__ = ["ZoneDemand", "analytic_requirements", "period_labels", "serving_zones", "zone_demand"]


@dataclass(frozen=True)
class ZoneDemand:
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


def period_labels(scenario) -> list[str]:
    """``"HH:MM"`` start of each period of *scenario*."""
    return [format_clock(s) for s in scenario.period_starts]


class _Accumulator:
    def __init__(self, zones, n):
        self.rates = {z: np.zeros(n) for z in zones}
        self.work = {z: 0.0 for z in zones}       # sum of rate x mean service over the day
        self.volume = {z: 0.0 for z in zones}     # sum of rates over the day
        self.patience = {z: 0.0 for z in zones}   # sum of rate x patience mean
        self.impatient = {z: True for z in zones}

    def add(self, zone, rates, mean_service, patience):
        rates = np.asarray(rates, float)
        total = float(rates.sum())
        if total <= 0:
            return
        self.rates[zone] += rates
        self.work[zone] += total * mean_service
        self.volume[zone] += total
        if patience is None:
            self.impatient[zone] = False
        else:
            self.patience[zone] += total * patience.mean


def serving_zones(scenario) -> dict[str, list[str]]:
    """For each zone, the other zones whose windows may serve its visitors (``serves``)."""
    services = {svc.id: svc for svc in scenario.services}
    ids = list(scenario.zone_ids)
    out: dict[str, list[str]] = {z: [] for z in ids}
    for zone in scenario.zones:
        if not zone.serves or zone.windows == 0:
            continue
        homes: set[str] = set()
        for item in (ids if zone.serves == "all" else zone.serves):
            key = item.split(".")[0]
            if key in out:
                homes.add(key)
            elif key in services:
                homes.add(services[key].zone)
            else:  # a category
                homes |= {svc.zone for svc in scenario.services if svc.category == key}
        for home in sorted(homes - {zone.id}, key=ids.index):
            out[home].append(zone.id)
    return out


def _speed(zone, service_id: str) -> float:
    return zone.speed_by_service.get(service_id, zone.speed)


def zone_demand(scenario) -> dict[str, ZoneDemand]:
    """The analytic view of every zone of *scenario* (a ``sim.Scenario``), by zone id."""
    n, period = scenario.n_periods, scenario.period_minutes
    zones = {z.id: z for z in scenario.zones}
    acc = _Accumulator(zones, n)
    gd = scenario.guide_desk
    for svc in scenario.services:
        base = np.asarray(scenario.rates_per_hour(svc.id), float) / 60.0
        kiosk_share = svc.kiosk.share if svc.kiosk else 0.0
        kiosk_fail = svc.kiosk.failure if svc.kiosk else 0.0
        no_show = svc.appointments.share * svc.appointments.no_show if svc.appointments else 0.0
        present = base * (1 - svc.online_share) * (1 - no_show)
        window = base * (1 - svc.online_share - kiosk_share * (1 - kiosk_fail)) * (1 - no_show)
        zone = zones[svc.zone]
        acc.add(svc.zone, window, svc.service_time.mean * _speed(zone, svc.id), svc.patience)
        if svc.kiosk:
            acc.add(svc.kiosk.zone, base * (1 - svc.online_share) * kiosk_share, svc.kiosk.service_time.mean, None)
        if gd is not None:
            acc.add(gd.zone, present * gd.share, gd.service_time.mean * zones[gd.zone].speed, None)
        bo = svc.back_office
        if bo is not None and bo.pickup == "same_day":
            lag = bo.delay.mean + svc.service_time.mean
            picked = np.asarray(lagged_rates(list(window * bo.share), period, lag))
            pz = zones[bo.pickup_zone]
            acc.add(bo.pickup_zone, picked, bo.pickup_time.mean * pz.speed, None)
    for bundle in scenario.bundles:
        rates = np.asarray(scenario.arrival_rates(bundle.arrivals), float) / 60.0
        parts = [scenario.service(p) for p in bundle.services]
        if bundle.mode == "one_window":
            wz = zones[bundle.window_zone]
            mean = (bundle.service_time.mean if bundle.service_time is not None
                    else sum(p.service_time.mean for p in parts) * bundle.reduction)
            acc.add(bundle.window_zone, rates, mean * wz.speed, bundle.patience)
        else:
            for p in parts:
                acc.add(p.zone, rates, p.service_time.mean * _speed(zones[p.zone], p.id), bundle.patience)
    servers = serving_zones(scenario)
    for z, zone in zones.items():
        targets = [y for y in servers[z] if zones[y].windows > 0]
        if zone.windows == 0 and targets and acc.volume[z] > 0:
            share = 1 / len(targets)
            for y in targets:
                acc.rates[y] += acc.rates[z] * share
                acc.work[y] += acc.work[z] * share * zones[y].speed
                acc.volume[y] += acc.volume[z] * share
                acc.patience[y] += acc.patience[z] * share
                acc.impatient[y] = acc.impatient[y] and acc.impatient[z]
            acc.rates[z] = np.zeros(n)
            acc.work[z] = acc.volume[z] = acc.patience[z] = 0.0
    out = {}
    for z in zones:
        volume = acc.volume[z]
        mean = acc.work[z] / volume if volume > 0 else 1.0
        patience = acc.patience[z] / volume if volume > 0 and acc.impatient[z] else math.inf
        out[z] = ZoneDemand(z, tuple(float(r) for r in acc.rates[z]), float(mean), float(patience))
    return out


def analytic_requirements(scenario, targets, method: str = "sipp") -> pd.DataFrame:
    """Staff needed per zone and period by *method* (``sipp``, ``lag``, ``mol``).

    A DataFrame, index zone, columns the period labels ``"HH:MM"``; not capped
    at the zone's windows. The hall opens empty (rate 0 before opening). With
    patience, service levels use Erlang A's ``"served"`` definition - an
    abandoner is a miss, as the simulator counts it.
    """
    demand = zone_demand(scenario)
    frame = requirements_by_zone(
        {z: list(d.rates) for z, d in demand.items()}, period_minutes=scenario.period_minutes,
        mean_service={z: d.mean_service for z, d in demand.items()}, targets=targets, method=method,
        mean_patience={z: d.mean_patience for z, d in demand.items()}, definition="served")
    frame.columns = pd.Index(period_labels(scenario), name="period")
    return frame.astype(int)
