"""The HTML report of a paired comparison: what changed, A vs B, B - A with intervals, plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from ..output import atomic_write_text
from ..whatif import differences
from .brief import assumptions_section, scenario_section
from .html import esc, figure, page, table
from .kpis import comparison_overall_table, comparison_zone_table

CAPTIONS = {
    "compare_mean_wait": "Mean wait per zone in A and B (95% intervals) and the paired difference B - A.",
    "compare_p90_wait": "90th percentile wait per zone in A and B and the paired difference B - A.",
    "compare_service_level": "Share called within the target wait per zone in A and B and the difference "
                             "B - A in percentage points.",
    "compare_utilization": "Utilization per zone in A and B and the difference B - A in percentage points.",
}


MAX_CHANGES = 40  # beyond this the inputs are two different halls, not a what-if


def _value(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, dict) and "id" in v:  # a whole zone or service on one side only
        return f"{v['id']} ({v['name']})" if v.get("name") else str(v["id"])
    if isinstance(v, (dict, list)):
        text = json.dumps(v, ensure_ascii=False)
        return text if len(text) <= 120 else text[:117] + "..."
    return str(v)


def changes_table(a, b) -> str:
    """The input fields that differ from A to B (dotted paths as in ``sim.whatif.vary``)."""
    rows = [(path, _value(va), _value(vb)) for path, va, vb in differences(a, b)]
    if not rows:
        return '<p class="muted">The two scenarios have the same inputs.</p>'
    more = len(rows) - MAX_CHANGES
    note = f'<p class="muted">… and {more} more differences.</p>' if more > 0 else ""
    return table(["field", "A", "B"], rows[:MAX_CHANGES], text_columns=3) + note


def comparison_html(comparison, target: Optional[float] = None) -> str:
    """The comparison report as one self-contained HTML document."""
    from ..plots.files import comparison_figures, png_bytes

    a, b = comparison.a, comparison.b
    target = a.scenario.target_wait if target is None else float(target)
    plots = "".join(figure(png_bytes(build()), stem.replace("_", " "), CAPTIONS.get(stem, ""))
                    for stem, build in comparison_figures(comparison, target).items())
    meta = (f"Paired comparison: {a.replications} replications of each with seed {a.seed}, so A and B see the "
            f"same visitors (common random numbers); target wait {target:g} min. Differences are B - A with "
            "95% intervals from the paired per-day differences; green marks a change that is better for "
            "visitors, red worse, where the interval excludes zero.")
    body = (
        f"<h1>{esc(a.scenario.name)} <span class=\"muted\">vs</span> {esc(b.scenario.name)}</h1>"
        f'<p class="meta">{esc(meta)}</p>'
        f"<p><strong>A</strong> = {esc(a.scenario.name)}<br><strong>B</strong> = {esc(b.scenario.name)}</p>"
        "<h2>What changed</h2>" + changes_table(a.scenario, b.scenario)
        + "<h2>The whole hall</h2>" + comparison_overall_table(comparison, target)
        + "<h2>Per zone</h2>" + comparison_zone_table(comparison, target)
        + "<h2>Plots</h2>" + plots
        + scenario_section(a.scenario, "Scenario A")
        + scenario_section(b.scenario, "Scenario B")
        + assumptions_section([a.scenario] + ([b.scenario] if b.scenario.description != a.scenario.description else []))
    )
    return page(f"{a.scenario.name} vs {b.scenario.name}: comparison report", body)


def write_comparison_report(comparison, path, target: Optional[float] = None) -> Path:
    """Write the HTML report of a ``sim.compare`` result to *path* (atomically); returns the path."""
    path = Path(path)
    atomic_write_text(path, comparison_html(comparison, target))
    return path
