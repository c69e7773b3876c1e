"""Format files: validation errors name the file, the field path and the problem."""

from __future__ import annotations

import pytest

from calibration import LogFormatError, load_log_format, read_log
from calibration.logformat import log_format_from_dict

MINIMAL = """\
columns:
  ticket: t_in
  call: t_call
  end: t_end
"""


def write(tmp_path, text, name="fmt.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path, text) -> LogFormatError:
    path = write(tmp_path, text)
    with pytest.raises(LogFormatError) as info:
        load_log_format(path)
    assert info.value.file == str(path)
    return info.value


def test_minimal_format_loads_with_defaults(tmp_path):
    fmt = load_log_format(write(tmp_path, MINIMAL))
    assert fmt.columns.ticket == ["t_in"] and fmt.columns.call == ["t_call"]
    assert fmt.delimiter == "," and fmt.time_format == "clock" and fmt.days.weekdays == [1, 2, 3, 4, 5, 6, 7]
    assert fmt.fit.staffing == "busy_while_waiting"


def test_missing_ticket_column_is_named(tmp_path):
    err = error_for(tmp_path, "columns:\n  call: c\n  end: e\n")
    assert (err.path, err.message) == ("columns.ticket", "required field missing")
    assert str(err) == f"{err.file}: columns.ticket: required field missing"


def test_unknown_field_is_an_error(tmp_path):
    err = error_for(tmp_path, MINIMAL + "delimeter: ';'\n")
    assert (err.path, err.message) == ("delimeter", "unknown field")
    err = error_for(tmp_path, MINIMAL.replace("end: t_end", "end: t_end\n  finish: x"))
    assert err.path == "columns.finish"


def test_columns_must_time_a_visit(tmp_path):
    err = error_for(tmp_path, "columns:\n  ticket: a\n  call: b\n")
    assert err.path == "columns" and "service_time" in err.message


@pytest.mark.parametrize(
    "extra, path, words",
    [
        ("days: {weekdays: [Sunday, Funday]}", "days.weekdays", "Funday"),
        ('hours: {open: "17:00", close: "08:00"}', "hours", "after open"),
        ('hours: {open: "8h", close: "17:00"}', "hours.open", "clock time"),
        ("time_format: hh-mm", "time_format", "strptime"),
        ("duration_unit: hours", "duration_unit", "seconds"),
        ("fit: {staffing: guess}", "fit.staffing", "busy_while_waiting"),
        ("fit: {period_minutes: 0}", "fit.period_minutes", "greater than 0"),
        ("outcomes: {served: [OK]}", "", "columns.outcome"),
        ("delimiter: ';;'", "delimiter", "1 character"),
        ("drop: [{}]", "drop", "empty"),
        ("columns: {ticket: a, call: b, end: c, outcome: o}\noutcomes: {served: A, abandoned: A}", "outcomes", "both"),
    ],
)
def test_bad_fields_give_file_path_message(tmp_path, extra, path, words):
    text = extra + "\n" if extra.startswith("columns") else MINIMAL + extra + "\n"
    err = error_for(tmp_path, text)
    assert err.path == path, str(err)
    assert words in err.message, str(err)


def test_several_errors_are_all_listed(tmp_path):
    err = error_for(tmp_path, "delimiter: ',,'\ncolumns: {call: c, end: e}\n")
    lines = str(err).splitlines()
    assert len(lines) == 2 and {path for path, _ in err.problems} == {"delimiter", "columns.ticket"}


def test_file_level_errors(tmp_path):
    assert error_for(tmp_path, "").message == "file is empty"
    assert "malformed YAML at line 3" in error_for(tmp_path, "columns:\n  - [\n").message
    assert "duplicate key 'columns'" in error_for(tmp_path, MINIMAL + MINIMAL).message
    with pytest.raises(LogFormatError, match="file not found"):
        load_log_format(tmp_path / "absent.yaml")
    with pytest.raises(LogFormatError, match="expected a mapping"):
        log_format_from_dict(["columns"])


def test_clock_values_stay_text(tmp_path):
    # YAML 1.1 would read 0:00:00 as the base-60 integer 0.
    fmt = load_log_format(write(tmp_path, MINIMAL + "missing: [0:00:00, 12:30]\n"))
    assert fmt.missing == ["0:00:00", "12:30"]


def test_format_naming_absent_log_column(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("t_in,t_call,t_finish\n8:00,8:05,8:10\n", encoding="utf-8")
    fmt = write(tmp_path, MINIMAL)
    with pytest.raises(LogFormatError) as info:
        read_log(log, fmt)
    assert info.value.file == str(fmt) and info.value.path == "columns.end"
    assert "'t_end' is not in" in info.value.message
    drop = write(tmp_path, MINIMAL.replace("t_end", "t_finish") + "drop: [{status: X}]\n", "f2.yaml")
    with pytest.raises(LogFormatError) as info:
        read_log(log, drop)
    assert info.value.path == "drop[0].status"
