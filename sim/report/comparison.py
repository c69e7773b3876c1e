"""The HTML report of a paired comparison: what changed, A vs B, B - A with intervals, plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from ..atomic import atomic_write_text
from ..i18n import t
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


def changes_table(a, b, lang: str = "en") -> str:
    """The input fields that differ from A to B (dotted paths as in ``sim.whatif.vary``)."""
    rows = [(path, _value(va), _value(vb)) for path, va, vb in differences(a, b)]
    if not rows:
        return f'<p class="muted">{esc(t("report.cmp.same_inputs", lang))}</p>'
    more = len(rows) - MAX_CHANGES
    note = f'<p class="muted">{esc(t("report.cmp.more", lang, n=more))}</p>' if more > 0 else ""
    return table([t("report.cmp.field", lang), "A", "B"], rows[:MAX_CHANGES], text_columns=3) + note


def comparison_html(comparison, target: Optional[float] = None, lang: str = "en") -> str:
    """The comparison report as one self-contained HTML document, in *lang* (``en`` or ``zh``)."""
    from ..plots.files import comparison_figures, png_bytes

    a, b = comparison.a, comparison.b
    target = a.scenario.target_wait if target is None else float(target)
    plots = "".join(figure(png_bytes(build()), stem.replace("_", " "),
                           t(f"report.cap.{stem}", lang) if stem in CAPTIONS else "")
                    for stem, build in comparison_figures(comparison, target, lang).items())
    meta = t("report.cmp.meta", lang, replications=a.replications, seed=a.seed, target=target)
    body = (
        f"<h1>{esc(a.scenario.name)} <span class=\"muted\">{esc(t('report.cmp.vs', lang))}</span> "
        f"{esc(b.scenario.name)}</h1>"
        f'<p class="meta">{esc(meta)}</p>'
        f"<p><strong>A</strong> = {esc(a.scenario.name)}<br><strong>B</strong> = {esc(b.scenario.name)}</p>"
        f"<h2>{esc(t('report.cmp.changed', lang))}</h2>" + changes_table(a.scenario, b.scenario, lang)
        + f"<h2>{esc(t('report.whole_hall', lang))}</h2>" + comparison_overall_table(comparison, target, lang)
        + f"<h2>{esc(t('report.per_zone', lang))}</h2>" + comparison_zone_table(comparison, target, lang=lang)
        + f"<h2>{esc(t('report.plots', lang))}</h2>" + plots
        + scenario_section(a.scenario, t("report.cmp.scenario_a", lang), lang)
        + scenario_section(b.scenario, t("report.cmp.scenario_b", lang), lang)
        + assumptions_section([a.scenario] + ([b.scenario] if b.scenario.description != a.scenario.description else []),
                              lang)
    )
    return page(t("report.cmp.title", lang, a=a.scenario.name, b=b.scenario.name), body, lang)


def write_comparison_report(comparison, path, target: Optional[float] = None, lang: str = "en") -> Path:
    """Write the HTML report of a ``sim.compare`` result to *path* (atomically), in *lang*; returns the path."""
    path = Path(path)
    atomic_write_text(path, comparison_html(comparison, target, lang))
    return path
