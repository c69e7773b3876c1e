"""The scenario in brief and the model's assumptions, as HTML sections."""

from __future__ import annotations

from typing import Any

from .html import esc, facts, table

# The rules of the engine, as documented in docs/scenario-format.md ("Rules of the model").
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


def scenario_section(scenario, heading: str = "The scenario") -> str:
    """Hours, zones (windows, staff) and services (demand, service time) of *scenario*."""
    total = sum(visitors_per_day(scenario, s.id) for s in scenario.services)
    general = [
        ("name", scenario.name),
        ("opening hours", f"{scenario.hours.open}–{scenario.hours.close}, periods of {scenario.period_minutes} min"),
        ("target wait", f"{scenario.target_wait:g} min (for the service level)"),
        ("demand scale", f"{scenario.demand_scale:g}"),
        ("day variation", f"cv {scenario.day_variation.cv:g}" if scenario.day_variation else "none"),
        ("expected visitors", f"{total:,.0f} per day in {len(scenario.zones)} zones, {len(scenario.services)} services"),
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
        + "<h3>Zones</h3>"
        + table(["zone", "name", "windows", "staff (windows open)", "queue limit"], zone_rows, text_columns=2, text=(3,))
        + "<h3>Services</h3>"
        + table(["service", "name", "zone", "visitors / day", "peak / hour", "service time (min)", "patience (min)",
                 "priority"], service_rows, text_columns=3, text=(5, 6))
    )


def assumptions_section(scenarios) -> str:
    """The model's rules and each scenario's own description."""
    rules = "".join(f"<li><strong>{esc(k)}</strong>: {esc(v)}</li>" for k, v in MODEL_RULES)
    notes = "".join(
        f"<h3>{esc(s.name)}</h3><p>{esc(s.description)}</p>" for s in scenarios if getattr(s, "description", None)
    )
    return f'<h2>Assumptions</h2><h3>Rules of the model</h3><ul class="rules">{rules}</ul>' + (
        notes or '<p class="muted">The scenario has no description.</p>')
