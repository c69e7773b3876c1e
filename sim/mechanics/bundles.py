"""One-visit bundles (高效办成一件事): several services needed in one trip.

Schema: ``bundles`` (:class:`Bundle`), each with arrivals of its own. ``visit_each``:
the visitor queues at each service's zone in turn, walking between them;
``one_window``: one visit at a dedicated window zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import numpy as np
from pydantic import Field, model_validator

from ..distributions import Distribution
from ..fields import Arrivals, Frozen, Id, arrival_problems
from .base import WALK_IN, Coupling, Mechanic, Problem, QueueSpec, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import DayDraw
    from sim.scenario.schema import Scenario
    from sim.topology import Topology

INF = float("inf")


class Bundle(Frozen):
    """A set of services a visitor needs in one trip (高效办成一件事).

    ``visit_each``: the visitor queues at each service's zone in turn, walking between
    them. ``one_window``: one visit at *window_zone* whose service time is
    *service_time* if given, else the sum of the parts' times times *reduction*.
    """

    id: Id
    name: Optional[str] = None
    services: Annotated[list[Id], Field(min_length=1)]
    arrivals: Arrivals
    mode: Literal["visit_each", "one_window"] = "visit_each"
    window_zone: Optional[Id] = None
    reduction: Annotated[float, Field(gt=0)] = 1.0
    service_time: Optional[Distribution] = None
    patience: Optional[Distribution] = None
    priority: int = Field(default=0, strict=True)

    @model_validator(mode="after")
    def _window_zone(self):
        if self.mode == "one_window" and self.window_zone is None:
            raise ValueError("mode one_window needs window_zone")
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    def one_window_mean(self, scenario: Scenario) -> float:
        """Mean minutes of a one-window visit at speed 1."""
        if self.service_time is not None:
            return self.service_time.mean
        return sum(scenario.service(p).service_time.mean for p in self.services) * self.reduction


class Bundles(Mechanic):
    name = "bundles"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        service_ids = set(s.service_ids)
        first: dict[str, int] = {}
        for b, bundle in enumerate(s.bundles):
            if bundle.id in first:
                problems.append((f"bundles[{b}].id", f"duplicate id {bundle.id!r} (also bundles[{first[bundle.id]}])"))
            first.setdefault(bundle.id, b)
            for k, sid in enumerate(bundle.services):
                if sid not in service_ids:
                    problems.append((f"bundles[{b}].services[{k}]", f"unknown service {sid!r}"))
            if bundle.window_zone is not None:
                problems += zone_ref(s, f"bundles[{b}].window_zone", bundle.window_zone)
            problems += arrival_problems(s, bundle.arrivals, f"bundles[{b}].arrivals")
        return problems

    def queues(self, s: Scenario, zone_index: dict[str, int]) -> list[QueueSpec]:
        return [QueueSpec(f"bundle:{b.id}", "bundle", zone_index[b.window_zone], bundle=k, priority=b.priority)
                for k, b in enumerate(s.bundles) if b.mode == "one_window" and b.window_zone is not None]

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        for b in s.bundles:
            if b.mode == "visit_each":
                zones = [s.service(p).zone for p in b.services]
                yield from (Coupling(zones[0], z, strong=True) for z in zones[1:])

    def sources(self, day: DayDraw, factor: float) -> None:
        for b in range(len(day.scenario.bundles)):
            _bundle_visitors(day, b, factor)

    def flows(self, book: FlowBook) -> None:
        s = book.scenario
        for bundle in s.bundles:
            rates = book.rates(bundle.arrivals)
            if bundle.mode == "one_window":
                book.add(f"bundle:{bundle.id}", rates, bundle.one_window_mean(s), bundle.patience)
            else:
                for p in bundle.services:
                    book.add(p, rates, s.service(p).service_time.mean, bundle.patience)


def _bundle_visitors(day: DayDraw, b: int, factor: float) -> None:
    hall, sc = day.hall, day.scenario
    bundle = sc.bundles[b]
    rates = np.asarray(sc.arrival_rates(bundle.arrivals)) / 60.0 * factor
    times = day.arrivals(day.rng("bundle_arrivals", bundle.id), rates)
    n = len(times)
    parts = [sc.service(p) for p in bundle.services]
    works = np.array([p.service_time.sample(day.rng("bundle_work", f"{bundle.id}:{p.id}"), n) for p in parts]).reshape(len(parts), n)
    patience = np.full(n, INF) if bundle.patience is None else bundle.patience.sample(day.rng("bundle_patience", bundle.id), n)
    if bundle.mode == "one_window":
        if bundle.service_time is not None:
            work = bundle.service_time.sample(day.rng("bundle_time", bundle.id), n)
        else:
            work = works.sum(axis=0) * bundle.reduction
        day.add(times, hall.queue_of(f"bundle:{bundle.id}"), work, patience, -1, b, WALK_IN, 0)
        return
    queues = [hall.queue_of(p.id) for p in parts]
    zones = [hall.queues[q].home for q in queues]
    rest = {}
    for i in range(n):
        rest[i] = tuple((queues[k], float(works[k, i]), float(patience[i]), float(hall.walk[zones[k - 1], zones[k]]))
                        for k in range(1, len(parts)))
    day.add(times, queues[0], works[0], patience, -1, b, WALK_IN, 0, rest if len(parts) > 1 else None)


MECHANIC = Bundles()
