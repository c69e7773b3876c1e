"""Demand scenarios for robustness: the demand a hall may really see, each as a change to a base scenario.

Kinds: a scaled level (``scale``), the day's arrivals moved by whole periods (``shift``, the same
visitors a day), a variant file's demand (``file``: e.g. ``lanling_monday.yaml``; its services,
bundles, profiles, demand scale and day variation, not its staffing), a new service item
(``item``: a YAML file holding one service), and days drawn from the day-to-day spread (``draws``:
a gamma demand factor with mean 1 and the scenario's ``day_variation`` cv, or ``cv`` given, e.g.
the one ``servicehall calibrate`` fits from a real log). The nominal scenario always comes first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError

__all__ = ["DemandError", "DemandScenario", "demand_scenarios", "parse_demand_scenarios"]

DEMAND_KEYS = ("services", "bundles", "profiles", "demand_scale", "day_variation")
"""The fields of a variant file that describe demand (``file=``); staffing stays the base's."""
MAX_SCENARIOS = 500
KINDS = ("scale", "shift", "file", "item", "draws", "cv", "seed")


class DemandError(InputError, ValueError):
    """A bad demand scenario specification; names the option and what was found."""

    def __init__(self, field_path: str, message: str):
        super().__init__("--demand", field_path, message)


@dataclass(frozen=True)
class DemandScenario:
    """One demand scenario: *name*, *overrides* merged into the base (as a variant file would be)
    and a *description* in words."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def apply(self, base):
        """*base* (a ``sim.Scenario``) with this demand, validated like a file."""
        from sim.whatif import with_changes

        return with_changes(base, self.overrides, label=f"demand {self.name}") if self.overrides else base


def _arrivals(scenario, a, k: int) -> dict[str, Any]:
    rates = np.asarray(scenario.arrival_rates(a), float) / scenario.demand_scale
    moved = np.zeros_like(rates)
    n = len(rates)
    for i in range(n):
        if 0 <= i - k < n:
            moved[i] = rates[i - k]
    total, kept = rates.sum(), moved.sum()
    if kept > 0:
        moved *= total / kept  # the same visitors a day, at other times
    return {"rate_per_hour": None, "per_day": None, "profile": None,
            "rates_per_hour": [round(float(r), 6) for r in moved]}


def shifted(base, minutes: float) -> DemandScenario:
    """Every service's and bundle's arrivals moved *minutes* later (earlier when negative), a whole
    number of periods; the day's visitors are kept (rescaled onto the periods that remain)."""
    import sim

    k = minutes / base.period_minutes
    if k != int(k):
        raise DemandError("shift", f"must be a whole number of periods ({base.period_minutes} min), got {minutes:g}")
    k = int(k)
    if abs(k) >= base.n_periods:
        raise DemandError("shift", f"must be less than the day ({base.n_periods} periods), got {minutes:g} min")
    overrides: dict[str, Any] = {"services": [{"id": s.id, "arrivals": _arrivals(base, s.arrivals, k)}
                                              for s in base.services]}
    if base.bundles:
        bundles = sim.scenario_to_dict(base)["bundles"]
        for b, spec in zip(base.bundles, bundles):
            spec["arrivals"] = {key: v for key, v in _arrivals(base, b.arrivals, k).items() if v is not None}
        overrides["bundles"] = bundles
    word = "later" if k > 0 else "earlier"
    return DemandScenario(f"shift {minutes:+g} min", overrides, f"arrivals {abs(minutes):g} min {word}")


def demand_scenarios(base, *, scales: Iterable[float] = (), shifts: Iterable[float] = (),
                     files: Iterable[str | Path] = (), items: Iterable[dict] = (), draws: int = 0,
                     cv: float | None = None, seed: int = 0) -> list[DemandScenario]:
    """The nominal scenario and the ones asked for (see the module docstring).

    *scales*: factors on every arrival rate (> 0); *shifts*: minutes; *files*: variant scenario
    files; *items*: service mappings (scenario format) added one scenario each; *draws*: days drawn
    with demand factors from a gamma law of mean 1 and *cv* (default the base's ``day_variation``),
    from *seed* (the same seed, the same days). Raises DemandError for a bad value.
    """
    import sim

    out = [DemandScenario("nominal", {}, "the scenario as given")]
    for s in scales:
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not (s > 0 and math.isfinite(s)):
            raise DemandError("scale", f"must be a number > 0, got {s!r}")
        out.append(DemandScenario(f"scale {s:g}", {"demand_scale": base.demand_scale * s},
                                  f"every arrival rate x {s:g}"))
    out += [shifted(base, m) for m in shifts]
    for f in files:
        data = sim.scenario_to_dict(sim.load_scenario(f))
        out.append(DemandScenario(Path(f).stem, {k: data[k] for k in DEMAND_KEYS if k in data},
                                  f"the demand of {f}"))
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise DemandError("item", f"must be a service mapping with an id, got {item!r}")
        if item["id"] in base.service_ids:
            raise DemandError("item", f"service {item['id']!r} already exists; a new item needs a new id")
        out.append(DemandScenario(f"new item {item['id']}", {"services": [item]}, f"a new service {item['id']}"))
    if draws:
        if cv is None:
            cv = base.day_variation.cv if base.day_variation is not None else None
        if cv is None or not cv > 0:
            raise DemandError("draws", "needs a day-to-day cv > 0: the scenario's day_variation or cv=...; got none")
        shape = 1 / cv**2
        factors = np.random.default_rng(np.random.SeedSequence([seed, 20261202])).gamma(shape, 1 / shape, draws)
        for k, f in enumerate(factors):
            out.append(DemandScenario(f"day {k + 1}", {"demand_scale": base.demand_scale * float(f)},
                                      f"a day drawn with demand x {f:.3f} (cv {cv:g})"))
    if len(out) > MAX_SCENARIOS:
        raise DemandError("", f"at most {MAX_SCENARIOS} demand scenarios, got {len(out)}")
    names = [d.name for d in out]
    if len(set(names)) != len(names):
        raise DemandError("", f"two demand scenarios with one name: {sorted({n for n in names if names.count(n) > 1})}")
    return out


def _numbers(kind: str, text: str) -> list[float]:
    values = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "_" in part:
                raise ValueError(part)
            value = float(part)
        except ValueError:
            raise DemandError(kind, f"expected numbers separated by commas, got {text!r}") from None
        if not math.isfinite(value):
            raise DemandError(kind, f"must be finite, got {part!r}")
        values.append(value)
    return values


def parse_demand_scenarios(specs: Sequence[str], base) -> list[DemandScenario]:
    """Demand scenarios from ``--demand`` specs: ``scale=0.9,1.1``, ``shift=-30,30`` (minutes),
    ``file=PATH`` (a variant file), ``item=PATH`` (a YAML file with one service), ``draws=20``
    with optional ``cv=0.15`` and ``seed=3``. Raises DemandError naming the bad spec."""
    from sim.yamlio import read_yaml

    found: dict[str, list] = {k: [] for k in KINDS}
    for spec in specs:
        kind, sep, value = spec.partition("=")
        kind, value = kind.strip(), value.strip()
        if not sep or kind not in KINDS or not value:
            raise DemandError(kind or spec, f"expected KIND=VALUES with KIND one of {', '.join(KINDS)}, got {spec!r}")
        if kind in ("file", "item"):
            found[kind].append(value if kind == "file" else read_yaml(value))
        elif kind in ("draws", "seed"):
            if not value.isdigit() or len(value) > 6:
                raise DemandError(kind, f"must be a whole number >= 0, got {value!r}")
            found[kind].append(int(value))
        else:
            found[kind] += _numbers(kind, value)
    if len(found["draws"]) > 1 or len(found["cv"]) > 1 or len(found["seed"]) > 1:
        raise DemandError("draws", "give draws, cv and seed at most once each")
    if (found["cv"] or found["seed"]) and not found["draws"]:
        raise DemandError("cv", "cv= and seed= go with draws=N")
    return demand_scenarios(base, scales=found["scale"], shifts=found["shift"], files=found["file"],
                            items=found["item"], draws=found["draws"][0] if found["draws"] else 0,
                            cv=found["cv"][0] if found["cv"] else None,
                            seed=found["seed"][0] if found["seed"] else 0)
