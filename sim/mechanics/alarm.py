"""Moving staff on alarm (一屏统览): a monitor lends staff to zones whose queue is too long.

Schema: ``alarm`` (:class:`Alarm`) and the zone fields ``can_help`` and ``min_staff``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Optional

from pydantic import Field

from ..fields import Frozen, NonNegFloat, NonNegInt, PositiveFloat
from .base import Coupling, Mechanic, Problem, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.scenario.schema import Scenario
    from sim.topology import Topology


class Alarm(Frozen):
    """Move staff to a zone whose queue exceeds *threshold* (一屏统览; the seeds use 20).

    Every *check_every* minutes of opening hours, the monitor takes one person from
    the donor zone with the lightest load that may help (``can_help``) and stays at or
    above its ``min_staff``; the person starts at the receiving zone after
    *switch_minutes*. A zone receives again only after *cooldown* minutes; at most
    *max_moves* moves a day. Moved staff go back when the queue falls to *return_below*.
    """

    threshold: Annotated[int, Field(ge=1, strict=True)] = 20
    check_every: PositiveFloat = 5.0
    switch_minutes: NonNegFloat = 5.0
    cooldown: NonNegFloat = 30.0
    max_moves: Annotated[int, Field(ge=0, strict=True)] = 20
    return_below: Optional[NonNegInt] = None

    @property
    def return_level(self) -> int:
        return self.threshold // 4 if self.return_below is None else self.return_below


def helped_zones(s: Scenario, zone) -> list[str]:
    """The zones *zone*'s staff may be moved to (``can_help``)."""
    return [z for z in s.zone_ids if z != zone.id] if zone.can_help == "all" else list(zone.can_help)


def donors(s: Scenario) -> list[tuple[int, ...]]:
    """For each zone, the zones whose staff may be moved to it."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    helps = [{zindex[t] for t in helped_zones(s, z)} for z in s.zones]
    return [tuple(d for d in range(len(s.zones)) if d != r and r in helps[d]) for r in range(len(s.zones))]


class AlarmMechanic(Mechanic):
    name = "alarm"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        for i, z in enumerate(s.zones):
            if z.can_help != "all":
                for k, target in enumerate(z.can_help):
                    problems += zone_ref(s, f"zones[{i}].can_help[{k}]", target, need_windows=False)
        return problems

    def couplings(self, s: Scenario, topo: Topology) -> Iterable[Coupling]:
        if s.alarm is None:
            return []
        return [Coupling(z.id, other, strong=True) for z in s.zones for other in helped_zones(s, z)]

    def processes(self, model) -> list:
        return [] if model.hall.alarm is None else [AlarmMonitor(model).run()]


class AlarmMonitor:
    """Every ``check_every`` minutes of opening hours, look at every zone's queue.

    A zone whose queue exceeds the threshold (and is not cooling down) receives one
    person from the donor with the lightest load — (waiting + busy) per staffed
    window — among zones that may help it, have someone to spare above ``min_staff``
    and no alarm of their own. The donor's window closes at once (after its current
    visitor); the person opens a window at the receiver after ``switch_minutes``.
    When the receiver's queue falls to ``return_level``, lent staff go back.
    Each move is kept in the model's ``moves`` as (time, from, to, is_return).
    """

    def __init__(self, model):
        self.model = model
        self.cfg = model.hall.alarm
        self.lent: dict[int, list[int]] = {}  # receiver -> donors, one entry per person
        self.cooling_until: dict[int, float] = {}
        self.count = 0

    def run(self):
        from simpy.events import Timeout  # the engine, loaded when a day runs

        model, cfg = self.model, self.cfg
        env = model.env
        while env.now + cfg.check_every < model.hall.close:
            yield Timeout(env, cfg.check_every)
            self.check()

    def check(self) -> None:
        now = self.model.env.now
        zones = self.model.zones
        for r, receiver in enumerate(zones):
            if receiver.waiting <= self.cfg.return_level and self.lent.get(r):
                self._give_back(r)
        for r, receiver in enumerate(zones):
            if self.count >= self.cfg.max_moves:
                return
            if receiver.waiting <= self.cfg.threshold or now < self.cooling_until.get(r, -1.0):
                continue
            if receiver.planned + receiver.offset >= receiver.windows:
                continue  # no free window to open
            donor = self._donor(r)
            if donor is None:
                continue
            self._move(donor, r)

    @staticmethod
    def _load(z) -> float:
        return (z.waiting + z.busy) / max(z.target, 1)

    def _donor(self, r: int):
        zones = self.model.zones
        hall = self.model.hall
        best, best_load = None, None
        for d in hall.donors_of[r]:
            z = zones[d]
            if z.target - 1 < hall.min_staff[d] or z.waiting > self.cfg.threshold // 2:
                continue
            load = self._load(z)
            if best_load is None or load < best_load:
                best, best_load = d, load
        return best

    def _move(self, d: int, r: int, is_return: bool = False) -> None:
        model = self.model
        now = model.env.now
        donor = model.zones[d]
        donor.offset -= 1
        model.apply_staff(donor)
        model.moves.append((now, d, r, int(is_return)))
        if not is_return:
            self.count += 1
            self.cooling_until[r] = now + self.cfg.cooldown
            self.lent.setdefault(r, []).append(d)
        else:
            self.lent[d].remove(r)
        model.timeout(self.cfg.switch_minutes, r).callbacks.append(self._arrive)

    def _arrive(self, event) -> None:
        z = self.model.zones[event._value]
        z.offset += 1
        self.model.apply_staff(z)

    def _give_back(self, r: int) -> None:
        for d in list(self.lent[r]):
            self._move(r, d, is_return=True)


MECHANIC = AlarmMechanic()
