"""Plots of simulation results, comparisons and sweeps; each function returns a matplotlib Figure.

Figures are drawn with the Agg canvas without pyplot, and Chinese zone names
are drawn with an installed CJK font (see ``fonts``)::

    import sim.plots
    fig = sim.plots.wait_heatmap(results)
    fig.savefig("waits.png", dpi=120)
    sim.plots.save_plots(results, "plots/")     # every plot of one run as PNG
"""

from .comparison import compare_zones
from .files import png_bytes, save_comparison_plots, save_plots, save_sweep_plots
from .fonts import MissingCJKFontWarning, cjk_font, font_families, label
from .queues import queue_bands, queue_over_day
from .staffing import offered_load, staffing_vs_demand
from .sweeps import sweep_plot
from .utilization import utilization_bars
from .waits import wait_heatmap, zone_period_means

__all__ = [
    "MissingCJKFontWarning",
    "cjk_font",
    "font_families",
    "label",
    "compare_zones",
    "offered_load",
    "png_bytes",
    "queue_bands",
    "queue_over_day",
    "save_comparison_plots",
    "save_plots",
    "save_sweep_plots",
    "staffing_vs_demand",
    "sweep_plot",
    "utilization_bars",
    "wait_heatmap",
    "zone_period_means",
]
