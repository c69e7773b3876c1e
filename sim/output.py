"""Write results to files and folders completely or not at all.

This module owns every output of the commands: a folder (``--out``, ``--plots``,
``--stream``) is written into a hidden staging folder beside it and swapped in as a
whole (:func:`atomic_dir`); a file goes through a temporary file
(:func:`atomic_write_text`); :func:`check_output_dir` and :func:`check_output_file`
find an unwritable target before a long run.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import numbers
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from .errors import InputError
from .results import GROUPINGS, KpiSource, Results
from .stop_request import raise_if_stop_requested


class OutputError(InputError):
    """An output folder or file cannot be written (exists as a file, no permission, disk full)."""


STAGING = ".staging-"
OLD = ".old-"


def _aside(target: Path, kind: str) -> Path:
    """A hidden sibling of *target* named after this process: ``.NAME.staging-PID-XXXX``."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}{kind}{os.getpid()}-", dir=target.parent))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(target: str | Path) -> None:
    """Remove what killed runs left beside *target*: their staging folders and temporary
    files, and an old folder set aside for a swap that never finished (put back when
    *target* is missing)."""
    target = Path(target)
    parent = target.parent
    if not parent.is_dir():
        return
    for kind in (OLD, STAGING):
        prefix = f".{target.name}{kind}"
        for path in sorted(parent.glob(glob_escape(prefix) + "*")):
            pid_text = path.name[len(prefix):].split("-", 1)[0]
            if not pid_text.isdigit() or (int(pid_text) != os.getpid() and _pid_alive(int(pid_text))):
                continue
            if kind == OLD and not target.exists():
                with contextlib.suppress(OSError):
                    os.rename(path, target)  # the previous content, intact
                    continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()  # a temporary file of atomic_write_text


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def check_output_dir(target: str | Path, option: str = "--out") -> Path:
    """Check before a long run that folder *target* can be written; raise OutputError if not.

    *target* must be a folder or not exist; the nearest existing parent must be a
    writable folder. Stale staging folders of killed runs are removed on the way.
    """
    if not str(target).strip():
        raise OutputError(option or "<output>", "", "an empty path; give a folder")
    target = Path(target)
    label = f"{option} {target}" if option else str(target)
    if target.exists() and not target.is_dir():
        raise OutputError(label, "", "exists and is not a folder; give a folder path (or remove the file)")
    here = Path.cwd().resolve()
    if target.resolve() in (here, *here.parents):
        raise OutputError(label, "", "is the current folder or one above it, which would be replaced as a whole; "
                                     "give a new folder, e.g. out")
    if _writable_ancestor(target, label, "folder") == target.parent:
        clean_stale(target)
    return target


def _writable_ancestor(target: Path, label: str, what: str) -> Path:
    """The nearest existing folder above *target*; OutputError unless *what* can be created in it."""
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(label, "", f"cannot create the {what}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(label, "", f"cannot create the {what}: no permission to write in {ancestor}")
    try:  # access() does not know every file system (/proc, some network mounts): try for real
        os.rmdir(tempfile.mkdtemp(prefix=".servicehall-probe.", dir=ancestor))
    except OSError as exc:
        reason = _os_problem(exc).removeprefix("cannot write: ")
        raise OutputError(label, "", f"cannot create the {what} in {ancestor}: {reason}") from None
    return ancestor


def check_output_file(target: str | Path, option: str = "--out") -> Path:
    """Check before a long run that file *target* can be written; raise OutputError if not."""
    if not str(target).strip():
        raise OutputError(option or "<output>", "", "an empty path; give a file")
    target = Path(target)
    label = f"{option} {target}" if option else str(target)
    if target.is_dir():
        raise OutputError(label, "", "is a folder; give a file path")
    _writable_ancestor(target, label, "file")
    return target


def check_distinct_outputs(outputs: list[tuple[str, str, bool]], inputs: list[tuple[str, str]]) -> None:
    """Raise OutputError when an output would overwrite an input, or replace another output.

    *outputs*: ``(option, path, is_folder)`` in the order they are written; *inputs*:
    ``(name, path)`` of the files read. A folder is replaced as a whole, so it may hold
    neither an input nor an output written before it (one written after it lands inside).
    """
    def within(path: Path, folder: Path) -> bool:
        return path == folder or folder in path.parents

    written = [(option, raw, Path(raw).resolve(), is_folder) for option, raw, is_folder in outputs]
    for option, raw, path, is_folder in written:
        for name, source in inputs:
            if Path(source).resolve() == path:
                raise OutputError(f"{option} {raw}", "", f"is the input {source} ({name}), which writing would "
                                                         "destroy; give another path")
            if is_folder and within(Path(source).resolve(), path):
                raise OutputError(f"{option} {raw}", "", f"holds the input {source} ({name}), which replacing the "
                                                         "folder as a whole would delete; give another folder")
    for i, (first, first_raw, first_path, _) in enumerate(written):
        for option, raw, path, is_folder in written[i + 1:]:
            if within(first_path, path) if is_folder else first_path == path:
                raise OutputError(f"{option} {raw}", "", f"would replace what {first} writes ({first_raw}): each folder "
                                                         "is written whole; give a path outside it")


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "cannot write: no space left on the disk (free some space and run again)"
    if exc.errno == errno.EDQUOT:
        return "cannot write: disk quota exceeded"
    return f"cannot write: {exc.strerror or exc}"


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a hidden staging folder beside *target*; on success swap it in as a whole.

    The swap renames the old *target* aside, renames the staging folder in and then
    deletes the old one, so *target* holds either the previous run's files or this
    run's, never a mix; on any error or interruption (Ctrl-C, SIGTERM) the staging
    folder is removed and *target* is left as it was. Folders left by killed runs
    are cleaned by the next run (:func:`clean_stale`). An OSError while writing
    (e.g. a full disk) is raised as OutputError.
    """
    target = Path(target)
    check_output_dir(target, option="")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _aside(target, STAGING)
    except OSError as exc:
        raise OutputError(str(target), "", _os_problem(exc)) from None
    try:
        try:
            yield staging
        except OSError as exc:
            raise OutputError(str(target), "", _os_problem(exc)) from None
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes the folder private
        raise_if_stop_requested()  # a signal whose exception was lost must not commit
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mktemp(prefix=f".{target.name}{OLD}{os.getpid()}-", dir=target.parent))
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            with contextlib.suppress(OSError):
                os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* to *path* through a temporary file in the same folder."""
    path = Path(path)
    check_output_file(path, option="")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{STAGING}{os.getpid()}-", dir=path.parent)
    except OSError as exc:
        raise OutputError(str(path), "", _os_problem(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); a report is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        raise_if_stop_requested()
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), "", _os_problem(exc)) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
