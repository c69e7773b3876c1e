"""Service targets: ``wait<=15@80%``, ``mean_wait<=10``, ``abandon<=5%``.

Waits are in minutes; a wait is the time from arrival to service start, or to
leaving for a visitor who abandons (the simulator's definition). Each kind of
target is one :class:`TargetKind` object that owns its text form, its direction,
its estimator from simulated KPIs and its analytic criterion; everything else
(verification, requirements, the optimizer's loops) asks the kind, never
branches on its name. ``KINDS`` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import numpy as np

from optimize.errors import TargetError

__all__ = ["KINDS", "Target", "TargetKind", "parse_target", "parse_targets"]

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
FORMS = "'wait<=MIN@PCT%', 'mean_wait<=MIN' or 'abandon<=PCT%'"


def _fraction(number: str, percent: str, text: str, low_ok: bool, high_ok: bool) -> float:
    value = float(number)
    if not percent:
        if value > 1:
            raise TargetError(f"target {text!r}: a fraction without '%' must be <= 1, "
                              f"got {number}; write {number}% for a percentage")
        value *= 100
    above_low = value > 0 or (low_ok and value == 0)
    below_high = value < 100 or (high_ok and value == 100)
    if not (above_low and below_high):
        bounds = f"{'[' if low_ok else '('}0, 100{']' if high_ok else ')'}"
        raise TargetError(f"target {text!r}: percentage must be in {bounds}, got {value:g}%")
    return value / 100


class TargetKind:
    """One kind of target (strategy object); subclasses fill in every hook.

    *name* is the kind's name (``Target.kind``); *higher_is_better* the direction of
    its achieved value; *percent* whether it is a share (shown in percent);
    *needs_wait*/*needs_fraction* which of the target's numbers it uses.
    """

    name = ""
    higher_is_better = False
    percent = False
    needs_wait = False
    needs_fraction = False
    pattern: re.Pattern

    def parse(self, match: re.Match, text: str) -> Target:  # pragma: no cover - abstract
        raise NotImplementedError

    def text(self, target: Target) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self, target: Target) -> None:
        """Raise TargetError if the target's numbers are out of range."""

    def required(self, target: Target) -> float:
        """The value the achieved estimate is compared with."""
        raise NotImplementedError  # pragma: no cover - abstract

    def kpi_wait(self, target: Target, default: float) -> float:
        """The service-level wait the KPIs are computed for (*default*: the scenario's)."""
        return default

    def ratio(self, grid) -> tuple:
        """(numerator, denominator) arrays of the estimate, from ``grid(column)``: per-cell,
        per-replication totals of the simulated zone-period KPIs (``Results.kpis``)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def criterion(self, target: Target) -> tuple[str, object]:
        """The keyword and value of the exact minimum-staffing functions
        (``optimize.queueing.min_servers``) that express this target."""
        raise NotImplementedError  # pragma: no cover - abstract

    def meets(self, achieved: float, required: float, tol: float = 1e-9) -> bool:
        return achieved >= required - tol if self.higher_is_better else achieved <= required + tol

    def room(self, achieved, required):
        """How far *achieved* is on the good side of *required*, in the target's own units
        (negative: missed by that much)."""
        return achieved - required if self.higher_is_better else required - achieved

    def margin(self, achieved, required):
        """How far *achieved* is on the good side of *required* (negative: missed), on a
        scale comparable across kinds (shares as they are; waits relative to the target)."""
        if self.higher_is_better:
            return achieved - required
        return (required - achieved) / np.maximum(required, 1e-9)


class ServiceLevel(TargetKind):
    """``wait<=W@P%``: P(called within W minutes) >= P (abandoners are misses)."""

    name = "service_level"
    higher_is_better = True
    percent = True
    needs_wait = needs_fraction = True
    pattern = re.compile(rf"^wait<={_NUMBER}(?:min)?@{_NUMBER}(%?)$")

    def parse(self, m, text):
        return Target(self.name, float(m[1]), _fraction(m[2], m[3], text, False, True))

    def text(self, t):
        return f"wait<={t.wait:g}@{100 * t.fraction:g}%"

    def check(self, t):
        if not 0 < t.fraction <= 1:
            raise TargetError(f"service-level fraction must be in (0, 1], got {t.fraction!r}")

    def required(self, t):
        return t.fraction

    def kpi_wait(self, t, default):
        return t.wait

    def ratio(self, grid):
        joined = grid("served") + grid("abandoned")
        return grid("service_level") * joined, joined

    def criterion(self, t):
        return "service_level", (t.wait, t.fraction)


class MeanWait(TargetKind):
    """``mean_wait<=W``: E[W] <= W minutes (abandoners count their time before leaving)."""

    name = "mean_wait"
    needs_wait = True
    pattern = re.compile(rf"^mean_wait<={_NUMBER}(?:min)?$")

    def parse(self, m, text):
        return Target(self.name, float(m[1]))

    def text(self, t):
        return f"mean_wait<={t.wait:g}"

    def required(self, t):
        return t.wait

    def ratio(self, grid):
        joined = grid("served") + grid("abandoned")
        return grid("mean_wait") * joined, joined

    def criterion(self, t):
        return "max_mean_wait", t.wait


class Abandon(TargetKind):
    """``abandon<=P%``: P(abandon) <= P."""

    name = "abandon"
    percent = True
    needs_fraction = True
    pattern = re.compile(rf"^abandon<={_NUMBER}(%?)$")

    def parse(self, m, text):
        return Target(self.name, fraction=_fraction(m[1], m[2], text, True, False))

    def text(self, t):
        return f"abandon<={100 * t.fraction:g}%"

    def check(self, t):
        if not 0 <= t.fraction < 1:
            raise TargetError(f"abandon fraction must be in [0, 1), got {t.fraction!r}")

    def required(self, t):
        return t.fraction

    def ratio(self, grid):
        return grid("abandoned"), grid("visits")

    def criterion(self, t):
        return "max_abandon", t.fraction


KINDS: dict[str, TargetKind] = {k.name: k for k in (ServiceLevel(), MeanWait(), Abandon())}


@dataclass(frozen=True)
class Target:
    """One service target.

    *kind* ``"service_level"``: P(W <= *wait*) >= *fraction*;
    ``"mean_wait"``: E[W] <= *wait*; ``"abandon"``: P(abandon) <= *fraction*.
    *wait* in minutes, *fraction* in [0, 1]. ``wait<=0@90%`` means
    P(no wait) >= 90 %, i.e. a delay probability of at most 10 %.
    """

    kind: str
    wait: Optional[float] = None
    fraction: Optional[float] = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise TargetError(f"target kind must be one of {tuple(KINDS)}, got {self.kind!r}")
        spec = self.spec
        if spec.needs_wait != (self.wait is not None):
            raise TargetError(f"a {self.kind} target {'needs' if spec.needs_wait else 'takes no'} "
                              f"wait, got wait={self.wait!r}")
        if spec.needs_fraction != (self.fraction is not None):
            raise TargetError(f"a {self.kind} target {'needs' if spec.needs_fraction else 'takes no'} "
                              f"fraction, got fraction={self.fraction!r}")
        if self.wait is not None and not self.wait >= 0:
            raise TargetError(f"target wait must be >= 0 minutes, got {self.wait!r}")
        spec.check(self)

    @property
    def spec(self) -> TargetKind:
        """The kind's strategy object (parsing, estimator, direction, analytic criterion)."""
        return KINDS[self.kind]

    @property
    def required(self) -> float:
        return self.spec.required(self)

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``wait<=15@80%``, ``mean_wait<=10`` or ``abandon<=5%``."""
        return parse_target(text)

    def __str__(self) -> str:
        return self.spec.text(self)


def parse_target(text: str | Target) -> Target:
    """A :class:`Target` from its text form (spaces ignored).

    Raises TargetError (a ValueError) naming the expected forms and what was found.
    """
    if isinstance(text, Target):
        return text
    if not isinstance(text, str):
        raise TargetError(f"target must be a string like {FORMS}, got {text!r}")
    compact = re.sub(r"\s+", "", text)
    for kind in KINDS.values():
        if m := kind.pattern.match(compact):
            return kind.parse(m, text)
    if compact.startswith("wait<=") and "@" not in compact:
        raise TargetError(f"target {text!r}: a wait target needs the share that must meet it, "
                          f"e.g. 'wait<=15@80%'")
    raise TargetError(f"target must look like {FORMS}, got {text!r}")


def parse_targets(targets) -> tuple[Target, ...]:
    """One target, a comma-separated string of them, or a list, as a tuple of Targets."""
    if isinstance(targets, (str, Target)):
        items = targets.split(",") if isinstance(targets, str) else [targets]
    else:
        items = list(targets)
    if not items:
        raise TargetError("give at least one target")
    return tuple(parse_target(item) for item in items)
