"""Two scenarios side by side per zone, and their paired difference with its interval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np

from .canvas import figure_function, kpi_label, kpi_scale, kpi_unit, new_figure, scenario_title, text, zone_labels


def _by_zone(summary, kpi: str):
    frame = summary[summary["kpi"] == kpi].copy()
    frame["zone"] = frame["zone"].astype(str)
    return frame.set_index("zone")


def _err(frame, zones, scale):
    f = frame.reindex(zones)
    mean = f["mean"].to_numpy(float) * scale
    err = np.vstack([mean - f["low"].to_numpy(float) * scale, f["high"].to_numpy(float) * scale - mean])
    return mean, np.nan_to_num(np.abs(err))


@figure_function
def compare_zones(comparison, kpi: str = "mean_wait", target: Optional[float] = None,
                  zones: Optional[Sequence[str]] = None, level: float = 0.95, lang: str = "en"):
    """*kpi* per zone for scenarios A and B (bars with intervals) and the paired
    difference B - A with its *level* interval (whiskers).

    A difference whose interval excludes zero is drawn solid, otherwise hollow.
    Percent KPIs are shown in percent (differences in percentage points).
    *lang*: ``en`` or ``zh`` for the texts. Returns a matplotlib Figure.
    """
    a, b = comparison.a, comparison.b
    scale = kpi_scale(kpi)
    sa = _by_zone(a.summary("zone", target, level), kpi)
    sb = _by_zone(b.summary("zone", target, level), kpi)
    diff = _by_zone(comparison.differences("zone", target, level), kpi)
    if zones is None:
        zones = [z.id for z in a.scenario.zones] + [z.id for z in b.scenario.zones if z.id not in sa.index]
    zones = list(zones)
    labels = {**zone_labels(b.scenario), **zone_labels(a.scenario)}
    fig, (left, right) = _two_panels(len(zones))
    y = np.arange(len(zones))
    h = 0.38
    ma, ea = _err(sa, zones, scale)
    mb, eb = _err(sb, zones, scale)
    name_a, name_b = scenario_title(a.scenario, "A"), scenario_title(b.scenario, "B")
    left.barh(y - h / 2, ma, xerr=ea, height=h, color="#56B4E9", ecolor="#333333", capsize=1.5,
              error_kw={"linewidth": 0.7}, label=f"A: {name_a}")
    left.barh(y + h / 2, mb, xerr=eb, height=h, color="#E69F00", ecolor="#333333", capsize=1.5,
              error_kw={"linewidth": 0.7}, label=f"B: {name_b}")
    left.set_yticks(y, [labels.get(z, z) for z in zones])
    left.invert_yaxis()
    left.set_xlim(left=0)
    label = kpi_label(kpi, lang, target if target is not None else a.scenario.target_wait)
    left.set_xlabel(text("plot.cmp.axis", lang, kpi=label, level=level))
    left.grid(axis="y", visible=False)
    left.set_title(label, loc="left")

    md, ed = _err(diff, zones, scale)
    significant = np.isfinite(md) & ((md - ed[0] > 0) | (md + ed[1] < 0))
    right.axvline(0, color="#666666", linewidth=0.8)
    for mask, face in ((significant, "#0072B2"), (~significant, "white")):
        right.errorbar(md[mask], y[mask], xerr=ed[:, mask], fmt="o", markersize=4.5, color="#0072B2",
                       markerfacecolor=face, ecolor="#0072B2", elinewidth=1, capsize=2)
    unit = text("plot.cmp.points", lang) if scale == 100 else kpi_unit(kpi, lang)
    right.set_xlabel(text("plot.cmp.diff_axis", lang, unit=unit, level=level) if unit
                     else text("plot.cmp.diff_axis_plain", lang, level=level))
    right.grid(axis="y", visible=False)
    right.set_title(text("plot.cmp.diff_title", lang), loc="left")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    fig.suptitle(text("plot.cmp.meta", lang, n=a.replications, seed=a.seed), x=0.01, ha="left", fontsize=9,
                 color="#555555")
    return fig


def _two_panels(n_zones: int):
    fig, axes = new_figure(10.0, max(2.6, 1.4 + 0.3 * n_zones), 1, 2, sharey=True,
                           gridspec_kw={"width_ratios": [1.4, 1]})
    return fig, (axes[0, 0], axes[0, 1])
