"""The layout search in one picture: windows against staff-hours, waits as colour."""

from __future__ import annotations

import numpy as np

from sim.plots.canvas import figure_function, new_figure
from sim.plots.fonts import label

__all__ = ["pareto_plot"]


@figure_function
def pareto_plot(search):
    """Windows used (x) against staff-hours a day (y): the screen's candidates as grey dots (analytic
    staff-hours), the optimized ones coloured by simulated mean wait (minutes), the Pareto front
    joined, the recommended layout starred, the windows budget as a line. Returns a Figure."""
    fig, ax = new_figure(7.5, 4.6)
    screened, sim_ = search.screened, search.simulated
    ax.scatter(screened["windows"], screened["staff_hours"], s=14, color="#BBBBBB",
               label="screened (analytic staff-hours)", zorder=1)
    points = ax.scatter(sim_["windows_used"], sim_["staff_hours"], c=sim_["mean_wait"], cmap="viridis_r",
                        s=70, edgecolor="black", linewidth=0.6, zorder=3, label="optimized (simulated)")
    front = sim_[sim_["pareto"]].sort_values("windows_used")
    ax.plot(front["windows_used"], front["staff_hours"], color="#0072B2", linewidth=1, zorder=2,
            label="Pareto front")
    best = sim_[sim_["recommended"]]
    ax.scatter(best["windows_used"], best["staff_hours"], marker="*", s=260, color="#D55E00",
               edgecolor="black", linewidth=0.6, zorder=4, label="recommended")
    for r in sim_.itertuples():
        ax.annotate(_short(label(r.layout, r.pools or "departmental")), (r.windows_used, r.staff_hours), textcoords="offset points",
                    xytext=(6, 4), fontsize=7)
    if search.budget_windows is not None:
        ax.axvline(search.budget_windows, color="#999999", linestyle="--", linewidth=0.9, label="windows budget")
    fig.colorbar(points, ax=ax, label="mean wait (min)")
    ax.set_xlabel("windows used")
    ax.set_ylabel("staff-hours a day")
    ax.set_title(f"Layouts of {search.scenario.name}: {len(screened)} screened, {len(sim_)} optimized",
                 loc="left")
    low, high = np.nanmin(screened["staff_hours"]), np.nanmax(screened["staff_hours"])
    ax.set_ylim(min(low, sim_["staff_hours"].min()) * 0.95, max(high, sim_["staff_hours"].max()) * 1.05)
    ax.legend(fontsize=7, loc="upper right")
    return fig


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
