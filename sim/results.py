"""Results of a simulation: the record store, its tidy views and its KPIs with intervals.

``Results`` (what ``sim.simulate`` returns) is the three together:
:class:`~sim.records.RecordStore` (the visit records as columns),
:class:`~sim.views.TidyViews` (``visits``, ``visitors``, ``moves``, ``levels``) and
:class:`~sim.kpi_tables.KpiTables` (``kpis``, ``summary``). Anything that only needs
KPIs and levels - reports, JSON, plots of KPIs - takes a :class:`KpiSource`, which a
streamed run (``sim.stream.StreamedResults``) is too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol, runtime_checkable

import pandas as pd

from .kpi_tables import GROUPINGS, KpiTables
from .kpis import KPI_HELP, KPIS
from .views import OUTCOMES, TidyViews

__all__ = ["GROUPINGS", "KPIS", "KPI_HELP", "OUTCOMES", "KpiSource", "Results"]


@runtime_checkable
class KpiSource(Protocol):
    """What a run offers without its visit records: the scenario, the compiled hall, the seed and
    replications, per-replication KPIs, their summaries and the time-weighted levels."""

    seed: int
    replications: int

    @property
    def scenario(self): ...

    @property
    def levels(self) -> pd.DataFrame: ...

    def kpis(self, by: str = "zone", target: Optional[float] = None) -> pd.DataFrame: ...

    def summary(self, by: str = "zone", target: Optional[float] = None, level: float = 0.95) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Results(TidyViews, KpiTables):
    """The outcome of ``sim.simulate``.

    *visits* is one row per visit; *levels* one row per replication, zone and
    period (plus ``after_close``) with time-weighted queue, busy and staffed
    windows; ``summary()`` gives KPIs with 95% intervals.
    """
