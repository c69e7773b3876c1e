"""Write sets of plots as PNG files, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Optional

from .comparison import compare_zones
from .queues import queue_over_day
from .staffing import staffing_vs_demand
from .sweeps import sweep_plot
from .utilization import utilization_bars
from .waits import wait_heatmap

DPI = 110
SWEEP_KPIS = ("mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization")
COMPARE_KPIS = ("mean_wait", "p90_wait", "service_level", "utilization")


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def results_figures(results, target: Optional[float] = None, lang: str = "en") -> dict[str, Callable]:
    """Builders of the plots of one simulation, by file stem (built only when called), texts in *lang*."""
    return {
        "wait_heatmap": lambda: wait_heatmap(results, target=target, lang=lang),
        "queue_over_day": lambda: queue_over_day(results, lang=lang),
        "utilization": lambda: utilization_bars(results, lang=lang),
        "staffing_vs_demand": lambda: staffing_vs_demand(results, lang=lang),
    }


def comparison_figures(comparison, target: Optional[float] = None, lang: str = "en") -> dict[str, Callable]:
    """Builders of the plots of a paired comparison, by file stem, texts in *lang*."""
    return {f"compare_{kpi}": (lambda kpi=kpi: compare_zones(comparison, kpi, target, lang=lang))
            for kpi in COMPARE_KPIS}


def sweep_figures(frame) -> dict[str, Callable]:
    """Builders of one plot per headline KPI of a sweep, by file stem."""
    kpis = [k for k in SWEEP_KPIS if k in set(frame["kpi"])]
    return {f"sweep_{kpi}": (lambda kpi=kpi: sweep_plot(frame, kpi)) for kpi in kpis}


def _write(builders: dict[str, Callable], directory) -> list[Path]:
    from ..atomic import atomic_dir

    directory = Path(directory)
    with atomic_dir(directory) as stage:
        for stem, build in builders.items():
            (stage / f"{stem}.png").write_bytes(png_bytes(build()))
    return [directory / f"{stem}.png" for stem in builders]


def save_plots(results, directory, target: Optional[float] = None) -> list[Path]:
    """Write the plots of *results* into *directory* as PNG files; returns their paths.

    ``wait_heatmap.png``, ``queue_over_day.png``, ``utilization.png``,
    ``staffing_vs_demand.png``. The files appear together or not at all.
    """
    return _write(results_figures(results, target), directory)


def save_comparison_plots(comparison, directory, target: Optional[float] = None) -> list[Path]:
    """Write ``compare_<kpi>.png`` (A vs B per zone and B - A) for the headline KPIs."""
    return _write(comparison_figures(comparison, target), directory)


def save_sweep_plots(frame, directory) -> list[Path]:
    """Write ``sweep_<kpi>.png`` (KPI against the varied parameter) for the headline KPIs."""
    return _write(sweep_figures(frame), directory)
