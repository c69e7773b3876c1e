"""Read a ticketing log into a tidy table of visits, one row per ticket.

Columns of the result (times in minutes since midnight of *date*; a visit that
runs past midnight gets times above 1440):

``date``          day of the ticket (pandas Timestamp at midnight)
``service``       service id after the format's mapping/grouping
``agent``         agent or window name, missing (NA) when unknown
``arrival``       ticket taken
``start``         ticket called (NaN when abandoned)
``end``           service end; for an abandoned visit, the moment it gave up
``wait``          minutes in queue (until called or until giving up)
``service_time``  minutes in service (NaN when abandoned)
``outcome``       ``"served"`` or ``"abandoned"``
``line``          line number in the log file (header is line 1)

Rows that cannot be read are counted by reason in a :class:`ReadReport`, never
raised; a format that does not match the log (a named column is absent) raises
LogFormatError.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.limits import limit
from sim.textfile import decode_text, read_bytes

from .errors import LogError, LogFormatError
from .logformat import LogFormat, load_log_format

__all__ = ["ReadReport", "read_log", "read_log_with_report", "VISIT_COLUMNS"]

VISIT_COLUMNS = ["date", "service", "agent", "arrival", "start", "end", "wait", "service_time", "outcome", "line"]
_CLOCK_RX = r"^(\d{1,3}):(\d{2})(?::(\d{2}(?:\.\d*)?))?$"
_EXAMPLES = 5  # line numbers kept per bad-row reason


@dataclass
class ReadReport:
    """What happened to each row of the log.

    *rows_read*: data rows in the file; *dropped*: rows removed on purpose
    (by drop rule, day type, excluded date) by reason; *bad*: rows that could
    not be read, by reason, with up to five example *lines* each; *kept*: rows
    in the result.
    """

    log: str
    rows_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    bad: dict[str, int] = field(default_factory=dict)
    bad_lines: dict[str, list[int]] = field(default_factory=dict)
    kept: int = 0

    @property
    def n_bad(self) -> int:
        return sum(self.bad.values())

    def __str__(self) -> str:
        lines = [f"{self.log}: {self.rows_read} rows read, {self.kept} visits kept"]
        lines += [f"  dropped {n:>6}  {why}" for why, n in self.dropped.items() if n]
        for why, n in self.bad.items():
            lines.append(f"  bad     {n:>6}  {why} (e.g. lines {', '.join(map(str, self.bad_lines[why]))})")
        return "\n".join(lines)


class _Rows:
    """Bad-row bookkeeping: the first reason found for a row is the one reported."""

    def __init__(self, n: int, report: ReadReport):
        self.bad = np.zeros(n, dtype=bool)
        self.report = report

    def mark(self, mask: np.ndarray, reason: str, lines: np.ndarray) -> None:
        new = mask & ~self.bad
        if new.any():
            self.report.bad[reason] = self.report.bad.get(reason, 0) + int(new.sum())
            self.report.bad_lines.setdefault(reason, []).extend(lines[new][:_EXAMPLES].tolist())
            self.report.bad_lines[reason] = self.report.bad_lines[reason][:_EXAMPLES]
            self.bad |= new


def _parse_clock(values: pd.Series) -> np.ndarray:
    """Minutes since midnight for ``H:MM`` / ``H:MM:SS`` text; NaN when unreadable."""
    parts = values.str.extract(_CLOCK_RX)
    h = pd.to_numeric(parts[0], errors="coerce")
    m = pd.to_numeric(parts[1], errors="coerce")
    s = pd.to_numeric(parts[2], errors="coerce").fillna(0.0)
    minutes = h * 60 + m + s / 60
    minutes[(m >= 60) | (s >= 60)] = np.nan
    return minutes.to_numpy(dtype=float)


def _parse_times(values: pd.Series, fmt: LogFormat) -> tuple[np.ndarray, pd.Series | None]:
    """(minutes since midnight, timestamps or None); NaN where unreadable."""
    if fmt.time_format == "clock":
        return _parse_clock(values), None
    if fmt.time_format == "seconds":
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float) / 60.0, None
    if fmt.time_format == "minutes":
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), None
    stamps = pd.to_datetime(values, format=fmt.time_format, errors="coerce")
    minutes = (stamps - stamps.dt.normalize()) / pd.Timedelta(minutes=1)
    return minutes.to_numpy(dtype=float), (stamps if fmt.datetime_times else None)


def _parse_durations(values: pd.Series, fmt: LogFormat) -> np.ndarray:
    if fmt.duration_unit == "clock":
        return _parse_clock(values)
    scale = 60.0 if fmt.duration_unit == "seconds" else 1.0
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float) / scale


def _matches(raw: pd.DataFrame, rule: dict[str, str | list[str]]) -> np.ndarray:
    mask = np.ones(len(raw), dtype=bool)
    for column, wanted in rule.items():
        options = [wanted] if isinstance(wanted, str) else wanted
        mask &= raw[column].isin(options).to_numpy()
    return mask


def _check_columns(raw: pd.DataFrame, fmt: LogFormat, fmt_file: str, log: str) -> None:
    have = set(raw.columns)
    shown = ", ".join(raw.columns[:30])
    for name, columns in fmt.columns.used().items():
        for col in columns:
            if col not in have:
                raise LogFormatError(fmt_file, f"columns.{name}", f"column {col!r} is not in {log} (columns: {shown})")
    for i, rule in enumerate(fmt.drop):
        for col in rule:
            if col not in have:
                raise LogFormatError(fmt_file, f"drop[{i}].{col}", f"column {col!r} is not in {log} (columns: {shown})")


def read_log_with_report(path: str | Path, fmt: LogFormat | str | Path,
                         format_file: str | None = None) -> tuple[pd.DataFrame, ReadReport]:
    """Read the log at *path* as described by *fmt* (a LogFormat or a format-file path).

    Returns (visits, report); see the module docstring for the columns.
    Raises LogFormatError when the format names columns the log lacks and
    LogError when the log cannot be read at all.
    """
    fmt_file = format_file or (str(fmt) if isinstance(fmt, (str, Path)) else "<format>")
    if not isinstance(fmt, LogFormat):
        fmt = load_log_format(fmt)
    path = Path(path)
    report = ReadReport(log=str(path))
    if not os.path.lexists(path):
        raise LogError(str(path), "", "log file not found")
    data = read_bytes(path, LogError, what="a log file (CSV/TSV, or .gz)", max_bytes=limit("LOG_BYTES"),
                      limit_hint="; set SERVICEHALL_MAX_LOG_BYTES to raise it")
    text = decode_text(data, str(path), LogError, encoding=fmt.encoding,
                       fix="name it in the format file (e.g. encoding: latin-1), or save the log as UTF-8")
    del data
    try:
        raw = pd.read_csv(io.StringIO(text), sep=fmt.delimiter, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LogError(str(path), "", f"cannot read the log: {exc}") from None
    del text
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.apply(lambda col: col.str.strip())
    _check_columns(raw, fmt, fmt_file, str(path))
    report.rows_read = len(raw)
    lines = np.arange(len(raw)) + 2

    keep = np.ones(len(raw), dtype=bool)
    for rule in fmt.drop:
        hit = _matches(raw, rule) & keep
        label = "rule " + ", ".join(f"{k}={v}" for k, v in rule.items())
        report.dropped[label] = int(hit.sum())
        keep &= ~hit
    raw, lines = raw[keep].reset_index(drop=True), lines[keep]
    n = len(raw)
    rows = _Rows(n, report)
    cols = fmt.columns
    missing = set(fmt.missing)

    # Time columns: the first listed column whose value happened.
    times: dict[str, np.ndarray] = {}
    ticket_stamps = None
    for name in ("ticket", "call", "end", "abandon"):
        value = np.full(n, np.nan)
        for col in getattr(cols, name):
            text = raw[col]
            absent = text.isin(missing).to_numpy() | (text == "").to_numpy()
            parsed, stamps = _parse_times(text, fmt)
            rows.mark(~absent & np.isnan(parsed), f"unreadable time in column {col!r}", lines)
            take = np.isnan(value) & ~absent
            value[take] = parsed[take]
            if name == "ticket" and stamps is not None:
                ticket_stamps = stamps if ticket_stamps is None else ticket_stamps.where(~pd.isna(ticket_stamps), stamps)
        times[name] = value
    rows.mark(np.isnan(times["ticket"]), "no ticket (arrival) time", lines)

    # Dates.
    if cols.date is not None:
        dates = pd.to_datetime(raw[cols.date], format=fmt.date_format, errors="coerce")
        rows.mark(dates.isna().to_numpy(), f"unreadable date in column {cols.date!r}", lines)
        dates = dates.dt.normalize()
    elif ticket_stamps is not None:
        dates = ticket_stamps.dt.normalize()
    else:
        dates = pd.Series(pd.Timestamp("1970-01-01"), index=raw.index)  # a single unnamed day
    dates = pd.Series(dates.to_numpy(), index=raw.index)

    # A stage logged before the ticket by more than 12 h happened after midnight.
    for name in ("call", "end", "abandon"):
        t = times[name]
        t[t < times["ticket"] - 720] += 1440

    # Outcome.
    if cols.outcome is not None and fmt.outcomes is not None:  # the format requires both together
        value = raw[cols.outcome]
        served = value.isin(fmt.outcomes.served).to_numpy()
        abandoned = value.isin(fmt.outcomes.abandoned).to_numpy()
        rows.mark(~served & ~abandoned, f"outcome not listed in 'outcomes' (column {cols.outcome!r})", lines)
    else:
        served = ~np.isnan(times["call"]) if cols.call else np.ones(n, dtype=bool)
        abandoned = ~served

    # Durations and derived times.
    wait = _parse_durations(raw[cols.wait], fmt) if cols.wait else np.full(n, np.nan)
    if cols.wait:
        rows.mark(np.isnan(wait), f"unreadable duration in column {cols.wait!r}", lines)
    service = _parse_durations(raw[cols.service_time], fmt) if cols.service_time else np.full(n, np.nan)
    if cols.service_time:
        rows.mark(served & np.isnan(service), f"unreadable duration in column {cols.service_time!r}", lines)
    if not cols.wait:
        wait = np.where(served, times["call"] - times["ticket"], times["abandon"] - times["ticket"])
    start = times["call"] if cols.call else times["ticket"] + wait
    start = np.where(served, start, np.nan)
    if not cols.service_time:
        service = times["end"] - start
    service = np.where(served, service, np.nan)
    end = times["end"] if cols.end else start + service
    end = np.where(served, end, times["ticket"] + wait)
    rows.mark(served & np.isnan(start), "served without a call (start) time", lines)
    rows.mark(served & np.isnan(service), "served without an end time or service time", lines)
    rows.mark(abandoned & np.isnan(wait), "abandoned without a wait or abandon time", lines)
    rows.mark(wait < 0, "negative wait", lines)
    rows.mark(service < 0, "negative service time", lines)

    # Services.
    if fmt.services.group == "single" or cols.service is None:
        service_id = pd.Series(fmt.services.single_id, index=raw.index)
    else:
        service_id = raw[cols.service].map(lambda v: fmt.services.map.get(v, v))
        rows.mark((service_id == "").to_numpy(), f"empty service type in column {cols.service!r}", lines)
    agent = raw[cols.agent].where(~raw[cols.agent].isin(missing | {""}), None) if cols.agent else None

    visits = pd.DataFrame(
        {
            "date": dates,
            "service": service_id,
            "agent": agent if agent is not None else pd.Series(None, index=raw.index, dtype=object),
            "arrival": times["ticket"],
            "start": start,
            "end": end,
            "wait": wait,
            "service_time": service,
            "outcome": np.where(served, "served", "abandoned"),
            "line": lines,
        }
    )[~rows.bad]

    # Day type and excluded dates (dropped on purpose, not bad).
    weekday = visits["date"].dt.day_of_week.to_numpy() + 1
    off_day = ~np.isin(weekday, fmt.days.weekdays)
    report.dropped["day type not selected"] = int(off_day.sum())
    excluded = visits["date"].dt.strftime("%Y-%m-%d").isin(fmt.days.exclude_dates).to_numpy() & ~off_day
    report.dropped["excluded date"] = int(excluded.sum())
    visits = visits[~off_day & ~excluded].sort_values(["date", "arrival"], kind="stable").reset_index(drop=True)
    report.kept = len(visits)
    return visits, report


def read_log(path: str | Path, fmt: LogFormat | str | Path) -> pd.DataFrame:
    """Read the log at *path* into tidy visits (see module docstring).

    The ReadReport is attached as ``visits.attrs["read_report"]``.
    Raises LogFormatError when the format does not fit the log.
    """
    visits, report = read_log_with_report(path, fmt)
    visits.attrs["read_report"] = report
    return visits
