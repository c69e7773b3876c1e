"""The log-format file: how a ticketing log (CSV/TSV) maps onto visits.

A format file is YAML validated here with pydantic (unknown keys are errors).
Every problem is raised as :class:`~calibration.errors.LogFormatError`
naming the file and the field path.  See ``docs/calibration.md`` for the
reference and ``scenarios/anonymous_bank/log_format.yaml`` for an example.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.clock import parse_clock
from sim.fields import Id
from sim.yamlio import read_yaml

from .errors import LogFormatError

__all__ = ["LogFormat", "load_log_format", "log_format_from_dict", "WEEKDAYS"]

#: ISO weekday numbers (Monday = 1) by lower-case name and three-letter abbreviation.
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {key: i for i, name in enumerate(_DAY_NAMES, 1) for key in (name, name[:3])}

_CLOCK_NAMES = {"clock", "h:mm:ss", "hh:mm:ss", "h:mm", "hh:mm"}


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-element list."""
    return [value] if isinstance(value, str) else value


_clock_minutes = parse_clock  # minutes since midnight for "HH:MM"


def _is_text_encoding(name: str) -> bool:
    try:
        return bool(getattr(codecs.lookup(name), "_is_text_encoding", True))
    except LookupError:
        return False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


_SAMPLE = datetime(2024, 3, 4, 9, 5, 6, 123000)


def check_strptime(pattern: str) -> str:
    """*pattern* if ``datetime.strptime`` can read what it writes; ValueError saying why not."""
    try:
        datetime.strptime(_SAMPLE.strftime(pattern), pattern)
    except ValueError as exc:
        raise ValueError(f"not a usable strptime pattern ({exc}), got {pattern[:60]!r}") from None
    return pattern


class Columns(_Strict):
    """Which log columns hold what.  Time columns may list several names: the
    first one whose value "happened" (is not a missing value) is used."""

    ticket: list[str] = Field(min_length=1)  # arrival: the ticket was taken
    call: list[str] = []  # service start: the ticket was called
    end: list[str] = []  # service end
    abandon: list[str] = []  # clock time the visitor gave up (if no wait duration)
    wait: str | None = None  # duration column: time in queue (served and abandoned)
    service_time: str | None = None  # duration column: time in service
    date: str | None = None
    service: str | None = None  # raw service type
    agent: str | None = None  # window / agent name
    outcome: str | None = None

    _lists = field_validator("ticket", "call", "end", "abandon", mode="before")(_as_list)

    @model_validator(mode="after")
    def _enough_to_time_a_visit(self) -> Columns:
        if not self.call and self.wait is None:
            raise ValueError("needs 'call' (service start time) or 'wait' (queue duration)")
        if not self.end and self.service_time is None:
            raise ValueError("needs 'end' (service end time) or 'service_time' (duration)")
        return self

    def used(self) -> dict[str, list[str]]:
        """Field name -> raw column names it reads (only fields that are set)."""
        out: dict[str, list[str]] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value:
                out[name] = _as_list(value)
        return out


class Outcomes(_Strict):
    """Raw outcome values meaning served and abandoned (others are bad rows)."""

    served: list[str] = Field(min_length=1)
    abandoned: list[str] = []

    _lists = field_validator("served", "abandoned", mode="before")(_as_list)

    @model_validator(mode="after")
    def _disjoint(self) -> Outcomes:
        both = set(self.served) & set(self.abandoned)
        if both:
            raise ValueError(f"values listed as both served and abandoned: {sorted(both)}")
        return self


class Days(_Strict):
    """Which days to calibrate on: ISO weekday names and dates to leave out."""

    weekdays: list[int] = Field(default=[1, 2, 3, 4, 5, 6, 7], min_length=1)
    exclude_dates: list[str] = []  # ISO dates YYYY-MM-DD (holidays)

    @field_validator("weekdays", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        value = _as_list(value)
        if not isinstance(value, list):
            return value
        out = []
        for item in value:
            key = str(item).strip().lower()
            if key not in WEEKDAYS:
                raise ValueError(f"unknown weekday {item!r}; use names such as Sunday or Sun")
            out.append(WEEKDAYS[key])
        return sorted(set(out))

    @field_validator("exclude_dates")
    @classmethod
    def _iso_dates(cls, value: list[str]) -> list[str]:
        for item in value:
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(item)):
                raise ValueError(f"dates must be YYYY-MM-DD, got {item!r}")
        return value


class Hours(_Strict):
    """Opening hours; arrivals outside them are not used for fitting."""

    open: str
    close: str

    @model_validator(mode="after")
    def _order(self) -> Hours:
        if _clock_minutes(self.close) <= _clock_minutes(self.open):
            raise ValueError(f"close ({self.close}) must be after open ({self.open})")
        return self

    @field_validator("open", "close")
    @classmethod
    def _clock(cls, value: str) -> str:
        _clock_minutes(value)
        return value

    @property
    def minutes(self) -> tuple[int, int]:
        """(open, close) in minutes since midnight."""
        return _clock_minutes(self.open), _clock_minutes(self.close)


class Services(_Strict):
    """How raw service types become scenario services.

    ``group: by_column`` keeps one service per (mapped) raw value; ``single``
    puts every visit into one service called *single_id*.  *map* renames or
    merges raw values (raw -> id); unmapped values keep their raw name.
    """

    group: Literal["by_column", "single"] = "by_column"
    map: dict[str, Id] = {}
    single_id: Id = "all"


class FitSettings(_Strict):
    """Defaults for fitting (the CLI can override them)."""

    period_minutes: int = Field(default=30, gt=0, le=1440)
    staffing: Literal["distinct_agents", "mean_busy", "busy_while_waiting"] = "busy_while_waiting"
    staff_rounding: Literal["up", "nearest"] = "up"
    min_service_seconds: float = Field(default=0.0, ge=0)  # shorter services are left out of the fit
    patience: Literal["exponential", "best"] = "exponential"


class LogFormat(_Strict):
    """A validated log-format file (see module docstring)."""

    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str | None = Field(default=None, max_length=40)  # None: detected (sim.textfile)
    columns: Columns
    time_format: str = "clock"  # clock (H:MM[:SS]) | seconds | minutes | a strptime pattern
    date_format: str = Field(default="%Y-%m-%d", max_length=100)
    duration_unit: Literal["seconds", "minutes", "clock"] = "seconds"
    resolution_seconds: float = Field(default=1.0, gt=0, le=3600)  # clock tick of the log
    missing: list[str] = []  # values meaning "did not happen" (time and agent columns)
    drop: list[dict[str, str | list[str]]] = []  # rows to drop: all column=value(s) in a rule match
    outcomes: Outcomes | None = None
    days: Days = Days()
    hours: Hours | None = None
    services: Services = Services()
    fit: FitSettings = FitSettings()

    _missing = field_validator("missing", mode="before")(_as_list)

    @field_validator("time_format")
    @classmethod
    def _time_format(cls, value: str) -> str:
        if value.lower() in _CLOCK_NAMES:
            return "clock"
        if value in ("seconds", "minutes"):
            return value
        if "%" in value:
            return check_strptime(value)
        raise ValueError(f"use clock (H:MM:SS), seconds, minutes or a strptime pattern with %, got {value!r}")

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None and not _is_text_encoding(value):
            raise ValueError(f"not a text encoding Python knows (e.g. utf-8, utf-16, gb18030, latin-1), got {value!r}; "
                             "leave it out to detect UTF-8, UTF-16 and GB18030")
        return value

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str) -> str:
        return check_strptime(value)

    @field_validator("drop")
    @classmethod
    def _rules_not_empty(cls, value: list[dict]) -> list[dict]:
        for i, rule in enumerate(value):
            if not rule:
                raise ValueError(f"rule {i} is empty; give column: value pairs")
        return value

    @model_validator(mode="after")
    def _outcome_needs_column(self) -> LogFormat:
        if self.outcomes is not None and self.columns.outcome is None:
            raise ValueError("'outcomes' is given but 'columns.outcome' is not")
        if self.columns.outcome is not None and self.outcomes is None:
            raise ValueError("'columns.outcome' is given, so 'outcomes' must say which values mean served/abandoned")
        return self

    @property
    def datetime_times(self) -> bool:
        """True when time columns hold full date-times (a strptime pattern with a date part)."""
        return "%" in self.time_format and any(d in self.time_format for d in ("%Y", "%y", "%d", "%j", "%m"))


# --------------------------------------------------------------------------- loading



def _loc_path(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("str", "list[str]", "int", "float", "dict[str,union[str,list[str]]]") or "[" in str(item):
            continue  # pydantic names union branches in loc; they mean nothing to the user
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _message(err: Mapping[str, Any], model: type[BaseModel] | None) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "finite_number":
        return f"must be a finite number, got {err.get('input')!r}"
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def log_format_from_dict(data: Any, file: str = "<dict>") -> LogFormat:
    """Validate a parsed format document; raise LogFormatError naming *file* and the field."""
    if not isinstance(data, dict):
        raise LogFormatError(file, "", f"expected a mapping of format settings, got {type(data).__name__}")
    try:
        return LogFormat.model_validate(data)
    except ValidationError as exc:
        raise LogFormatError.collect(file, [(_loc_path(e["loc"]), _message(e, LogFormat)) for e in exc.errors()]) from None


def load_log_format(path: str | Path) -> LogFormat:
    """Read and validate a log-format YAML file.

    Raises LogFormatError for a missing or malformed file and for every invalid field.
    """
    data = read_yaml(path, LogFormatError)
    return log_format_from_dict(data, str(path))
