"""Robustness in one picture: in how many demand scenarios each zone-period holds."""

from __future__ import annotations

import numpy as np

from sim.plots.canvas import figure_function, new_figure, zone_labels

__all__ = ["holds_heatmap"]


@figure_function
def holds_heatmap(result):
    """Zones (rows) by period (columns), coloured by the number of demand scenarios in which the
    zone-period holds (of ``result.n``), the count written in each cell. Returns a Figure."""
    holds = result.holds
    labels = zone_labels(result.scenario)
    fig, ax = new_figure(max(6.0, 0.45 * holds.shape[1] + 2.5), max(2.5, 0.32 * holds.shape[0] + 1.4))
    image = ax.imshow(holds.to_numpy(float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=result.n)
    ax.set_yticks(range(len(holds.index)), [labels.get(z, z) for z in holds.index])
    step = max(1, holds.shape[1] // 12)
    ax.set_xticks(range(0, holds.shape[1], step), list(holds.columns)[::step])
    ax.grid(False)
    if holds.size <= 600:
        for (i, j), v in np.ndenumerate(holds.to_numpy()):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, label=f"scenarios holding (of {result.n})")
    ax.set_title(f"In how many of {result.n} demand scenarios each zone and period meets the target", loc="left")
    return fig
