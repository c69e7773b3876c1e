"""A scenario compiled into index-based arrays that the SimPy model reads quickly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario


@dataclass(frozen=True)
class HallPlan:
    """Everything the model needs, by position. Times in minutes since midnight.

    *staff* is (zones x periods); *rates* is (services x periods) in arrivals per
    minute; *servers_of[s]* lists the zones whose windows may serve service *s*
    (its own zone first); *serves[z]* lists the services zone *z* may serve.
    """

    scenario: Scenario
    open: float
    close: float
    period: float
    n_periods: int
    zone_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    windows: np.ndarray
    staff: np.ndarray
    queue_limit: tuple[int | None, ...]
    service_zone: np.ndarray
    priority: np.ndarray
    rates: np.ndarray
    servers_of: tuple[tuple[int, ...], ...]
    serves: tuple[tuple[int, ...], ...]
    window_offset: np.ndarray  # global id of each zone's first window

    @property
    def n_zones(self) -> int:
        return len(self.zone_ids)

    @property
    def n_services(self) -> int:
        return len(self.service_ids)

    @property
    def period_edges(self) -> np.ndarray:
        return self.open + self.period * np.arange(self.n_periods + 1)

    def window_labels(self) -> list[str]:
        """``zone-k`` (k from 1) for every window, in global id order."""
        return [f"{z}-{k + 1}" for z, n in zip(self.zone_ids, self.windows) for k in range(int(n))]


def compile_plan(scenario: Scenario) -> HallPlan:
    """Compile a validated *scenario* into a HallPlan."""
    zone_ids = tuple(scenario.zone_ids)
    zindex = {z: i for i, z in enumerate(zone_ids)}
    services = scenario.services
    service_zone = np.array([zindex[s.zone] for s in services], dtype=np.int64)
    windows = np.array([z.windows for z in scenario.zones], dtype=np.int64)
    staff = np.array([scenario.staff_per_period(z) for z in zone_ids], dtype=np.int64).reshape(len(zone_ids), -1)
    rates = np.array([scenario.rates_per_hour(s.id) for s in services], dtype=float).reshape(len(services), -1) / 60.0
    servers_of = tuple((int(service_zone[s]),) for s in range(len(services)))
    serves = tuple(tuple(s for s in range(len(services)) if service_zone[s] == z) for z in range(len(zone_ids)))
    offsets = np.concatenate([[0], np.cumsum(windows)[:-1]]).astype(np.int64)
    return HallPlan(
        scenario=scenario,
        open=float(scenario.open_minute),
        close=float(scenario.close_minute),
        period=float(scenario.period_minutes),
        n_periods=scenario.n_periods,
        zone_ids=zone_ids,
        service_ids=tuple(scenario.service_ids),
        windows=windows,
        staff=staff,
        queue_limit=tuple(z.queue_limit for z in scenario.zones),
        service_zone=service_zone,
        priority=np.array([s.priority for s in services], dtype=np.int64),
        rates=rates,
        servers_of=servers_of,
        serves=serves,
        window_offset=offsets,
    )
