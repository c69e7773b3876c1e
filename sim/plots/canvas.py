"""Figures without pyplot: an Agg canvas, the house style, labels for zones and KPIs.

Figures are built on ``matplotlib.figure.Figure`` with an Agg canvas attached,
never through pyplot: no global figure registry to leak memory in long
sweeps, no backend chosen at import time, safe in worker threads. Jupyter
still shows a returned Figure (with ``%matplotlib inline``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Optional

import numpy as np

from ..i18n import KPI_ZH, check_lang, t
from ..kpis import REGISTRY
from . import fonts

# Matplotlib settings used while a figure is built (objects copy them when created).
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "axes.prop_cycle": None,  # filled in by style(): a colour-blind-safe cycle
}
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

_UNITS = {"minutes": "min", "share": "%", "people": "people", "per day": "per day"}
_UNITS_ZH = {"minutes": "分钟", "share": "%", "people": "人", "per day": "每天"}


def text(key: str, lang: str = "en", **fields) -> str:
    """The catalog's message *key* (``sim.i18n``) in *lang*; in English where the fonts at hand
    cannot draw it (no CJK font installed)."""
    shown = t(key, lang, **fields)
    return shown if fonts.drawable(shown) else t(key, "en", **fields)


def kpi_unit(kpi: str, lang: str = "en") -> str:
    """The axis unit of a KPI of the registry (``sim.kpis``): ``min``, ``%``, ``people`` ..."""
    k = REGISTRY.get(kpi)
    if k is None:
        return ""
    return (_UNITS_ZH if check_lang(lang) == "zh" and fonts.drawable("分钟") else _UNITS).get(k.unit, k.unit)


def kpi_label(kpi: str, lang: str = "en", target: Optional[float] = None) -> str:
    """``mean wait (min)`` for an axis (the KPI's header in the registry, with its unit); in Chinese
    the header of ``sim.i18n.KPI_ZH`` (which carries its unit, but for shares)."""
    k = REGISTRY.get(kpi)
    if check_lang(lang) == "zh" and kpi in KPI_ZH and fonts.drawable(KPI_ZH[kpi][0]):
        header = KPI_ZH[kpi][0]
        header = header.format(t=target) if target is not None else header.replace("{t:g}分钟", "目标等候")
        return f"{header} (%)" if k is not None and k.percent else header
    text = kpi.replace("_", " ") if k is None else k.title()
    unit = kpi_unit(kpi)
    return f"{text} ({unit})" if unit else text


def kpi_scale(kpi: str) -> float:
    """100 for KPIs shown as percent (stored as shares), else 1."""
    k = REGISTRY.get(kpi)
    return 100.0 if k is not None and k.percent else 1.0


def style() -> dict:
    """The rc settings in force while a figure is built."""
    from cycler import cycler

    return {**STYLE, "axes.prop_cycle": cycler(color=COLORS), "font.family": fonts.font_families()}


def figure_function(build: Callable) -> Callable:
    """Decorate a function that builds and returns a Figure so it is built in the house style.

    Tick labels are created when the figure is drawn (maybe after this returns),
    so their font is pinned on every axes as well.
    """

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(style()):
            fig = build(*args, **kwargs)
        families = fonts.font_families()
        for ax in fig.axes:
            ax.tick_params(which="both", labelfontfamily=families)
        return fig

    return wrapper


def new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """A Figure (*width* x *height* inches) on an Agg canvas and its axes array (squeezed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, (axes[0, 0] if nrows == ncols == 1 else axes)


def zone_labels(scenario) -> dict[str, str]:
    """Display label of every zone: its ``name`` where the fonts can draw it, else its id."""
    return {z.id: fonts.label(z.name, z.id) for z in scenario.zones}


def scenario_title(scenario, fallback: str = "scenario") -> str:
    return fonts.label(scenario.name, fallback)


def clock(minutes: float) -> str:
    """``"09:30"`` for minutes since midnight."""
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"


def clock_axis(ax, start: float, end: float, every: Optional[float] = None) -> None:
    """Label the x axis (minutes since midnight) with clock times every *every* minutes."""
    span = end - start
    every = every or (60 if span <= 12 * 60 else 120)
    first = np.ceil(start / every) * every
    ticks = np.arange(first, end + 1e-9, every)
    ax.set_xticks(ticks, [clock(t) for t in ticks])
    ax.set_xlim(start, end)


def grid_shape(n: int, ncols: int) -> tuple[int, int]:
    """Rows and columns for *n* small panels, at most *ncols* wide."""
    ncols = max(1, min(ncols, n))
    return -(-n // ncols), ncols


def hide_unused(axes, used: int) -> None:
    """Hide the panels after the first *used* in a grid of axes."""
    for ax in list(np.ravel(axes))[used:]:
        ax.set_visible(False)


def zone_panels(scenario, zones, ncols: int):
    """One small panel per zone on a shared time axis: ``(zone ids, labels, figure, axes)``.

    *zones* limits and orders the panels (default: every zone of *scenario*).
    """
    zones = list(zones) if zones is not None else [z.id for z in scenario.zones]
    nrows, ncols = grid_shape(len(zones), ncols)
    fig, axes = new_figure(2.6 * ncols + 0.4, 1.75 * nrows + 0.7, nrows, ncols, sharex=True)
    return zones, zone_labels(scenario), fig, np.atleast_1d(axes).ravel()
