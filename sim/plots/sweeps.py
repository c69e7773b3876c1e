"""A KPI against the varied parameter of a sweep, with its confidence band."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional

import numpy as np

from .canvas import COLORS, figure_function, kpi_label, kpi_scale, new_figure
from .fonts import label as font_label


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


@figure_function
def sweep_plot(frame, kpi: str = "mean_wait", groups: Optional[Sequence[str]] = None,
               labels: Optional[Mapping[str, str]] = None, title: Optional[str] = None):
    """*kpi* (mean and interval band) against the first varied parameter of a sweep.

    *frame* is the table returned by ``sim.sweep``. A second varied parameter
    gives one line per value; a sweep by zone (service, period) gives one line
    per group, limited to *groups* when given. *labels* maps group ids to
    display names (default: the sweep's own, e.g. zone names). Returns a
    matplotlib Figure.
    """
    from sim.sweep_grid import sweep_parameters

    params = sweep_parameters(frame)
    data = frame[frame["kpi"] == kpi]
    if data.empty:
        raise ValueError(f"no KPI {kpi!r} in this sweep; it has {', '.join(frame['kpi'].unique())}")
    if groups is not None:
        data = data[data["group"].isin(list(groups))]
    labels = {**frame.attrs.get("labels", {}), **(labels or {})}
    x_param = params[0]
    xs = list(dict.fromkeys(data[x_param]))
    numeric = all(_is_number(v) for v in xs)
    position = {v: (float(v) if numeric else i) for i, v in enumerate(xs)}
    scale = kpi_scale(kpi)
    lines = list(data.groupby([*params[1:], "group"], sort=False, observed=True))
    fig, ax = new_figure(7.5 if len(lines) <= 8 else 9.5, 4.2)
    for i, (key, d) in enumerate(lines):
        key = key if isinstance(key, tuple) else (key,)
        d = d.assign(_x=d[x_param].map(position)).sort_values("_x")
        x = d["_x"].to_numpy(float)
        color = COLORS[i % len(COLORS)]
        style = "-" if i < len(COLORS) else "--"
        parts = [f"{p} = {v:g}" if _is_number(v) else f"{p} = {v}" for p, v in zip(params[1:], key[:-1])]
        group = key[-1]
        if group != "all":
            parts.insert(0, font_label(labels.get(group, group), group))
        ax.fill_between(x, d["low"].to_numpy(float) * scale, d["high"].to_numpy(float) * scale, color=color,
                        alpha=0.18, linewidth=0)
        ax.plot(x, d["mean"].to_numpy(float) * scale, style, marker="o", markersize=3.5, color=color,
                label=", ".join(parts) or kpi_label(kpi))
    if not numeric:
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_xlabel(x_param)
    ax.set_ylabel(kpi_label(kpi))
    if scale == 100:
        ax.set_ylim(0, 105) if kpi in ("service_level", "utilization") else ax.set_ylim(bottom=0)
    else:
        ax.set_ylim(bottom=0)
    if len(lines) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    reps = frame.attrs.get("replications")
    note = f"; {reps} replications per point, same seed" if reps else ""
    ax.set_title(title or f"{kpi_label(kpi)} against {x_param}\nmean and 95% interval{note}", loc="left")
    return fig
