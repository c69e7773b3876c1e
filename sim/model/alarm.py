"""Moving staff on alarm (一屏统览): a monitor that lends staff to long queues."""

from __future__ import annotations

from simpy.events import Timeout


class AlarmMonitor:
    """Every ``check_every`` minutes of opening hours, look at every zone's queue.

    A zone whose queue exceeds the threshold (and is not cooling down) receives one
    person from the donor with the lightest load — (waiting + busy) per staffed
    window — among zones that may help it, have someone to spare above ``min_staff``
    and no alarm of their own. The donor's window closes at once (after its current
    visitor); the person opens a window at the receiver after ``switch_minutes``.
    When the receiver's queue falls to ``return_level``, lent staff go back.
    Each move is kept as (time, from, to, is_return).
    """

    def __init__(self, model):
        self.model = model
        self.cfg = model.plan.alarm
        self.moves: list[tuple[float, int, int, int]] = []
        self.lent: dict[int, list[int]] = {}  # receiver -> donors, one entry per person
        self.cooling_until: dict[int, float] = {}
        self.count = 0

    def run(self):
        model, cfg = self.model, self.cfg
        env = model.env
        while env.now + cfg.check_every < model.plan.close:
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

    def _load(self, z) -> float:
        return (z.waiting + z.busy) / max(z.target, 1)

    def _donor(self, r: int):
        zones = self.model.zones
        best, best_load = None, None
        for d in self.model.plan.donors_of[r]:
            z = zones[d]
            if z.target - 1 < self.model.plan.min_staff[d] or z.waiting > self.cfg.threshold // 2:
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
        model._apply_staff(donor)
        self.moves.append((now, d, r, int(is_return)))
        if not is_return:
            self.count += 1
            self.cooling_until[r] = now + self.cfg.cooldown
            self.lent.setdefault(r, []).append(d)
        else:
            self.lent[d].remove(r)
        Timeout(model.env, self.cfg.switch_minutes, r).callbacks.append(self._arrive)

    def _arrive(self, event) -> None:
        z = self.model.zones[event._value]
        z.offset += 1
        self.model._apply_staff(z)

    def _give_back(self, r: int) -> None:
        for d in list(self.lent[r]):
            self._move(r, d, is_return=True)
