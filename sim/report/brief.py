"""The scenario in brief and the model's assumptions, as HTML sections."""

from __future__ import annotations

import json
from typing import Any

from ..i18n import model_rules, t
from .html import esc, facts, table

# Top-level fields shown in the general facts or the zone and service tables; every
# other field is a hall mechanism (bundles, guide desk, alarm ...) listed when in use.
BASIC_FIELDS = {"name", "description", "hours", "period_minutes", "target_wait", "demand_scale", "day_variation",
                "zones", "services", "profiles"}

# The rules of the engine, as documented in docs/scenario-format.md ("Rules of the model");
# the report shows them from the catalog (sim.i18n, in either language), which holds the same text.
MODEL_RULES = (
    ("Arrivals", "each service's visitors arrive as a Poisson process whose rate is constant within "
                 "each period (a Poisson count per period, then uniform times)."),
    ("Queues", "one queue per service; a free window takes the waiting visitor with the lowest priority "
               "number, then the one who has waited longest (first come, first served). Service is not interrupted."),
    ("Staff per period", "at a period boundary new windows open and take the next visitors at once; a window "
                         "that closes finishes its current visitor first."),
    ("Closing", "no new tickets at or after closing time; everyone already waiting is served (overtime is "
                "recorded) by the last period's staff, or by one window where that was zero."),
    ("Abandonment", "a visitor not called within their patience leaves; their wait is the time they waited."),
    ("Balking", "with a queue limit, an arrival that finds that many waiting leaves at once."),
    ("Day variation", "where given, one random multiplier per replication scales all arrival rates."),
    ("Itineraries", "a visitor may pass several queues (guide desk, kiosk, a wrong zone, the zones of a bundle, "
                    "pick-up); abandoning or balking anywhere ends the visit."),
    ("Replications", "independent simulated days; each KPI is the mean over days with a 95% Student-t interval."),
    ("Random numbers", "each replication draws each service's arrivals, service times and patience from its "
                       "own stream spawned from the seed, so scenarios compared with the same seed see the "
                       "same visitors (common random numbers)."),
)


def clock(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"


def describe_distribution(dist: Any) -> str:
    """``lognormal: mean 8, cv 0.7`` (minutes) for a distribution object."""
    if dist is None:
        return "–"
    fields = dist.model_dump()
    kind = fields.pop("dist", type(dist).__name__.lower())
    values = fields.pop("values", None)
    parts = [f"{k} {v:g}" if isinstance(v, (int, float)) else f"{k} {v}" for k, v in fields.items()]
    if values is not None:
        parts.append(f"{len(values)} observed values, mean {dist.mean:.3g}")
    return f"{kind}: {', '.join(parts)}"


def describe_staff(scenario, zone) -> str:
    """A constant, or runs of equal staff: ``08:30–12:00: 5 · 12:00–13:30: 3 · …``."""
    staff = scenario.staff_per_period(zone.id)
    if len(set(staff)) == 1:
        return str(staff[0])
    starts = scenario.period_starts + [scenario.close_minute]
    runs = []
    k = 0
    while k < len(staff):
        j = k
        while j + 1 < len(staff) and staff[j + 1] == staff[k]:
            j += 1
        runs.append(f"{clock(starts[k])}–{clock(starts[j + 1])}: {staff[k]}")
        k = j + 1
    return " · ".join(runs)


def visitors_per_day(scenario, service_id: str) -> float:
    """Expected arrivals of one service per day (demand_scale applied, before day variation)."""
    return sum(scenario.rates_per_hour(service_id)) * scenario.period_minutes / 60.0


def _compact(value: Any, limit: int = 240) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        items = [f"{v['id']} ({v['name']})" if v.get("name") else str(v["id"]) for v in value]
        text = f"{len(value)}: " + ", ".join(items)
    elif isinstance(value, dict):
        text = ", ".join(f"{k} {_compact(v, 80)}" for k, v in value.items())
    elif isinstance(value, (list, str, int, float, bool)) or value is None:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def mechanisms(scenario) -> list[tuple[str, str]]:
    """Hall mechanisms in use: top-level fields beyond the basics whose value is not the default."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    fields = type(scenario).model_fields
    out = []
    for key, value in data.items():
        if key in BASIC_FIELDS or value in ({}, [], None):
            continue
        field = fields.get(key)
        if field is not None and value == _plain(field.get_default(call_default_factory=True)):
            continue
        out.append((key.replace("_", " "), _compact(value)))
    return out


def scenario_section(scenario, heading: str | None = None, lang: str = "en") -> str:
    """Hours, zones (windows, staff) and services (demand, service time) of *scenario*, in *lang*."""
    heading = t("report.scenario", lang) if heading is None else heading
    total = sum(visitors_per_day(scenario, s.id) for s in scenario.services)
    general = [
        (t("report.f.name", lang), scenario.name),
        (t("report.f.hours", lang), t("report.f.hours_value", lang, open=scenario.hours.open,
                                      close=scenario.hours.close, minutes=scenario.period_minutes)),
        (t("report.f.target", lang), t("report.f.target_value", lang, target=scenario.target_wait)),
        (t("report.f.demand_scale", lang), f"{scenario.demand_scale:g}"),
        (t("report.f.day_variation", lang),
         f"cv {scenario.day_variation.cv:g}" if scenario.day_variation else t("report.f.none", lang)),
        (t("report.f.expected", lang), t("report.f.expected_value", lang, total=total, zones=len(scenario.zones),
                                         services=len(scenario.services))),
    ]
    zone_rows = [
        (z.id, z.name or "", z.windows, describe_staff(scenario, z), "" if z.queue_limit is None else z.queue_limit)
        for z in scenario.zones
    ]
    service_rows = []
    for s in scenario.services:
        rates = scenario.rates_per_hour(s.id)
        service_rows.append((
            s.id, s.name or "", s.zone, f"{visitors_per_day(scenario, s.id):,.0f}", f"{max(rates):.1f}",
            describe_distribution(s.service_time), describe_distribution(s.patience), s.priority,
        ))
    return (
        f"<h2>{esc(heading)}</h2>"
        + facts(general)
        + (f"<h3>{esc(t('report.mechanisms', lang))}</h3>" + facts(mechanisms(scenario))
           if mechanisms(scenario) else "")
        + f"<h3>{esc(t('report.zones', lang))}</h3>"
        + table([t(f"report.h.{h}", lang) for h in ("zone", "name", "windows", "staff", "queue_limit")], zone_rows,
                text_columns=2, text=(3,))
        + f"<h3>{esc(t('report.services', lang))}</h3>"
        + table([t(f"report.h.{h}", lang) for h in ("service", "name", "zone", "visitors_day", "peak_hour",
                                                    "service_time", "patience", "priority")],
                service_rows, text_columns=3, text=(5, 6))
    )


def assumptions_section(scenarios, lang: str = "en") -> str:
    """The model's rules and each scenario's own description, in *lang*."""
    colon = "：" if lang == "zh" else ": "
    rules = "".join(f"<li><strong>{esc(k)}</strong>{colon}{esc(v)}</li>" for k, v in model_rules(lang))
    notes = "".join(
        f"<h3>{esc(s.name)}</h3><p>{esc(s.description)}</p>" for s in scenarios if s.description
    )
    return (f"<h2>{esc(t('report.assumptions', lang))}</h2><h3>{esc(t('report.rules', lang))}</h3>"
            f'<ul class="rules">{rules}</ul>'
            + (notes or f'<p class="muted">{esc(t("report.no_description", lang))}</p>'))
