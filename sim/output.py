"""Results as files: the tables, ``summary.json``, the visits (CSV or Parquet) and the
``--json`` document, written whole through :mod:`sim.atomic`."""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from .atomic import atomic_dir
from .results import GROUPINGS, KpiSource, Results


def json_value(x: Any) -> Any:
    """*x* as a JSON value: NumPy and pandas scalars as Python ones, NaN, infinities and NA as None."""
    if x is pd.NA:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, numbers.Real):
        if not math.isfinite(x):
            return None
        return int(x) if isinstance(x, numbers.Integral) else float(x)
    return x


def kpi_dict(summary: pd.DataFrame, kpis: Optional[list[str]] = None) -> dict[str, dict[str, Any]]:
    """``{kpi: {"mean": x, "ci95": [low, high]}}`` from a one-group summary table."""
    out = {}
    for row in summary.itertuples(index=False):
        if kpis is None or row.kpi in kpis:
            out[row.kpi] = {"mean": json_value(float(row.mean)), "ci95": [json_value(float(row.low)), json_value(float(row.high))]}
    return out


def summary_json(results: KpiSource | Results, target: Optional[float] = None) -> dict[str, Any]:
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


VISITS_FORMATS = ("csv", "parquet")
CSV_FLOATS = "%.4f"  # visit times in minutes: to the 1/100 of a second


def write_results(results: Results, out_dir: str | Path, target: Optional[float] = None,
                  visits_format: str = "csv") -> list[Path]:
    """Write ``visits.csv`` (or ``visits.parquet``), ``summary.csv`` (every grouping),
    ``levels.csv`` and ``summary.json`` into *out_dir*, all or nothing. Returns the written paths."""
    check_visits_format(visits_format)
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as stage:
        with VisitsWriter(stage, visits_format) as writer:
            writer.write(results.visits)
        write_tables(results, stage, target)
        names = [p.name for p in stage.iterdir()]
    return [out_dir / n for n in sorted(names)]


def write_tables(results: KpiSource | Results, folder: Path, target: Optional[float] = None) -> None:
    """``summary.csv``, ``levels.csv`` and ``summary.json`` of *results* (a ``Results`` or a
    streamed run: any :class:`~sim.results.KpiSource`)."""
    parts = []
    for by in GROUPINGS:
        frame = results.summary(by, target)
        frame.insert(0, "by", by)
        parts.append(frame)
    pd.concat(parts, ignore_index=True).to_csv(folder / "summary.csv", index=False, float_format="%.6g")
    # In chunks of rows: formatting text for the whole table at once would take memory
    # in proportion to the replications.
    results.levels.to_csv(folder / "levels.csv", index=False, float_format="%.6g", chunksize=2000)
    (folder / "summary.json").write_text(
        json.dumps(summary_json(results, target), ensure_ascii=False, indent=2), encoding="utf-8"
    )


def check_visits_format(visits_format: str) -> None:
    if visits_format not in VISITS_FORMATS:
        raise ValueError(f"visits_format must be one of {', '.join(VISITS_FORMATS)}, got {visits_format!r}")


class VisitsWriter:
    """Append visit tables to ``visits.csv`` or ``visits.parquet`` in *folder*, batch by batch.

    The CSV file is the one ``DataFrame.to_csv`` writes for all the batches at once. The
    Parquet file gets row groups of about *row_group* rows (batches are buffered until
    then); its schema is the first batch's, so every batch must have the same columns
    and categories (``Results.visits`` of the same hall do). Use as a context manager;
    the file is complete only after a clean exit.
    """

    def __init__(self, folder: str | Path, visits_format: str = "csv", row_group: int = 100_000):
        check_visits_format(visits_format)
        self.path = Path(folder) / f"visits.{visits_format}"
        self.format = visits_format
        self.row_group = row_group
        self.rows = 0
        self._buffer: list[pd.DataFrame] = []
        self._buffered = 0
        self._parquet: Any = None
        self._csv: Any = None

    def __enter__(self) -> VisitsWriter:
        if self.format == "csv":
            self._csv = open(self.path, "w", encoding="utf-8", newline="")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append *frame* (columns as in ``Results.visits``)."""
        if self.format == "csv":
            frame.to_csv(self._csv, index=False, header=self.rows == 0, float_format=CSV_FLOATS)
        else:
            self._buffer.append(frame)
            self._buffered += len(frame)
            if self._buffered >= self.row_group:
                self._flush()
        self.rows += len(frame)

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer:
            return
        frame = self._buffer[0] if len(self._buffer) == 1 else pd.concat(self._buffer, ignore_index=True)
        self._buffer, self._buffered = [], 0
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema)
        self._parquet.write_table(table, row_group_size=max(len(frame), 1))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self.format == "parquet":
                self._flush()
        finally:
            if self._csv is not None:
                self._csv.close()
            if self._parquet is not None:
                self._parquet.close()
