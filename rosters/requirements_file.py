"""Requirements per day as a CSV file: ``date, zone, start, required`` (one row per open
date, zone and period; ``start`` as ``HH:MM``) - what ``servicehall roster --out`` writes and
``--requirements`` reads back, e.g. after a closed loop raised them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd

from rosters.errors import RequirementsError
from sim.textfile import MAX_CSV_BYTES, read_text

__all__ = ["read_requirements_csv", "requirements_frame"]

HEADER = ["date", "zone", "start", "required"]


def requirements_frame(requirements: dict[dt.date, pd.DataFrame]) -> pd.DataFrame:
    """Long table ``date, zone, start, required`` of a mapping date -> zone x period."""
    rows = [{"date": date.isoformat(), "zone": zone, "start": label, "required": int(frame.loc[zone, label])}
            for date, frame in sorted(requirements.items()) for zone in frame.index for label in frame.columns]
    return pd.DataFrame(rows, columns=HEADER)


def read_requirements_csv(path, calendar) -> dict[dt.date, pd.DataFrame]:
    """Read a requirements CSV for the open days of *calendar*; zones or periods a day lacks
    in the file are 0. Raises RequirementsError naming row, column and value."""
    path = Path(path)
    text = read_text(path, RequirementsError, what="a requirements CSV file", max_bytes=MAX_CSV_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if [h.strip() for h in (reader.fieldnames or [])] != HEADER:
        raise RequirementsError(str(path), "row 1", f"the header must be {','.join(HEADER)}, got "
                                                    f"{','.join(reader.fieldnames or [])!r}")
    days = {d.date.isoformat(): d for d in calendar.open_days}
    out = {d.date: pd.DataFrame(0, index=pd.Index(d.scenario.zone_ids, name="zone"),
                                columns=pd.Index(d.grid.labels, name="period")) for d in calendar.open_days}
    problems = []
    for row, rec in enumerate(reader, start=2):
        date, zone, start, value = (str(rec.get(k) or "").strip() for k in HEADER)
        day = days.get(date)
        if day is None:
            problems.append((f"row {row}: date", f"not an open day of the calendar, got {date!r}"))
            continue
        frame = out[day.date]
        if zone not in frame.index:
            problems.append((f"row {row}: zone", f"unknown zone on {date}, got {zone!r}"))
        elif start not in frame.columns:
            problems.append((f"row {row}: start", f"not a period start of {date} "
                                                  f"({frame.columns[0]}-{frame.columns[-1]}), got {start!r}"))
        elif not (value.isascii() and value.isdigit()) or len(value) > 9:
            problems.append((f"row {row}: required", f"must be a whole number >= 0, got {value!r}"))
        else:
            frame.loc[zone, start] = int(value)
    if problems:
        raise RequirementsError.collect(str(path), problems)
    return out
