"""KPI tables with 95% intervals for the reports."""

from __future__ import annotations

from typing import Optional

from ..i18n import kpi_label, t
from ..results import KPIS
from .html import fmt_ci, fmt_diff, fmt_interval, table

# Digits and percent display per KPI; waits and times in minutes.
PERCENT = {"service_level", "abandonment_rate", "balk_rate", "utilization"}
DIGITS = {"visitors": 0, "served": 0, "abandoned": 1, "balked": 1, "max_queue": 1, "overtime": 0}
ZONE_KPIS = ("visitors", "mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization",
             "max_queue", "overtime")
HEADERS = {
    "visitors": "visitors / day", "mean_wait": "mean wait (min)", "p90_wait": "P90 wait (min)",
    "service_level": "within {t:g} min", "abandonment_rate": "abandoned", "utilization": "utilization",
    "max_queue": "max queue", "overtime": "overtime (min)",
}


def _fmt(kpi: str, row, diff: bool = False) -> str:
    f = fmt_diff if diff else fmt_ci
    return f(row["mean"], row["low"], row["high"], DIGITS.get(kpi, 1), kpi in PERCENT)


def overall_table(results, target: float, lang: str = "en") -> str:
    """Every KPI of the whole hall: mean, 95% interval and what it means (in *lang*)."""
    s = results.summary("overall", target).set_index("kpi")
    rows = []
    for k in KPIS:
        r = s.loc[k]
        rows.append((k, fmt_ci(r["mean"], float("nan"), float("nan"), DIGITS.get(k, 2), k in PERCENT),
                     fmt_interval(r["low"], r["high"], DIGITS.get(k, 2), k in PERCENT),
                     t(f"kpihelp.{k}", lang).replace("target wait", f"target wait ({target:g} min)")))
    return table([t("report.kpi", lang), t("report.mean", lang), t("report.interval", lang), t("report.meaning", lang)],
                 rows, text=(3,))


def zone_table(results, target: float, lang: str = "en") -> str:
    """Headline KPIs per zone (mean ± 95% half-width) with an all-zones row."""
    zones = results.summary("zone", target)
    overall = results.summary("overall", target).set_index("kpi")
    labels = {z.id: z.label for z in results.scenario.zones}
    rows = []
    for zone_id, frame in zones.groupby("zone", sort=False, observed=True):
        f = frame.set_index("kpi")
        rows.append([labels.get(str(zone_id), str(zone_id))] + [_fmt(k, f.loc[k]) for k in ZONE_KPIS])
    rows.append([t("report.all_zones", lang)] + [_fmt(k, overall.loc[k]) for k in ZONE_KPIS])
    return table([t("report.zone", lang)] + [_header(k, target, lang) for k in ZONE_KPIS], rows)


def comparison_overall_table(comparison, target: float, lang: str = "en") -> str:
    """A, B and the paired difference B - A with its interval, for every KPI."""
    a = comparison.a.summary("overall", target).set_index("kpi")
    b = comparison.b.summary("overall", target).set_index("kpi")
    d = comparison.differences("overall", target).set_index("kpi")
    rows, classes = [], []
    for k in KPIS:
        rows.append((k, _fmt(k, a.loc[k]), _fmt(k, b.loc[k]), _fmt(k, d.loc[k], diff=True)))
        classes.append(["", "", "", _direction(k, d.loc[k])])
    return table([t("report.kpi", lang), "A", "B", t("report.cmp.diff", lang)], rows, cell_classes=classes)


def comparison_zone_table(comparison, target: float, kpis=("mean_wait", "p90_wait", "service_level",
                                                           "abandonment_rate", "utilization"),
                           lang: str = "en") -> str:
    """Paired differences B - A per zone for the headline KPIs."""
    d = comparison.differences("zone", target)
    labels = {**{z.id: z.label for z in comparison.b.scenario.zones}, **{z.id: z.label for z in comparison.a.scenario.zones}}
    rows, classes = [], []
    for zone_id, frame in d.groupby("zone", sort=False, observed=True):
        f = frame.set_index("kpi")
        rows.append([labels.get(str(zone_id), str(zone_id))] + [_fmt(k, f.loc[k], diff=True) for k in kpis])
        classes.append([""] + [_direction(k, f.loc[k]) for k in kpis])
    return table([t("report.cmp.zone_diff", lang)] + [_header(k, target, lang) for k in kpis], rows,
                 cell_classes=classes)


def _header(kpi: str, target: float, lang: str) -> str:
    """The column header of *kpi*: the English one of HEADERS, or the catalog's in *lang*."""
    return HEADERS[kpi].format(t=target) if lang == "en" else kpi_label(kpi, lang, target)


# KPIs where a larger value is better for visitors; for the rest (waits, queues) smaller is better.
HIGHER_IS_BETTER = {"service_level"}
NEUTRAL = {"visitors", "served", "utilization"}  # volumes and use of staff: neither good nor bad in itself


def _direction(kpi: str, row) -> Optional[str]:
    """``better``/``worse`` when the interval of a difference excludes zero, else ''."""
    if kpi in NEUTRAL:
        return ""
    low, high = row["low"], row["high"]
    if not (low > 0 or high < 0):  # includes NaN: no evidence of a change
        return ""
    up = low > 0
    return "better" if up == (kpi in HIGHER_IS_BETTER) else "worse"
