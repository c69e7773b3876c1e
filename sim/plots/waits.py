"""Waiting times by zone and period of arrival, as a heatmap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np

from .canvas import figure_function, kpi_label, kpi_scale, new_figure, scenario_title, text, zone_labels

# Beyond this many cells the numbers in the cells would be too small to read.
ANNOTATE_MAX_CELLS = 600


def zone_period_means(results, kpi: str = "mean_wait", target: Optional[float] = None):
    """Mean of *kpi* over replications, as a zones x periods DataFrame (NaN where nobody came)."""
    per_rep = results.kpis("zone_period", target)
    table = per_rep.groupby(["zone", "period"], observed=False, sort=False)[kpi].mean().unstack("period")
    zones = [z.id for z in results.scenario.zones]
    return table.reindex(index=zones)


@figure_function
def wait_heatmap(results, kpi: str = "mean_wait", target: Optional[float] = None,
                 zones: Optional[Sequence[str]] = None, annotate: Optional[bool] = None, lang: str = "en"):
    """Heatmap of *kpi* (default mean wait, minutes) per zone and period of arrival.

    Each cell is the mean over replications of the KPI among visitors who
    arrived in that period; grey cells had no visitors. *zones* limits and
    orders the rows; *annotate* writes the values in the cells (default: when
    they fit); *lang*: ``en`` or ``zh`` for the texts. Returns a matplotlib Figure.
    """
    table = zone_period_means(results, kpi, target)
    if zones is not None:
        table = table.reindex(index=list(zones))
    scale = kpi_scale(kpi)
    values = table.to_numpy(dtype=float) * scale
    n_zones, n_periods = values.shape
    labels = zone_labels(results.scenario)
    fig, ax = new_figure(max(6.0, 1.6 + 0.42 * n_periods), max(2.4, 1.2 + 0.32 * n_zones))
    import matplotlib

    cmap = matplotlib.colormaps["YlOrRd"].with_extremes(bad="#e8e8e8")
    finite = values[np.isfinite(values)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=vmax, aspect="auto",
                      interpolation="nearest")
    ax.grid(False)
    ax.set_yticks(range(n_zones), [labels.get(z, z) for z in table.index])
    ax.set_xticks(range(n_periods), list(table.columns), rotation=90)
    ax.set_xlabel(text("plot.period_of_arrival", lang))
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if annotate is None:
        annotate = n_zones * n_periods <= ANNOTATE_MAX_CELLS
    if annotate:
        fmt = "{:.0f}" if vmax >= 10 else "{:.1f}"
        for i in range(n_zones):
            for j in range(n_periods):
                v = values[i, j]
                if np.isfinite(v):
                    ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=6.5,
                            color="white" if v > 0.6 * vmax else "#333333")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.01)
    label = kpi_label(kpi, lang, target if target is not None else results.scenario.target_wait)
    bar.set_label(label)
    ax.set_title(text("plot.heatmap_title", lang, name=scenario_title(results.scenario), kpi=label,
                      n=results.replications), loc="left")
    return fig
