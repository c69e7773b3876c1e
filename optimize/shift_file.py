"""Read and validate a shift file (YAML) into a :class:`~optimize.patterns.ShiftSpec`.

Format (times are quoted "HH:MM", "24:00" allowed; minutes otherwise)::

    period_minutes: 30          # optional; must match the scenario's grid
    shifts:
      - id: early
        start: "08:00"
        end: "16:30"
        lunch: {minutes: 60, earliest: "11:00", latest: "13:30"}  # latest START
        cost: 8.5               # optional; default = paid hours
    pools:                      # optional multi-skilled pools
      - id: comprehensive
        zones: [realestate, housing_fund]
        exclusive: false        # optional; true: these zones have no own staff
    headcount: 200              # optional cap on people
    min_staff: 1                # optional; per zone while it is open

Unknown keys are errors. Every problem is reported as ``FILE: PATH: MESSAGE``.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from optimize.errors import ShiftFileError
from optimize.patterns import Lunch, Pool, ShiftPattern, ShiftSpec
from optimize.periods import PeriodGrid, format_clock, parse_clock
from sim.shifts import ShiftError
from sim.yamlio import read_yaml

__all__ = ["load_shift_file", "parse_shift_spec"]


def _clock(value):
    if isinstance(value, int) and not isinstance(value, bool) and 60 <= value <= 1440:
        # YAML 1.1 reads unquoted 16:30 as the base-60 number 990
        raise ValueError(f'must be a quoted clock time "HH:MM"; got the number {value} '
                         f'(YAML reads unquoted {format_clock(value)} that way)')
    return parse_clock(value)


Clock = Annotated[int, BeforeValidator(_clock)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class _LunchModel(_Strict):
    minutes: int = Field(gt=0, le=1440)
    earliest: Clock
    latest: Clock


class _ShiftModel(_Strict):
    id: str = Field(min_length=1)
    start: Clock
    end: Clock
    lunch: _LunchModel | None = None
    cost: float | None = Field(default=None, ge=0, le=1e9)


class _PoolModel(_Strict):
    id: str = Field(min_length=1)
    zones: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    exclusive: bool = False


class _ShiftFileModel(_Strict):
    period_minutes: int | None = Field(default=None, gt=0, le=1440)
    shifts: list[_ShiftModel] = Field(min_length=1)
    pools: list[_PoolModel] = []
    headcount: int | None = Field(default=None, gt=0, le=100_000)
    min_staff: int = Field(default=0, ge=0, le=100_000)


def _path(loc: Sequence) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: Sequence) -> type[BaseModel]:
    """The model class whose field list applies at *loc* (for spelling hints)."""
    cls: type[BaseModel] = _ShiftFileModel
    for part in loc:
        if isinstance(part, int) or part not in cls.model_fields:
            continue
        pending = [cls.model_fields[part].annotation]
        while pending:
            ann = pending.pop()
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                cls = ann
                break
            pending.extend(typing.get_args(ann))
    return cls


_TYPES = {"int_type": "a whole number", "float_type": "a number", "bool_type": "true or false",
          "string_type": "a string", "list_type": "a list", "model_type": "a mapping",
          "dict_type": "a mapping"}


def _message(err: Mapping[str, Any]) -> str:
    kind, got, ctx = err["type"], err.get("input"), err.get("ctx", {})
    if kind == "extra_forbidden":
        known = list(_model_at(err["loc"][:-1]).model_fields)
        near = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(known)}"
        return f"unknown field ({hint})"
    if kind == "missing":
        return "required field missing"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in _TYPES:
        return f"must be {_TYPES[kind]}, got {got!r}"
    if kind == "greater_than":
        return f"must be > {ctx['gt']:g}, got {got!r}"
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']:g}, got {got!r}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']:g}, got {got!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {got!r}"
    if kind in ("too_short", "string_too_short"):
        return f"must not be empty, got {got!r}"
    return err["msg"]


def _semantic(model: _ShiftFileModel, grid: PeriodGrid | None, zones) -> tuple[ShiftSpec, list]:
    """Cross-field checks the schema cannot express; returns the spec and problems."""
    problems: list = []
    patterns: list[ShiftPattern] = []
    pools: list[Pool] = []
    seen: dict[str, str] = {}
    if grid is not None and model.period_minutes not in (None, grid.period_minutes):
        problems.append(("period_minutes", f"must match the scenario's "
                         f"{grid.period_minutes}-minute periods, got {model.period_minutes}"))
    for i, s in enumerate(model.shifts):
        where = f"shifts[{i}]"
        if s.id in seen:
            problems.append((f"{where}.id", f"duplicate id {s.id!r} (also {seen[s.id]})"))
        seen.setdefault(s.id, where)
        try:
            lunch = Lunch(s.lunch.minutes, s.lunch.earliest, s.lunch.latest) if s.lunch else None
            pattern = ShiftPattern(s.id, s.start, s.end, lunch, s.cost)
            if grid is not None and not any(any(v.coverage) for v in pattern.variants(grid)):
                problems.append((where, f"works no whole period of the "
                                 f"{format_clock(grid.open_minute)}-"
                                 f"{format_clock(grid.close_minute)} day"))
            patterns.append(pattern)
        except ShiftError as exc:
            problems.append((f"{where}.{exc.field}", exc.message))
    for i, p in enumerate(model.pools):
        where = f"pools[{i}]"
        if p.id in seen:
            problems.append((f"{where}.id", f"duplicate id {p.id!r} (also {seen[p.id]})"))
        seen.setdefault(p.id, where)
        if zones is not None:
            if p.id in zones:
                problems.append((f"{where}.id", f"must differ from every zone name, got {p.id!r}"))
            for k, z in enumerate(p.zones):
                if z not in zones:
                    problems.append((f"{where}.zones[{k}]", f"unknown zone {z!r} "
                                     f"(zones: {', '.join(zones)})"))
        try:
            pools.append(Pool(p.id, tuple(p.zones), p.exclusive))
        except ShiftError as exc:
            problems.append((f"{where}.{exc.field}", exc.message))
    spec = ShiftSpec(tuple(patterns), tuple(pools), model.headcount, model.min_staff,
                     model.period_minutes)
    return spec, problems


def parse_shift_spec(data, *, file: str = "<dict>", grid=None,
                     zones: Sequence[str] | None = None) -> ShiftSpec:
    """Validate an already-parsed shift document (a dict).

    *grid* (a PeriodGrid or (open minute, close minute, period minutes)) enables
    the period-length, lunch-alignment and coverage checks; *zones* (the
    scenario's zone names) enables the pool checks.
    Raises :class:`~optimize.errors.ShiftFileError` listing every problem.
    """
    if not isinstance(data, dict):
        raise ShiftFileError(file, "", f"must be a mapping with a 'shifts' list, got "
                             f"{type(data).__name__}")
    grid = None if grid is None else PeriodGrid.coerce(grid)
    zones = None if zones is None else list(zones)
    try:
        model = _ShiftFileModel.model_validate(data)
    except ValidationError as exc:
        problems = [(_path(e["loc"]), _message(e)) for e in exc.errors()]
        raise ShiftFileError.collect(file, problems) from None
    spec, problems = _semantic(model, grid, zones)
    if problems:
        raise ShiftFileError.collect(file, problems)
    return spec


def load_shift_file(path, *, grid=None, zones: Sequence[str] | None = None) -> ShiftSpec:
    """Read and validate the YAML shift file at *path*; see :func:`parse_shift_spec`.

    Unreadable files and YAML errors (read strictly: duplicate keys, no base-60
    numbers) are reported as ShiftFileError too.
    """
    data = read_yaml(path, ShiftFileError)
    return parse_shift_spec(data, file=str(path), grid=grid, zones=zones)
