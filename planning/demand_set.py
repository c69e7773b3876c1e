"""Demand scenarios: the demand a hall may really see, each a change to a base scenario.

A :class:`DemandScenario` is a name, the overrides merged into the base as a variant file's
would be (``sim.whatif.with_changes``: zones and services by id) and a description. Kinds:

* ``scale``: every arrival rate times a factor (``demand_scale``);
* ``shift``: every service's and bundle's arrivals moved by whole periods; the periods the
  shift opens repeat the nearest rate of the day, the arrivals moved past the opening hours
  are dropped - the peak keeps its height and moves;
* ``file``: the demand of a variant file (e.g. ``lanling_monday.yaml``): its services,
  bundles, profiles, ``demand_scale`` and ``day_variation``; the base keeps its zones, windows
  and staffing (what the file changes there is named in the description and ignored);
* ``new``: a new service item (a service mapping in the scenario format) added to the hall;
* ``draws``: K days drawn from the day-to-day spread: demand factors from a gamma law of mean
  1 and the scenario's ``day_variation`` cv (or a cv given, e.g. the one ``servicehall
  calibrate`` fits from a real log), from a ``numpy`` Generator seeded by a SeedSequence: the
  same seed, the same days. Within a drawn day the scenario's own day variation is off.

The nominal scenario (the base as given) always comes first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError

__all__ = ["DEMAND_KEYS", "DemandError", "DemandScenario", "demand_scenarios", "parse_demand_scenarios",
           "scaled", "shifted"]

DEMAND_KEYS = ("services", "bundles", "profiles", "demand_scale", "day_variation")
"""The fields of a variant file that describe demand (``file=``); everything else stays the base's."""
ARRIVAL_FORMS = ("rate_per_hour", "rates_per_hour", "per_day", "profile")
KINDS = ("scale", "shift", "file", "new", "draws", "cv", "seed")
"""The kinds of the ``--demand`` mini-language."""
MAX_SCENARIOS = 500
"""Demand scenarios at most (each is simulated in full)."""
DRAW_STREAM = 0x6465_6D61_6E64  # "demand": the draws' own stream, apart from any simulation seed


class DemandError(InputError, ValueError):
    """A bad demand scenario specification: ``--demand: KIND: what is wrong, got X``.

    An InputError (the command line exits 2 with the message) and a ValueError.
    """

    def __init__(self, kind: str, message: str):
        super().__init__("--demand", kind, message)


@dataclass(frozen=True)
class DemandScenario:
    """One demand scenario: *name*, *overrides* merged into a base scenario (as a variant file's
    would be: zones and services by id) and a *description* in words."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def apply(self, base):
        """*base* (a ``sim.Scenario``) with this demand, validated like a file.

        Raises ScenarioError (file ``demand NAME``) naming the field when the result is invalid.
        """
        from sim.whatif import with_changes

        return with_changes(base, self.overrides, label=f"demand {self.name}") if self.overrides else base


# -- builders ----------------------------------------------------------------------------

def scaled(base, factor: float) -> DemandScenario:
    """Every arrival rate of *base* times *factor* (> 0), on top of its ``demand_scale``."""
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not (math.isfinite(factor) and factor > 0):
        shown = f"{factor:g}" if isinstance(factor, (int, float)) and not isinstance(factor, bool) else repr(factor)
        raise DemandError("scale", f"must be a number > 0, got {shown}")
    return DemandScenario(f"scale {factor:g}", {"demand_scale": base.demand_scale * factor},
                          f"every arrival rate x {factor:g}")


def _moved(rates: np.ndarray, k: int) -> np.ndarray:
    """*rates* moved *k* periods later (earlier when negative), the edge rate held."""
    return rates[np.clip(np.arange(len(rates)) - k, 0, len(rates) - 1)]


def _shifted_arrivals(base, arrivals, k: int) -> dict[str, Any]:
    raw = np.asarray(base.arrival_rates(arrivals), float) / base.demand_scale  # without demand_scale
    return {"rates_per_hour": [round(float(r), 9) for r in _moved(raw, k)]}


def shifted(base, minutes: float) -> DemandScenario:
    """The arrivals of every service and bundle of *base* moved *minutes* later (earlier when
    negative): a whole number of periods, less than the day. The periods opened repeat the
    first (or last) period's rate; arrivals moved past the opening hours are dropped."""
    import sim

    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes):
        raise DemandError("shift", f"must be minutes, got {minutes!r}")
    k = minutes / base.period_minutes
    if k != int(k):
        raise DemandError("shift", f"must be a whole number of periods ({base.period_minutes} min), got {minutes:g}")
    k = int(k)
    if abs(k) >= base.n_periods:
        raise DemandError("shift", f"must be shorter than the day ({base.n_periods} periods of "
                                   f"{base.period_minutes} min), got {minutes:g}")
    # per_day/profile or a constant rate give way to one rate per period (None clears a field).
    clear = {f: None for f in ARRIVAL_FORMS}
    overrides: dict[str, Any] = {"services": [{"id": s.id, "arrivals": {**clear, **_shifted_arrivals(base, s.arrivals, k)}}
                                              for s in base.services]}
    if base.bundles:  # bundles are a plain list: replaced whole
        bundles = sim.scenario_to_dict(base)["bundles"]
        for b, spec in zip(base.bundles, bundles):
            spec["arrivals"] = _shifted_arrivals(base, b.arrivals, k)
        overrides["bundles"] = bundles
    before = _per_day(base)
    after = _per_day(sim.whatif.with_changes(base, overrides, label=f"demand shift {minutes:+g} min"))
    word = "later" if k > 0 else "earlier"
    return DemandScenario(f"shift {minutes:+g} min", overrides,
                          f"arrivals {abs(minutes):g} min {word} ({before:.0f} -> {after:.0f} a day)")


def _per_day(scenario) -> float:
    """Expected arrivals a day (services and bundles, before any diversion)."""
    hours = scenario.period_minutes / 60
    rates = [scenario.rates_per_hour(s.id) for s in scenario.services]
    rates += [scenario.arrival_rates(b.arrivals) for b in scenario.bundles]
    return float(sum(sum(r) for r in rates) * hours)


def from_file(base, path: str | Path) -> DemandScenario:
    """The demand of the variant scenario file at *path* (see :data:`DEMAND_KEYS`), named by the
    file's stem; what else the file changes (staff, windows ...) is named and ignored."""
    import sim

    try:
        variant = sim.load_scenario(path)
    except sim.ScenarioError as exc:
        if exc.file == str(Path(path)) and not exc.path and len(exc.problems) == 1:  # the file itself, not a field
            raise DemandError("file", f"{path}: {exc.message}") from None
        raise
    if variant.period_starts != base.period_starts:
        raise DemandError("file", f"{path}: must have the base's opening hours and periods "
                                  f"({base.hours.open}-{base.hours.close}, {base.period_minutes} min), got "
                                  f"{variant.hours.open}-{variant.hours.close}, {variant.period_minutes} min")
    data = sim.scenario_to_dict(variant)
    overrides = {k: data[k] for k in DEMAND_KEYS if k in data}
    for service in overrides.get("services", []):  # its arrivals replace the base's form, whatever it was
        service["arrivals"] = {**{f: None for f in ARRIVAL_FORMS}, **service["arrivals"]}
    gone = [{"id": s, "remove": True} for s in base.service_ids if s not in variant.service_ids]
    overrides["services"] = overrides.get("services", []) + gone
    if base.bundles and not variant.bundles:
        overrides["bundles"] = []
    if base.day_variation is not None and variant.day_variation is None:
        overrides["day_variation"] = {"cv": 0.0}
    ignored = sorted({p.split(".")[0] if not p.startswith("zones") else ".".join(p.split(".")[:3])
                      for p, _, _ in sim.whatif.differences(base, variant)
                      if p.split(".")[0] not in DEMAND_KEYS + ("name", "description")})
    note = f"; ignored: {', '.join(ignored[:4])}{' ...' if len(ignored) > 4 else ''}" if ignored else ""
    return DemandScenario(Path(path).stem, overrides, f"the demand of {variant.name}{note}")


def new_item(base, services: dict | list) -> DemandScenario:
    """*base* with one or more new service items (mappings in the scenario's ``services`` format)."""
    items = services if isinstance(services, list) else [services]
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DemandError("new", f"must be a service mapping with an id (or a list of them), got {_short(item)}")
        if item["id"] in base.service_ids:
            raise DemandError("new", f"service {item['id']!r} is already in the scenario; a new item needs a new id "
                                     "(change a service with file=)")
    ids = ", ".join(i["id"] for i in items)
    return DemandScenario(f"new {ids}", {"services": items}, f"a new service item: {ids}")


def drawn_days(base, draws: int, cv: float | None = None, seed: int = 0) -> list[DemandScenario]:
    """*draws* days with demand factors from a gamma law of mean 1 and *cv* (default: *base*'s
    ``day_variation`` cv), from *seed*: ``day 1`` .. ``day K``."""
    if cv is None and base.day_variation is not None:
        cv = base.day_variation.cv
    if cv is None or isinstance(cv, bool) or not (math.isfinite(cv) and 0 < cv <= 10):
        found = "none (the scenario has no day_variation)" if cv is None else repr(cv)
        raise DemandError("draws", f"needs a day-to-day cv in (0, 10]: the scenario's day_variation or cv=...; got {found}")
    shape = 1.0 / cv**2
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), DRAW_STREAM]))
    factors = rng.gamma(shape, 1.0 / shape, size=int(draws))
    off = {"day_variation": {"cv": 0.0}} if base.day_variation is not None else {}
    return [DemandScenario(f"day {k + 1}", {"demand_scale": base.demand_scale * float(f), **off},
                           f"a day drawn with demand x {f:.3f} (cv {cv:g}, seed {seed})")
            for k, f in enumerate(factors)]


def demand_scenarios(base, *, scales: Iterable[float] = (), shifts: Iterable[float] = (),
                     files: Iterable[str | Path] = (), new_items: Iterable[dict | list] = (), draws: int = 0,
                     cv: float | None = None, seed: int = 0) -> list[DemandScenario]:
    """The nominal scenario, then the ones asked for, in this order (see the module docstring).

    *scales*: factors on every arrival rate; *shifts*: minutes (whole periods); *files*: variant
    scenario files; *new_items*: a service mapping (or a list of them) per scenario; *draws*: days
    drawn with the day-to-day *cv* (default *base*'s ``day_variation``) from *seed*. Every
    scenario is validated against *base* here. Raises DemandError for a bad value and
    ScenarioError for a variant file or item that does not fit the hall.
    """
    out = [DemandScenario("nominal", {}, "the scenario as given")]
    out += [scaled(base, s) for s in scales]
    out += [shifted(base, m) for m in shifts]
    out += [from_file(base, f) for f in files]
    out += [new_item(base, i) for i in new_items]
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise DemandError("draws", f"must be a whole number >= 0, got {draws!r}")
    if draws:
        out += drawn_days(base, draws, cv, seed)
    if len(out) > MAX_SCENARIOS:
        raise DemandError("", f"at most {MAX_SCENARIOS} demand scenarios (each is simulated in full), got {len(out)}")
    names = [d.name for d in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise DemandError("", f"each demand scenario needs its own name; given twice: {', '.join(twice)}")
    for d in out:
        d.apply(base)  # a variant's service in a zone the base lacks fails here, before any simulation
    return out


# -- the mini-language ---------------------------------------------------------------------

def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _decimal(kind: str, text: str) -> Decimal:
    try:
        if "_" in text or not text.isascii():
            raise InvalidOperation(text)  # Decimal would read 1_0 as 10 and a full-width "２" as 2
        d = Decimal(text)
    except InvalidOperation:
        raise DemandError(kind, f"expected numbers separated by commas (or START:END:STEP), got {text!r}") from None
    if not d.is_finite() or d.adjusted() > 9:
        raise DemandError(kind, f"must be a finite number of sensible size, got {text!r}")
    return d


def _numbers(kind: str, text: str) -> list[float]:
    """``0.9,1.1`` or a range ``0.8:1.2:0.1`` (end included, in decimal: exact steps)."""
    values: list[float] = []
    for part in (p.strip() for p in text.split(",")):
        if part.count(":") == 2:
            start, end, step = (_decimal(kind, x.strip()) for x in part.split(":"))
            if step <= 0 or end < start:
                raise DemandError(kind, f"a range START:END:STEP needs STEP > 0 and END >= START, got {part!r}")
            count = int((end - start) / step) + 1
            if count > MAX_SCENARIOS:
                raise DemandError(kind, f"at most {MAX_SCENARIOS} values, got {count} from {part!r}")
            values += [float(start + i * step) for i in range(count)]
        else:
            values.append(float(_decimal(kind, part)))
    return values


def _whole(kind: str, text: str, most: int) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) > most:
        raise DemandError(kind, f"must be a whole number from 0 to {most:,}, got {text!r}")
    return int(text)


def _cv(text: str) -> float:
    """``cv=0.15``, or ``cv=FILE.yaml``: the ``day_variation`` cv of that scenario file (e.g. one
    ``servicehall calibrate`` wrote from a real log)."""
    import sim

    if text.lower().endswith((".yaml", ".yml")):
        scenario = sim.load_scenario(text)
        if scenario.day_variation is None or not scenario.day_variation.cv > 0:
            raise DemandError("cv", f"{text} has no day_variation cv > 0 to draw days from")
        return float(scenario.day_variation.cv)
    values = _numbers("cv", text)
    if len(values) != 1 or not 0 < values[0] <= 10:
        raise DemandError("cv", f"must be one number in (0, 10] or a scenario file with day_variation, got {text!r}")
    return values[0]


def _item(text: str) -> dict | list:
    """``new=ITEM.yaml`` or inline YAML ``new={id: ..., zone: ..., ...}``."""
    from sim.errors import ScenarioError
    from sim.yamlio import parse_yaml, read_yaml

    if text.startswith(("{", "[")):
        data = parse_yaml(text, "--demand new", ScenarioError)
    else:
        try:
            data = read_yaml(text)
        except ScenarioError as exc:
            raise DemandError("new", f"{text}: {exc.message}") from None
    if isinstance(data, dict) and set(data) == {"services"}:
        data = data["services"]  # a file holding services: [...]
    return data


def parse_demand_scenarios(specs: str | Sequence[str], base) -> list[DemandScenario]:
    """Demand scenarios of *base* from ``--demand`` specs: a list of ``KIND=VALUES`` strings, or one
    string of them separated by ``;``.

    ``scale=0.9,1.1`` (or ``0.8:1.2:0.1``), ``shift=-30,30`` (minutes), ``file=PATH[,PATH]``,
    ``new=ITEM.yaml`` or ``new={inline YAML}`` (one scenario per spec), ``draws=20`` with
    ``cv=0.15`` or ``cv=CALIBRATED.yaml`` and ``seed=3`` (each at most once). Kinds may repeat
    and add up. Raises DemandError naming the kind, what is wrong and what was found.
    """
    if isinstance(specs, str):
        specs = [s for s in specs.split(";") if s.strip()]
    found: dict[str, list] = {k: [] for k in KINDS}
    for spec in specs:
        if not isinstance(spec, str):
            raise DemandError("", f"a spec must be text KIND=VALUES, got {_short(spec)}")
        kind, sep, value = (p.strip() for p in spec.partition("="))
        if not sep or kind not in KINDS:
            raise DemandError(kind or spec.strip(), f"expected KIND=VALUES with KIND one of {', '.join(KINDS)}, "
                                                    f"got {_short(spec)}")
        if not value:
            raise DemandError(kind, f"no value after '{kind}=', got {_short(spec)}")
        if kind in ("scale", "shift"):
            found[kind] += _numbers(kind, value)
        elif kind == "file":
            found[kind] += [v.strip() for v in value.split(",") if v.strip()]
        elif kind == "new":
            found[kind].append(_item(value))
        elif kind == "cv":
            found[kind].append(_cv(value))
        else:
            found[kind].append(_whole(kind, value, MAX_SCENARIOS if kind == "draws" else 2**63 - 1))
    for kind in ("draws", "cv", "seed"):
        if len(found[kind]) > 1:
            raise DemandError(kind, f"give {kind}= at most once, got {len(found[kind])}")
    if (found["cv"] or found["seed"]) and not found["draws"]:
        raise DemandError("cv" if found["cv"] else "seed", "cv= and seed= go with draws=N (days drawn), got no draws=")
    return demand_scenarios(base, scales=found["scale"], shifts=found["shift"], files=found["file"],
                            new_items=found["new"], draws=found["draws"][0] if found["draws"] else 0,
                            cv=found["cv"][0] if found["cv"] else None,
                            seed=found["seed"][0] if found["seed"] else 0)
