"""Service targets: ``wait<=15@80%``, ``mean_wait<=10``, ``abandon<=5%``.

Waits are in minutes; a wait is the time from arrival to service start, or to
leaving for a visitor who abandons (the simulator's definition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from optimize.errors import TargetError

__all__ = ["Target", "parse_target", "parse_targets"]

KINDS = ("service_level", "mean_wait", "abandon")
_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_SERVICE = re.compile(rf"^wait<={_NUMBER}(?:min)?@{_NUMBER}(%?)$")
_MEAN = re.compile(rf"^mean_wait<={_NUMBER}(?:min)?$")
_ABANDON = re.compile(rf"^abandon<={_NUMBER}(%?)$")
FORMS = "'wait<=MIN@PCT%', 'mean_wait<=MIN' or 'abandon<=PCT%'"


@dataclass(frozen=True)
class Target:
    """One service target.

    *kind* ``"service_level"``: P(W <= *wait*) >= *fraction*;
    ``"mean_wait"``: E[W] <= *wait*; ``"abandon"``: P(abandon) <= *fraction*.
    *wait* in minutes, *fraction* in [0, 1]. ``wait<=0@90%`` means
    P(no wait) >= 90 %, i.e. a delay probability of at most 10 %.
    """

    kind: str
    wait: float | None = None
    fraction: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise TargetError(f"target kind must be one of {KINDS}, got {self.kind!r}")
        needs_wait = self.kind in ("service_level", "mean_wait")
        needs_fraction = self.kind in ("service_level", "abandon")
        if needs_wait != (self.wait is not None):
            raise TargetError(f"a {self.kind} target {'needs' if needs_wait else 'takes no'} "
                             f"wait, got wait={self.wait!r}")
        if needs_fraction != (self.fraction is not None):
            raise TargetError(f"a {self.kind} target {'needs' if needs_fraction else 'takes no'} "
                             f"fraction, got fraction={self.fraction!r}")
        if self.wait is not None and not self.wait >= 0:
            raise TargetError(f"target wait must be >= 0 minutes, got {self.wait!r}")
        if self.kind == "service_level" and not 0 < self.fraction <= 1:
            raise TargetError(f"service-level fraction must be in (0, 1], got {self.fraction!r}")
        if self.kind == "abandon" and not 0 <= self.fraction < 1:
            raise TargetError(f"abandon fraction must be in [0, 1), got {self.fraction!r}")

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``wait<=15@80%``, ``mean_wait<=10`` or ``abandon<=5%``."""
        return parse_target(text)

    def __str__(self) -> str:
        if self.kind == "service_level":
            return f"wait<={self.wait:g}@{100 * self.fraction:g}%"
        if self.kind == "mean_wait":
            return f"mean_wait<={self.wait:g}"
        return f"abandon<={100 * self.fraction:g}%"


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


def parse_target(text: str) -> Target:
    """A :class:`Target` from its text form (spaces ignored).

    Raises TargetError (a ValueError) naming the expected forms and what was found.
    """
    if isinstance(text, Target):
        return text
    if not isinstance(text, str):
        raise TargetError(f"target must be a string like {FORMS}, got {text!r}")
    compact = re.sub(r"\s+", "", text)
    if m := _SERVICE.match(compact):
        return Target("service_level", float(m[1]), _fraction(m[2], m[3], text, False, True))
    if m := _MEAN.match(compact):
        return Target("mean_wait", float(m[1]))
    if m := _ABANDON.match(compact):
        return Target("abandon", fraction=_fraction(m[1], m[2], text, True, False))
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
