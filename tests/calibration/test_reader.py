"""Reading logs: hand-checkable rows for each way a log can state times."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from calibration import read_log, read_log_with_report
from calibration.logformat import log_format_from_dict

CLOCK_LOG = """\
date,taken,called,done,desk,result,kind
2024-03-04,8:00:00,8:05:00,8:12:30,D1,OK,tax
2024-03-04,8:01:00,-,8:04:00,-,GONE,tax
2024-03-04,8:02:00,8:10:00,8:20:00,D2,OK,social
2024-03-04,8:03:00,8:03:00,8:03:00,D2,TEST,tax
2024-03-04,8:04:00,8:xx:00,8:30:00,D1,OK,tax
2024-03-04,8:05:00,8:06:00,8:09:00,D1,WHAT,tax
2024-03-04,23:58:00,23:59:30,0:02:00,D1,OK,tax
2024-03-09,9:00:00,9:01:00,9:02:00,D1,OK,tax
"""

CLOCK_FORMAT = {
    "columns": {"date": "date", "ticket": "taken", "call": "called", "end": "done", "abandon": "done",
                "agent": "desk", "outcome": "result", "service": "kind"},
    "missing": ["-"],
    "drop": [{"result": "TEST"}],
    "outcomes": {"served": "OK", "abandoned": "GONE"},
    "days": {"weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
    "services": {"map": {"social": "welfare"}},
}


def test_clock_log_rows(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(CLOCK_LOG, encoding="utf-8")
    visits, report = read_log_with_report(log, log_format_from_dict(CLOCK_FORMAT))
    # Saturday 2024-03-09 is not a selected day; TEST rows are dropped; two rows are bad.
    assert report.rows_read == 8 and report.kept == 4
    assert report.dropped["rule result=TEST"] == 1 and report.dropped["day type not selected"] == 1
    assert report.bad == {"unreadable time in column 'called'": 1,
                          "outcome not listed in 'outcomes' (column 'result')": 1}
    assert report.bad_lines["unreadable time in column 'called'"] == [6]
    first, gone, social, late = (visits.iloc[i] for i in range(4))
    assert (first.arrival, first.start, first.end, first.wait, first.service_time) == (480, 485, 492.5, 5, 7.5)
    assert (first.outcome, first.agent, first.service) == ("served", "D1", "tax")
    assert gone.outcome == "abandoned" and gone.wait == 3 and gone.end == 484 and math.isnan(gone.start)
    assert pd.isna(gone.agent) and math.isnan(gone.service_time)
    assert social.service == "welfare"
    # Finished after midnight: the end time is on the next day.
    assert late.arrival == 1438 and late.end == 1442 and late.service_time == pytest.approx(2.5)
    assert list(visits.columns[:9]) == ["date", "service", "agent", "arrival", "start", "end", "wait",
                                         "service_time", "outcome"]


def test_durations_and_datetimes(tmp_path):
    log = tmp_path / "log.tsv"
    log.write_text(
        "ticket\tq_sec\tsvc_sec\tstatus\n"
        "2024-03-04 09:00:00\t120\t300\tS\n"
        "2024-03-04 09:30:00\t90\t\tA\n"
        "2024-03-05 23:59:00\t60\t240\tS\n",
        encoding="utf-8",
    )
    fmt = log_format_from_dict({
        "delimiter": "\t",
        "columns": {"ticket": "ticket", "wait": "q_sec", "service_time": "svc_sec", "outcome": "status"},
        "time_format": "%Y-%m-%d %H:%M:%S",
        "outcomes": {"served": "S", "abandoned": "A"},
        "services": {"group": "single", "single_id": "counter"},
    })
    visits = read_log(log, fmt)
    assert visits.attrs["read_report"].n_bad == 0
    assert [str(d.date()) for d in visits["date"]] == ["2024-03-04", "2024-03-04", "2024-03-05"]
    assert visits["arrival"].tolist() == [540, 570, 1439]
    assert visits["start"].iloc[0] == 542 and visits["end"].iloc[0] == 547
    assert visits["end"].iloc[1] == 571.5 and visits["outcome"].iloc[1] == "abandoned"
    assert visits["end"].iloc[2] == 1444  # past midnight stays on the ticket's day
    assert set(visits["service"]) == {"counter"}


def test_seconds_since_midnight_and_no_outcome_column(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("d,t0,t1,t2\n2024-01-01,28800,29100,29400\n2024-01-01,28860,,\n", encoding="utf-8")
    fmt = log_format_from_dict({
        "columns": {"date": "d", "ticket": "t0", "call": "t1", "end": "t2"},
        "time_format": "seconds",
    })
    visits, report = read_log_with_report(log, fmt)
    # Without an outcome column, a visit never called is abandoned, but it has no abandon time.
    assert visits["arrival"].tolist() == [480] and visits["service_time"].tolist() == [5]
    assert report.bad == {"abandoned without a wait or abandon time": 1}
