"""The staff file: every error names the file, the row, the column and the value found."""

from __future__ import annotations

import pytest

import rosters
from rosters import StaffFileError

from .conftest import HEADER, STAFF, write_case

ZONES = ["tax", "property", "social"]
SHIFT_IDS = ["full", "early", "late"]


def read(tmp_path, lines, header=HEADER, bom=False, **kw):
    path = tmp_path / "staff.csv"
    text = "\n".join([header, *lines]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return rosters.read_staff_csv(path, zones=ZONES, shifts=SHIFT_IDS, **kw)


def error(tmp_path, lines, **kw) -> StaffFileError:
    with pytest.raises(StaffFileError) as info:
        read(tmp_path, lines, **kw)
    return info.value


def test_reads_every_field_with_or_without_bom(tmp_path):
    for bom in (False, True):
        staff = read(tmp_path, STAFF, bom=bom)
        assert len(staff) == len(STAFF)
        t2 = staff[1]
        assert t2.id == "t2" and t2.name == "李娜" and t2.home == "tax"
        assert t2.skills == (("tax", 1.0), ("property", 1.2))
        assert t2.max_hours == 40 and t2.max_days == 5 and t2.consecutive_off == 2
        assert t2.max_weekends_per_month == 1 and (t2.post, t2.role) == ("tax-1", "B")
        assert len(t2.leave) == 2 and not t2.can_work(min(t2.leave))
        t5 = staff[4]
        assert t5.shifts == ("early", "late") and t5.unavailable_weekdays == {5} and t5.post is None
        assert staff[3].prefers_off_weekdays == {4}


def test_unknown_zone_names_row_column_and_value(tmp_path):
    lines = list(STAFF)
    lines[2] = lines[2].replace(",tax,", ",taxx:1.0,")
    err = error(tmp_path, lines)
    assert err.file.endswith("staff.csv")
    assert err.path == "row 4: skills"
    assert "'taxx'" in err.message and "did you mean 'tax'" in err.message and "'taxx:1.0'" in err.message
    assert str(err).startswith(f"{err.file}: row 4: skills: ")


def test_every_problem_is_listed(tmp_path):
    lines = list(STAFF)
    lines[0] = lines[0].replace(",40,5,", ",forty,5,")
    lines[4] = lines[4].replace("early;late", "early;night")
    lines[5] = lines[5].replace("property,", "property:0,", 1)
    err = error(tmp_path, lines)
    paths = [p for p, _ in err.problems]
    assert paths == ["row 2: hours_per_week", "row 6: shifts", "row 7: skills"]
    messages = dict(err.problems)
    assert "'forty'" in messages["row 2: hours_per_week"]
    assert "'night'" in messages["row 6: shifts"]
    assert "speed factor" in messages["row 7: skills"] and "'property:0'" in messages["row 7: skills"]


@pytest.mark.parametrize("edit, path, found", [
    (lambda s: s.replace("t3,", "t1,", 1), "row 4: id", "duplicate id 't1'"),
    (lambda s: s.replace(",tax-2,A", ",tax-2,C"), "row 4: role", "'C'"),
    (lambda s: s.replace(",2,1,,,,tax-2,A", ",9,1,,,,tax-2,A"), "row 4: consecutive_days_off", "'9'"),
    (lambda s: s.replace(",2,1,,,,tax-2,A", ",2,1,mon..fri,,,tax-2,A"), "row 4: unavailable", "'mon..fri'"),
    (lambda s: s.replace(",2,1,,,,tax-2,A", ",2,1,,,2026-12-40,tax-2,A"), "row 4: prefers_off", "2026-12-40"),
    (lambda s: s.replace("40,5,,,2,1,,,,tax-2,A", "40,5,50,,2,1,,,,tax-2,A"), "row 4: min_hours_per_week", "'50'"),
])
def test_field_errors(tmp_path, edit, path, found):
    lines = list(STAFF)
    lines[2] = edit(lines[2])
    err = error(tmp_path, lines)
    assert err.path == path and found in err.message, err


def test_leave_takes_dates_not_weekdays(tmp_path):
    lines = list(STAFF)
    lines[0] = lines[0].replace(",2,1,,,,tax-1,A", ",2,1,,sat,,tax-1,A")
    err = error(tmp_path, lines)
    assert err.path == "row 2: leave" and "'sat'" in err.message


def test_ab_post_needs_a_primary_and_a_backup(tmp_path):
    lines = [s for s in STAFF if not s.startswith("t2,")]
    err = error(tmp_path, lines)
    assert err.path == "row 2: post" and "'tax-1' has no backup (B)" in err.message and "t1 (A)" in err.message


def test_ab_backup_must_be_trained_for_the_post(tmp_path):
    lines = list(STAFF)
    lines[1] = lines[1].replace("t2,李娜,tax;property:1.2", "t2,李娜,property")
    err = error(tmp_path, lines)
    assert err.path == "row 3: skills" and "'tax-1'" in err.message and "'property'" in err.message


def test_header_problems(tmp_path):
    err = error(tmp_path, STAFF, header=HEADER.replace("skills", "skils"))
    messages = dict(err.problems)
    assert "unknown column 'skils' (did you mean 'skills'?)" in messages["row 1: column 3"]
    assert "skills" in messages["row 1"]


def test_ragged_row_and_encoding(tmp_path):
    err = error(tmp_path, [STAFF[0] + ",extra"])
    assert err.path == "row 2" and "'extra'" in err.message
    path = tmp_path / "gbk.csv"  # Excel's "CSV" on a Chinese Windows
    path.write_bytes(("\n".join([HEADER, *STAFF]) + "\n").encode("gbk"))
    assert [m.name for m in rosters.read_staff_csv(path)] == [m.name for m in read(tmp_path, STAFF)]
    path.write_bytes(("\n".join([HEADER, STAFF[0].replace("王芳", "Zoé")]) + "\n").encode("latin-1"))
    with pytest.raises(StaffFileError) as info:
        rosters.read_staff_csv(path)
    assert "unknown text encoding: not UTF-8" in info.value.message


def test_category_expands_to_its_zones(tmp_path):
    staff = read(tmp_path, ["x1,,insurance:1.1,40,5,,,,,,,,,"],
                 categories={"insurance": ["social", "property"]})
    assert staff[0].skills == (("social", 1.1), ("property", 1.1))


def test_is_an_input_error_for_the_cli(tmp_path):
    import sim

    paths = write_case(tmp_path, staff_lines=[STAFF[0].replace("tax,40", "tax,0x")])
    with pytest.raises(sim.InputError):
        rosters.read_staff_csv(paths["staff.csv"], zones=ZONES)
