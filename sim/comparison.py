"""Paired comparison of two simulations that share seeds (common random numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .results import KPIS, Results
from .stats import summarize


@dataclass(frozen=True)
class Comparison:
    """Two results and their paired differences (``b - a``) per replication."""

    a: Results
    b: Results

    def unpaired_zones(self) -> dict[str, list[str]]:
        """Zones only one side has (``{"a": [...], "b": [...]}``): per-zone differences leave them out."""
        za, zb = list(self.a.scenario.zone_ids), list(self.b.scenario.zone_ids)
        return {"a": [z for z in za if z not in zb], "b": [z for z in zb if z not in za]}

    def differences(self, by: str = "zone", target: Optional[float] = None, level: float = 0.95) -> pd.DataFrame:
        """Paired differences ``b - a`` with confidence intervals: ``[group], kpi, mean, low, high, n``.

        For *by* ``zone``/``service``/``zone_period`` only groups present in both are compared.
        """
        ka = self.a.kpis(by, target)
        kb = self.b.kpis(by, target)
        keys = [c for c in ("replication", "zone", "service", "period") if c in ka.columns]
        for frame in (ka, kb):
            for col in keys[1:]:
                frame[col] = frame[col].astype(str)
        joined = ka.merge(kb, on=keys, suffixes=("_a", "_b"), how="inner")
        diff = joined[keys].copy()
        for k in KPIS:
            diff[k] = joined[f"{k}_b"] - joined[f"{k}_a"]
        return summarize(diff, keys[1:], list(KPIS), level)  # differences: no range to clip to


def compare(a: Results, b: Results) -> Comparison:
    """Pair two results simulated with the same seed and number of replications.

    Raises ValueError when they cannot be paired.
    """
    if a.seed != b.seed or a.replications != b.replications:
        raise ValueError(
            "paired comparison needs the same seed and replications, got "
            f"seed {a.seed} vs {b.seed}, replications {a.replications} vs {b.replications}"
        )
    problem = unpairable(a.scenario, b.scenario)
    if problem:
        raise ValueError(problem)
    return Comparison(a, b)


def unpairable(a, b) -> Optional[str]:
    """Why scenarios *a* and *b* cannot be compared zone by zone (they share no zone), or None."""
    if set(a.zone_ids) & set(b.zone_ids):
        return None
    return (f"the two halls share no zone ({a.name!r} and {b.name!r}): a paired comparison compares "
            "one hall under two settings")
