"""Robustness in one picture: zones x periods, the number of demand scenarios in which each holds.

Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot); zone names
in Chinese use the CJK font that ``sim.plots`` finds (its ``font_families`` and ``label``), or
the zone ids when none is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["holds_heatmap", "save_robustness_plots"]


def holds_heatmap(result, title: str | None = None):
    """Zones (rows) x periods (columns) of a :class:`~planning.plan_robustness.Robustness`, coloured
    from red (holds in no scenario) to green (in all ``result.n``), the count in each cell.
    Returns a matplotlib Figure."""
    import warnings

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import BoundaryNorm
    from matplotlib.figure import Figure

    import sim.plots

    scenario, holds, n = result.scenario, result.holds, result.n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no CJK font: zone ids instead, said once by sim.plots elsewhere
        families = sim.plots.font_families()
        labels = [sim.plots.label(scenario.zone(z).name, z) for z in holds.index]
        name = sim.plots.label(scenario.name, "scenario")
    periods = list(holds.columns)
    with matplotlib.rc_context({"font.family": families, "font.size": 8}):
        fig = Figure(figsize=(max(5.0, 0.45 * len(periods) + 2.8), max(2.2, 0.32 * len(labels) + 1.5)),
                     layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        cmap = matplotlib.colormaps["RdYlGn"].resampled(n + 1)
        image = ax.imshow(holds.to_numpy(float), aspect="auto", cmap=cmap,
                          norm=BoundaryNorm(np.arange(-0.5, n + 1), cmap.N))
        if holds.size <= 1500:
            for (i, j), v in np.ndenumerate(holds.to_numpy()):
                dark = v <= 0.2 * n or v >= 0.85 * n  # the ends of the colour map are dark
                ax.text(j, i, str(v), ha="center", va="center", fontsize=6, color="white" if dark else "#222222")
        step = max(1, len(periods) // 24)
        ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=90, fontsize=7)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.tick_params(length=0)
        bar = fig.colorbar(image, ax=ax, ticks=sorted({0, n // 2, n}))
        bar.set_label(f"scenarios holding (of {n})")
        targets = ", ".join(map(str, result.targets))
        fig.suptitle(f"{name}\n{title or f'in how many of {n} demand scenarios each zone-period meets {targets}'}",
                     x=0.01, ha="left", fontsize=9)
    return fig


def save_robustness_plots(result, folder, chance=None) -> list[Path]:
    """Write ``holds.png`` for *result* and, with a ChancePlan *chance* that was simulated,
    ``chance_holds.png`` and ``nominal_holds.png`` into *folder*; returns the paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    figures: list[tuple[str, Any, str | None]] = [("holds.png", result, None)]
    if chance is not None and chance.evaluation is not None and chance.nominal_evaluation is not None:
        figures += [("chance_holds.png", chance.evaluation, f"plan for {chance.share:g} of the scenarios"),
                    ("nominal_holds.png", chance.nominal_evaluation, "nominal plan")]
    paths = []
    for file, evaluation, what in figures:
        title = None if what is None else f"{what}: in how many of {evaluation.n} demand scenarios each zone-period holds"
        holds_heatmap(evaluation, title).savefig(out / file, dpi=110)
        paths.append(out / file)
    return paths
