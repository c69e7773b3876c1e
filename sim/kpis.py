"""The KPI registry: every KPI defined once - name, meaning, unit, which way is better, how to
show it - and every table, JSON file, plot, report and validation is generated from it.

Per-replication values are computed in ``sim.results`` from a few counts per group and
replication (visits, people, served, abandoned, balked, met, waits, levels); the KPIs
that are ratios of two counts say which (:attr:`KPI.ratio`), so the engine's results
and a calibration's observed log use the same definition - of ``service_level`` above
all: visits called within the target wait / visits that queued (served + abandoned;
balked visitors never queued).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

__all__ = ["KPI", "KPIS", "KPI_HELP", "REGISTRY", "TABLE_KPIS", "COMPARE_KPIS", "SWEEP_KPIS", "kpi",
           "format_ci", "format_diff", "format_interval"]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _rounded(x: float, digits: int) -> float:
    # Round half away from zero as people do (Python rounds 0.125 to 0.12).
    q = 10.0**digits
    return math.copysign(math.floor(abs(x) * q + 0.5) / q, x)


def format_ci(mean, low, high, digits: int = 1, percent: bool = False, missing: str = "-") -> str:
    """``12.3 ± 0.4`` (``91.0% ± 1.2``) from a mean and its interval; *missing* when no value."""
    if _missing(mean):
        return missing
    s = 100.0 if percent else 1.0
    text = f"{_rounded(mean * s, digits):.{digits}f}" + ("%" if percent else "")
    if _missing(low) or _missing(high):
        return text
    return f"{text} ± {(high - low) / 2 * s:.{digits}f}"


def format_interval(low, high, digits: int = 1, percent: bool = False, missing: str = "-") -> str:
    """``[12.0, 12.6]`` (``[89.8%, 92.2%]``)."""
    if _missing(low) or _missing(high):
        return missing
    s, u = (100.0, "%") if percent else (1.0, "")
    return f"[{_rounded(low * s, digits):.{digits}f}{u}, {_rounded(high * s, digits):.{digits}f}{u}]"


def format_diff(mean, low, high, digits: int = 1, percent: bool = False, missing: str = "-") -> str:
    """``-3.2 [-4.0, -2.4]`` for a difference (percentage points, ``pp``, for shares)."""
    if _missing(mean):
        return missing
    s, u = (100.0, "pp") if percent else (1.0, "")
    if _missing(low) or _missing(high):
        return f"{_rounded(mean * s, digits):+.{digits}f}{u}"
    return (f"{_rounded(mean * s, digits):+.{digits}f}{u} "
            f"[{_rounded(low * s, digits):+.{digits}f}, {_rounded(high * s, digits):+.{digits}f}]")


@dataclass(frozen=True)
class KPI:
    """One KPI.

    *help* says what it is; *unit* ``per day``, ``minutes``, ``share`` or ``people``;
    *better* ``lower``, ``higher`` or None (a volume or use of staff: neither good nor bad
    in itself); *digits* and *percent* how to show it; *header* its column title
    (``{t}`` stands for the target wait); *ratio* the (numerator, denominator) counts
    of a KPI that is a share of visits; *quantile* the quantile of the waits a KPI is.
    """

    name: str
    help: str
    unit: str
    better: Optional[str]
    digits: int = 1
    percent: bool = False
    header: str = ""
    ratio: Optional[tuple[str, str]] = None
    quantile: Optional[float] = None

    def title(self, target: Optional[float | str] = None) -> str:
        """The column header, with the target wait (minutes, or a text) filled in."""
        t = "target" if target is None else target if isinstance(target, str) else f"{target:g} min"
        return (self.header or self.name).format(t=t)

    def format(self, mean, low=float("nan"), high=float("nan"), missing: str = "-") -> str:
        return format_ci(mean, low, high, self.digits, self.percent, missing)

    def format_diff(self, mean, low, high, missing: str = "-") -> str:
        return format_diff(mean, low, high, self.digits, self.percent, missing)

    def direction(self, low, high) -> str:
        """``better``/``worse`` for a difference whose interval excludes zero, else ``""``."""
        if self.better is None or _missing(low) or _missing(high) or not (low > 0 or high < 0):
            return ""
        return "better" if (low > 0) == (self.better == "higher") else "worse"


_ALL = (
    KPI("visitors", "people arriving (a visitor passing the guide desk and a zone counts once), per day",
        "people", None, 0, header="visitors"),
    KPI("visits", "queues joined (a visitor passing the guide desk and a zone counts twice), per day",
        "per day", None, 0, header="visits"),
    KPI("served", "visits served, per day", "per day", None, 0),
    KPI("abandoned", "visits that left the queue before being called, per day", "per day", "lower", 1),
    KPI("balked", "visits that left at once because the queue was at its limit, per day", "per day", "lower", 1),
    KPI("mean_wait", "mean wait of visits that queued (abandoners: time before leaving), minutes", "minutes",
        "lower", 1, header="mean wait"),
    KPI("p50_wait", "median wait, minutes", "minutes", "lower", 1, header="median wait", quantile=0.5),
    KPI("p90_wait", "90th percentile of wait, minutes", "minutes", "lower", 1, header="P90 wait", quantile=0.9),
    KPI("p95_wait", "95th percentile of wait, minutes", "minutes", "lower", 1, header="P95 wait", quantile=0.95),
    KPI("max_wait", "longest wait of the day, minutes", "minutes", "lower", 1, header="max wait"),
    KPI("service_level", "share of visits that queued (served, abandoned or still waiting at the end) and were "
        "called within the target wait",
        "share", "higher", 1, True, header="within {t}", ratio=("met", "joined")),
    KPI("abandonment_rate", "abandoned / visits", "share", "lower", 1, True, header="abandoned",
        ratio=("abandoned", "visits")),
    KPI("balk_rate", "balked / visits", "share", "lower", 1, True, header="balked", ratio=("balked", "visits")),
    KPI("utilization", "busy window time / staffed window time (opening hours and overtime)", "share", None, 0,
        True, header="utilization"),
    KPI("mean_queue", "time-average number waiting during opening hours", "people", "lower", 1, header="mean queue"),
    KPI("max_queue", "largest number waiting at once", "people", "lower", 0, header="max queue"),
    KPI("overtime", "minutes from closing until the last visitor is served", "minutes", "lower", 0,
        header="overtime"),
    KPI("return_visits", "visits on another day (missing materials, back office), per day", "per day", "lower", 1,
        header="return visits"),
    KPI("moves", "staff moved on alarm, per day (by zone: moved into the zone)", "per day", None, 1,
        header="moves"),
)

REGISTRY: dict[str, KPI] = {k.name: k for k in _ALL}
BOUNDS: dict[str, tuple[float, float]] = {k.name: (0.0, 1.0) if k.unit == "share" else (0.0, float("inf"))
                                          for k in _ALL}
"""Range of each KPI's true mean: a Student-t interval is clipped to it (a share's interval
never reaches below 0% or above 100%, a count's below 0)."""
KPIS: tuple[str, ...] = tuple(REGISTRY)
KPI_HELP: dict[str, str] = {k.name: k.help for k in _ALL}

TABLE_KPIS = ("visitors", "visits", "mean_wait", "p90_wait", "service_level", "abandonment_rate", "balk_rate",
              "utilization", "max_queue", "overtime")
"""The per-zone table of ``simulate`` and the report."""
COMPARE_KPIS = ("mean_wait", "p90_wait", "service_level", "abandonment_rate", "balk_rate", "utilization", "max_queue")
"""The paired differences of ``compare``."""
SWEEP_KPIS = ("mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization")
"""The columns of ``sweep``."""


def kpi(name: str) -> KPI:
    """The KPI called *name*; KeyError naming the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown KPI {name!r}; known: {', '.join(KPIS)}") from None
