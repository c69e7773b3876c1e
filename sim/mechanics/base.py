"""The protocol every hall mechanic implements.

A mechanic (pooled windows, bundles, appointments, ...) is one module: its part of
the scenario schema (pydantic models, used as field types by ``sim.scenario``) and
one :class:`Mechanic` object whose hooks the rest of the product loops over:

* ``check(scenario)``: its cross-field problems, ``[(field path, message)]``;
* ``class_queues(scenario, service)`` and ``queues(scenario)``: the queues it adds
  (the hall topology, ``sim.topology``, numbers them);
* ``couplings(scenario, topology)``: pairs of zones whose queues it couples, strongly (a change
  of staff in one moves the other's waits: pooled windows, moves on alarm, a visitor
  walking from one queue to the next) or weakly (it only shifts when visitors arrive);
* ``channels(service)``, ``classify(draw)`` and ``route(draw)``: the engine's random
  draws for one service's visitors of one day - which channel they come by, their
  class, and the steps it adds to their itinerary (each from named random streams
  of its own, so switching it on or off leaves every other draw as it was);
* ``sources(draw_day)``: visitors of its own (a bundle's arrivals);
* ``flows(book)``: its part of the expected flow of visits through the queues (arrival
  rate per period, mean work, mean patience). The analytic methods of ``optimize``
  read each zone's offered load from these flows, and streaming reads the expected
  number of visit records from them: one description, two uses;
* ``processes(model)``: SimPy processes it runs during the day (the alarm monitor).

Every hook has a default that does nothing, so a mechanic implements only what it
touches. Hooks receive the objects they work on; the engine's and the analytic
layer's types are named here only for type checkers, so this package sits below
``sim.topology``, ``sim.scenario`` and ``sim.model``.

Times are minutes, rates per minute unless a name says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # pragma: no cover
    from sim.flows import FlowBook
    from sim.model.visitors import DayDraw, ServiceDraw
    from sim.scenario.schema import Scenario, Service
    from sim.topology import Topology

Problem = tuple[str, str]

WALK_IN, BOOKED, GREEN = 0, 1, 2
CLASS_NAMES = ("walk_in", "booked", "green")
"""Visitor classes, by code; ``priority_order`` ranks them by name."""


@dataclass(frozen=True)
class QueueSpec:
    """One queue of the hall: *kind* is service, bundle, guide, kiosk, pickup or misdirected.

    *home* is the zone (index) where it waits; *service* and *bundle* the indices it
    belongs to (-1 for none); *klass* the visitor class; *priority* lower first.
    """

    label: str
    kind: str
    home: int
    service: int = -1
    bundle: int = -1
    klass: int = WALK_IN
    priority: int = 0


@dataclass(frozen=True)
class Coupling:
    """Zones *a* and *b* (ids) interact; *strong* when a change of staff in one moves waits in the other."""

    a: str
    b: str
    strong: bool


class Mechanic:
    """A hall mechanic: override the hooks it needs (see the module docstring)."""

    name: str = ""
    channel_rank: int = 0  # order of its channels in the one channel draw per service

    def check(self, scenario: Scenario) -> list[Problem]:
        return []

    def class_queues(self, scenario: Scenario, service: int) -> list[tuple[int, str]]:
        """Extra window queues of service *service*: ``(class code, label)``."""
        return []

    def queues(self, scenario: Scenario, zone_index: dict[str, int]) -> list[QueueSpec]:
        return []

    def couplings(self, scenario: Scenario, topology: Topology) -> Iterable[Coupling]:
        return ()

    def channels(self, service: Service) -> list[tuple[str, float, float, float]]:
        """Channels other than walking in that this mechanic takes visitors by:
        ``(name, share, present, window)`` - the share of the service's visitors who take
        it, and the fractions of those who come to the hall and who reach a window."""
        return []

    def classify(self, draw: ServiceDraw) -> None:
        """Set who comes (``keep``), when (``arrival``) and in which class (``klass``)."""

    def route(self, draw: ServiceDraw) -> None:
        """Add steps before, instead of or after the window step, and return visits."""

    def sources(self, day: DayDraw, factor: float) -> None:
        """Add visitors of its own to *day* (arrival rates times the day's *factor*)."""

    def flows(self, book: FlowBook) -> None:
        """Add its expected visits to *book*."""

    def processes(self, model: Any) -> list:
        """SimPy generators to run during the day of *model* (a ``sim.model.hall.HallModel``)."""
        return []


def zone_ref(s: Scenario, path: str, zone_id: str, need_windows: bool = True) -> list[Problem]:
    """A problem if *zone_id* is not a zone of *s* (or, with *need_windows*, has no windows)."""
    ids = s.zone_ids
    if zone_id not in ids:
        return [(path, f"unknown zone {zone_id!r}; known zones: {', '.join(ids)}")]
    if need_windows and s.zone(zone_id).windows == 0:
        return [(path, f"zone {zone_id!r} has no windows")]
    return []


def walk_step(queue: int, work: float, patience: float = float("inf")) -> tuple[int, float, float, Optional[float]]:
    """A step reached by walking from the zone of the previous step."""
    return (queue, work, patience, None)
