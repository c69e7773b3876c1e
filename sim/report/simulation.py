"""The HTML report of one simulation: scenario, KPIs with intervals, plots, assumptions."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..atomic import atomic_write_text
from ..i18n import t
from .brief import assumptions_section, scenario_section
from .html import esc, figure, page
from .kpis import overall_table, zone_table

# (plot builder name in sim.plots.files.results_figures, caption)
CAPTIONS = {
    "wait_heatmap": "Mean wait (minutes) of visitors by zone and the half hour they arrived, averaged over "
                    "replications; grey cells had no visitors.",
    "queue_over_day": "People waiting in each zone through the day: time-average per period, mean over "
                      "replications with its 95% interval.",
    "utilization": "Busy share of staffed window time per zone, with 95% intervals; the dashed line is the "
                   "whole hall.",
    "staffing_vs_demand": "Staffed windows per period against the offered load (arrivals per hour x mean "
                          "service time / 60): where the load reaches the staff line the zone is at capacity.",
}


def run_facts(results, target: float, lang: str = "en") -> str:
    return t("report.run_facts", lang, replications=results.replications, seed=results.seed, target=target)


def report_html(results, target: Optional[float] = None, lang: str = "en") -> str:
    """The report of *results* as one self-contained HTML document (plots embedded as PNG),
    in *lang* (``en`` or ``zh``; see :mod:`sim.i18n`)."""
    from ..plots.files import png_bytes, results_figures

    scenario = results.scenario
    target = scenario.target_wait if target is None else float(target)
    plots = "".join(figure(png_bytes(build()), stem.replace("_", " "),
                           t(f"report.cap.{stem}", lang) if stem in CAPTIONS else "")
                    for stem, build in results_figures(results, target, lang).items())
    body = (
        f"<h1>{esc(scenario.name)}</h1>"
        f'<p class="meta">{esc(t("report.subtitle", lang))} {esc(run_facts(results, target, lang))}</p>'
        f"<h2>{esc(t('report.per_zone', lang))}</h2>"
        f"<p>{esc(t('report.per_zone_note', lang))}</p>"
        + zone_table(results, target, lang)
        + f"<h2>{esc(t('report.whole_hall', lang))}</h2>"
        + overall_table(results, target, lang)
        + f"<h2>{esc(t('report.plots', lang))}</h2>" + plots
        + scenario_section(scenario, lang=lang)
        + assumptions_section([scenario], lang)
    )
    return page(t("report.title", lang, name=scenario.name), body, lang)


def write_report(results, path, target: Optional[float] = None, lang: str = "en") -> Path:
    """Write the HTML report of *results* to *path* (atomically); returns the path.

    *target* is the service-level wait in minutes (default: the scenario's).
    The file opens offline: styles and plots are inside it. *lang*: ``en`` or ``zh``.
    """
    path = Path(path)
    atomic_write_text(path, report_html(results, target, lang))
    return path
