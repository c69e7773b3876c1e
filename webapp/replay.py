"""A replay of one simulated day, from the engine's records, and its offline HTML file.

The page animates the hall from these arrays (minutes since midnight):

* per zone, the queue as a step function: ``times`` and the number waiting just
  after each (a visit joins the queue at ``arrival`` and leaves it at
  ``arrival + wait``: called, or gone when it abandoned; a balked visit, or one
  called at once, never waits);
* per window, the ``[start, end]`` of each service: busy windows light up;
* per zone, the staff on duty: the grid's value per period, corrected by the moves
  on alarm (the donor loses a person at once, the receiver gains one after the
  alarm's switching time, as the engine does);
* the moves themselves, to list and flash.
"""

from __future__ import annotations

import html
import json
from importlib import resources

import numpy as np

from sim.i18n import catalog, check_lang

from .session import Run


def _r(x) -> list:
    return [round(float(v), 2) for v in x]


def replay_data(run: Run, replication: int = 0) -> dict:
    """The arrays of one simulated day (*replication*) of *run* for the replay."""
    results = run.results
    scenario = results.scenario
    if not 0 <= replication < results.replications:
        raise ValueError(f"day must be from 0 to {results.replications - 1}, got {replication}")
    visits = results.visits
    v = visits[visits["replication"] == replication]
    zone_ids = list(scenario.zone_ids)
    zones = []
    for z in scenario.zones:
        mine = v[v["zone"] == z.id]
        waited = mine[mine["wait"] > 0]  # called at once: never in the queue
        joins = waited["arrival"].to_numpy()
        leaves = joins + waited["wait"].to_numpy()
        times = np.concatenate([joins, leaves])
        steps = np.concatenate([np.ones(len(joins)), -np.ones(len(leaves))])
        # At equal times a leave goes before a join: the queue never shows a person twice.
        order = np.lexsort((steps, times))
        served = mine[mine["outcome"] == "served"]
        windows = {}
        for label, g in served.groupby("window", observed=True, sort=False):
            g = g.sort_values("start")
            windows[str(label)] = [_r(g["start"]), _r(g["end"])]
        zones.append({
            "id": z.id, "label": z.label, "floor": z.floor, "windows": z.windows,
            "window_labels": [f"{z.id}-{k + 1}" for k in range(z.windows)],
            "staff": [int(round(x)) for x in run.staffing.get(z.id, scenario.staff_per_period(z.id))],
            "queue_times": _r(times[order]),
            "queue_levels": [int(x) for x in np.cumsum(steps[order])],
            "served_times": _r(np.sort(served["start"].to_numpy())),
            "service": windows,
        })
    moves = results.moves
    m = moves[moves["replication"] == replication]
    switch = scenario.alarm.switch_minutes if scenario.alarm is not None else 0.0
    return {
        "name": scenario.name,
        "day": replication,
        "days": results.replications,
        "seed": results.seed,
        "open": scenario.open_minute,
        "close": scenario.close_minute,
        "end": _day_end(scenario.close_minute, zones, v),
        "period_minutes": scenario.period_minutes,
        "threshold": scenario.alarm.threshold if scenario.alarm is not None else None,
        "switch_minutes": switch,
        "zones": zones,
        "moves": [{"time": round(float(t), 2), "from": zone_ids.index(str(f)), "to": zone_ids.index(str(to)),
                   "kind": str(k)} for t, f, to, k in zip(m["time"], m["from_zone"], m["to_zone"], m["kind"])],
    }


def _day_end(close: float, zones: list, visits) -> float:
    """When the replay stops: closing time, or when the last visitor leaves (overtime)."""
    ends = [float(close)] + [z["queue_times"][-1] for z in zones if z["queue_times"]]
    if visits["end"].notna().any():
        ends.append(float(visits["end"].max()))
    return max(ends)


def _asset(name: str) -> str:
    return resources.files("webapp").joinpath("static", name).read_text(encoding="utf-8")


def script_json(data) -> str:
    """*data* as JSON that is safe inside a ``<script>`` element (readable, non-ASCII kept)."""
    # Inside <script>, "</" would end the element: escape it (and the other HTML-significant characters).
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def replay_html(data: dict, lang: str = "en") -> str:
    """A standalone HTML file that plays *data* offline: styles, script and data inline."""
    lang = check_lang(lang)
    strings = catalog(lang)
    title = str(strings["replay.title"]).replace("{name}", str(data["name"]))

    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_asset('app.css')}</style>\n</head>\n"
        f'<body class="standalone">\n<h1>{html.escape(title)}</h1>\n<div id="replay-root"></div>\n'
        f"<script>const REPLAY_DATA = {script_json(data)};\nconst REPLAY_I18N = {script_json(strings)};</script>\n"
        f"<script>{_asset('replay.js')}</script>\n"
        "<script>Replay.mount(document.getElementById('replay-root'), REPLAY_DATA, "
        "(k) => REPLAY_I18N[k] || k);</script>\n"
        "</body>\n</html>\n"
    )
