"""KPI tables with 95% intervals for the reports, from the KPI registry (``sim.kpis``)."""

from __future__ import annotations

from ..i18n import check_lang, kpi_help, kpi_label, t
from ..kpis import KPIS, TABLE_KPIS, format_interval, kpi
from .html import table

DASH = "–"


def _fmt(name: str, row, diff: bool = False) -> str:
    k = kpi(name)
    if diff:
        return k.format_diff(row["mean"], row["low"], row["high"], missing=DASH)
    return k.format(row["mean"], row["low"], row["high"], missing=DASH)


def _kpi_name(name: str, lang: str, target: float) -> str:
    """A KPI's row name: its id (the column name of the command line's tables and JSON) in English,
    its Chinese header in Chinese."""
    return kpi_label(name, lang, target) if check_lang(lang) == "zh" else name


def overall_table(results, target: float, lang: str = "en") -> str:
    """Every KPI of the whole hall: mean, 95% interval and what it means (in *lang*, see ``sim.i18n``)."""
    s = results.summary("overall", target).set_index("kpi")
    rows = []
    for name in KPIS:
        r, k = s.loc[name], kpi(name)
        rows.append((_kpi_name(name, lang, target), k.format(r["mean"], missing=DASH), _interval(k, r),
                     kpi_help(name, lang).replace("target wait", f"target wait ({target:g} min)")))
    return table([t(f"report.{h}", lang) for h in ("kpi", "mean", "interval", "meaning")], rows, text=(3,))


def _interval(k, r) -> str:
    return format_interval(r["low"], r["high"], k.digits, k.percent, missing=DASH)


def zone_table(results, target: float, lang: str = "en") -> str:
    """Headline KPIs per zone (mean ± 95% half-width) with an all-zones row."""
    zones = results.summary("zone", target)
    overall = results.summary("overall", target).set_index("kpi")
    labels = {z.id: z.label for z in results.scenario.zones}
    rows = []
    for zone_id, frame in zones.groupby("zone", sort=False, observed=True):
        f = frame.set_index("kpi")
        rows.append([labels.get(str(zone_id), str(zone_id))] + [_fmt(k, f.loc[k]) for k in TABLE_KPIS])
    rows.append([t("report.all_zones", lang)] + [_fmt(k, overall.loc[k]) for k in TABLE_KPIS])
    return table([t("report.zone", lang)] + [kpi_label(k, lang, target) for k in TABLE_KPIS], rows)


def comparison_overall_table(comparison, target: float, lang: str = "en") -> str:
    """A, B and the paired difference B - A with its interval, for every KPI."""
    a = comparison.a.summary("overall", target).set_index("kpi")
    b = comparison.b.summary("overall", target).set_index("kpi")
    d = comparison.differences("overall", target).set_index("kpi")
    rows, classes = [], []
    for k in KPIS:
        rows.append((_kpi_name(k, lang, target), _fmt(k, a.loc[k]), _fmt(k, b.loc[k]), _fmt(k, d.loc[k], diff=True)))
        classes.append(["", "", "", kpi(k).direction(d.loc[k, "low"], d.loc[k, "high"])])
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
        classes.append([""] + [kpi(k).direction(f.loc[k, "low"], f.loc[k, "high"]) for k in kpis])
    return table([t("report.cmp.zone_diff", lang)] + [kpi_label(k, lang, target) for k in kpis], rows,
                 cell_classes=classes)
