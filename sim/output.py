"""Write results to files completely or not at all."""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from .results import GROUPINGS, KpiSource, Results


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
        # mkstemp makes the file private (0600); a report is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


def summary_json(results: KpiSource, target: Optional[float] = None) -> dict[str, Any]:
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


def write_tables(results: KpiSource, folder: Path, target: Optional[float] = None) -> None:
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
        self._parquet = None
        self._csv = None

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
