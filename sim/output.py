"""Write results to files completely or not at all."""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Optional

import pandas as pd

from .results import Results


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move each file into *target*, on failure drop them.

    Files land with ``os.replace`` (atomic per file), so a reader never sees half a
    file, and an error part-way leaves *target* as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(staging.rglob("*")):
            dest = target / path.relative_to(staging)
            if path.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
            else:
                os.replace(path, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* to *path* through a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _clean(x: Any) -> Any:
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


def kpi_dict(summary: pd.DataFrame, kpis: Optional[list[str]] = None) -> dict[str, dict[str, Any]]:
    """``{kpi: {"mean": x, "ci95": [low, high]}}`` from a one-group summary table."""
    out = {}
    for row in summary.itertuples(index=False):
        if kpis is None or row.kpi in kpis:
            out[row.kpi] = {"mean": _clean(float(row.mean)), "ci95": [_clean(float(row.low)), _clean(float(row.high))]}
    return out


def summary_json(results: Results, target: Optional[float] = None) -> dict[str, Any]:
    """The ``--json`` document: scenario, replications, seed, overall and per-zone KPIs."""
    target = results.scenario.target_wait if target is None else target
    zones = results.summary("zone", target)
    return {
        "scenario": results.scenario.name,
        "replications": results.replications,
        "seed": results.seed,
        "target_wait": target,
        "overall": kpi_dict(results.summary("overall", target)),
        "zones": {z: kpi_dict(frame) for z, frame in zones.groupby("zone", sort=False, observed=True)},
    }


def write_results(results: Results, out_dir: str | Path, target: Optional[float] = None) -> list[Path]:
    """Write ``visits.csv``, ``summary.csv`` (every grouping), ``levels.csv`` and
    ``summary.json`` into *out_dir*, all or nothing. Returns the written paths."""
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as stage:
        results.visits.to_csv(stage / "visits.csv", index=False, float_format="%.4f")
        parts = []
        for by in ("overall", "zone", "service", "period", "zone_period"):
            frame = results.summary(by, target)
            frame.insert(0, "by", by)
            parts.append(frame)
        pd.concat(parts, ignore_index=True).to_csv(stage / "summary.csv", index=False, float_format="%.6g")
        results.levels.to_csv(stage / "levels.csv", index=False, float_format="%.6g")
        (stage / "summary.json").write_text(
            json.dumps(summary_json(results, target), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        names = [p.name for p in stage.iterdir()]
    return [out_dir / n for n in sorted(names)]
