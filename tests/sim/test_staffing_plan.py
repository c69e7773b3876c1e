"""Staffing plans: reading staffing.csv (every bad row named) and applying a plan to a scenario."""

from pathlib import Path

import pytest

import sim
from sim.errors import ScenarioError, ScenarioErrors

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"


@pytest.fixture(scope="module")
def small():
    return sim.load_scenario(SMALL)  # zones tax (8 windows), social (6); 08:30-17:30, 18 periods


def plan_text(small, tax=5, social=3, edit=None):
    lines = ["zone,start,staff"]
    for z, v in (("tax", tax), ("social", social)):
        for s in small.period_starts:
            lines.append(f"{z},{s // 60:02d}:{s % 60:02d},{v}")
    if edit:
        lines = edit(lines)
    return "\n".join(lines) + "\n"


def write(tmp_path, text, name="staffing.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_complete_plan(tmp_path, small):
    def vary(lines):
        lines[2] = "tax,09:00,7"   # row 3 = second tax period
        return lines
    plan = sim.read_staffing_csv(write(tmp_path, plan_text(small, edit=vary)), small)
    assert list(plan) == ["tax", "social"]
    assert plan["tax"][:3] == [5, 7, 5] and len(plan["tax"]) == 18
    assert plan["social"] == [3] * 18


def test_row_order_and_column_order_do_not_matter(tmp_path, small):
    lines = plan_text(small).splitlines()
    header, body = lines[0], lines[1:]
    swapped = ["staff,zone,start"] + [",".join([r.split(",")[2], *r.split(",")[:2]]) for r in reversed(body)]
    plan = sim.read_staffing_csv(write(tmp_path, "\n".join(swapped)), small)
    assert plan == {"tax": [5] * 18, "social": [3] * 18}
    assert header == "zone,start,staff"


@pytest.mark.parametrize("row, where, words", [
    ("tax,09:00,x", "row 3: staff", "must be a whole number >= 0, got 'x'"),
    ("tax,09:00,2.5", "row 3: staff", "whole number >= 0, got '2.5'"),
    ("tax,09:00,-1", "row 3: staff", "got '-1'"),
    ("tax,09:00,9", "row 3: staff", "exceeds zone 'tax''s 8 windows, got 9"),
    ("taxes,09:00,5", "row 3: zone", "unknown zone 'taxes'; known zones: tax, social"),
    ("tax,9h00,5", "row 3: start", "clock time"),
    ("tax,09:10,5", "row 3: start", "must be the start of a 30-minute period from 08:30"),
    ("tax,17:30,5", "row 3: start", "got '17:30'"),
    ("tax,25:00,5", "row 3: start", "not a time of day"),
    ("tax,08:30,5", "row 3", "duplicate row for zone 'tax' at 08:30 (also row 2)"),
    ("tax,09:00", "row 3", "needs 3 values"),
])
def test_bad_rows_name_file_row_field_and_value(tmp_path, small, row, where, words):
    def edit(lines):
        lines[2] = row
        return lines
    path = write(tmp_path, plan_text(small, edit=edit))
    with pytest.raises(ScenarioError) as info:
        sim.read_staffing_csv(path, small)
    err = info.value
    errors = err.errors if isinstance(err, ScenarioErrors) else [err]
    assert any(e.file == str(path) and e.path == where and words in e.message for e in errors), str(err)
    assert str(path) in str(err)


def test_missing_periods_and_zones_are_listed(tmp_path, small):
    text = "\n".join(line for line in plan_text(small).splitlines() if not line.startswith("social"))
    lines = [line for line in text.splitlines() if not line.startswith("tax,10:")]
    with pytest.raises(ScenarioError) as info:
        sim.read_staffing_csv(write(tmp_path, "\n".join(lines)), small)
    message = str(info.value)
    assert "zone 'tax': has no row for period(s) 10:00, 10:30" in message
    assert "zone 'social': has no row for period(s) 08:30" in message


def test_several_problems_are_all_reported(tmp_path, small):
    def edit(lines):
        lines[2], lines[5] = "tax,09:00,x", "nowhere,10:00,1"
        return lines
    with pytest.raises(ScenarioErrors) as info:
        sim.read_staffing_csv(write(tmp_path, plan_text(small, edit=edit)), small)
    assert [e.path for e in info.value.errors] == ["row 3: staff", "row 6: zone"]


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("zone,begin,staff\ntax,08:30,1\n", "header must name the columns zone, start, staff"),
])
def test_bad_files(tmp_path, small, text, words):
    with pytest.raises(ScenarioError, match=words):
        sim.read_staffing_csv(write(tmp_path, text), small)
    with pytest.raises(ScenarioError, match="absent.csv: file not found"):
        sim.read_staffing_csv(tmp_path / "absent.csv", small)


def test_apply_staffing_replaces_staff_and_validates(small):
    plan = {"tax": [6] * 9 + [7] * 9, "social": 2}
    staffed = sim.apply_staffing(small, plan)
    assert staffed.staff_per_period("tax") == plan["tax"]
    assert staffed.staff_per_period("social") == [2] * 18
    assert small.staff_per_period("tax") == [6] * 18  # the original is untouched
    only_tax = sim.apply_staffing(small, {"tax": [1] * 18})
    assert only_tax.staff_per_period("social") == [4] * 18  # zones not in the plan keep their staff
    with pytest.raises(ScenarioError, match=r"zones\[0\].staff\[0\]: exceeds the zone's 8 windows"):
        sim.apply_staffing(small, {"tax": [9] * 18})
    with pytest.raises(ScenarioError, match="needs one value per period"):
        sim.apply_staffing(small, {"tax": [1] * 5})
    with pytest.raises(ScenarioError, match="unknown zone"):
        sim.apply_staffing(small, {"nowhere": [1] * 18})
    with pytest.raises(ScenarioError, match="whole numbers"):
        sim.apply_staffing(small, {"tax": [1.5] * 18})


def test_apply_staffing_drops_people(small):
    data = sim.scenario_to_dict(small)
    for z in data["zones"]:
        z.pop("staff")
    data["people"] = [{"id": "a", "count": 3, "start": "08:30", "end": "17:30", "zones": ["tax"]},
                      {"id": "b", "count": 2, "start": "08:30", "end": "17:30", "zones": ["social"]}]
    with_people = sim.scenario_from_dict(data)
    with pytest.raises(ScenarioError, match="must give every zone"):
        sim.apply_staffing(with_people, {"tax": [1] * 18})
    staffed = sim.apply_staffing(with_people, {"tax": [4] * 18, "social": [1] * 18})
    assert staffed.people is None and staffed.staff_per_period("social") == [1] * 18


def test_a_plan_round_trips_through_the_file(tmp_path, small):
    plan = {"tax": list(range(18))[:18], "social": [t % 5 for t in range(18)]}
    plan["tax"] = [min(v, 8) for v in plan["tax"]]
    lines = ["zone,start,staff"] + [f"{z},{s // 60:02d}:{s % 60:02d},{v}" for z in plan
                                    for s, v in zip(small.period_starts, plan[z])]
    assert sim.read_staffing_csv(write(tmp_path, "\n".join(lines)), small) == plan
    results = sim.simulate(sim.apply_staffing(small, plan), replications=2, seed=1, workers=1)
    assert results.replications == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_plans_are_read(tmp_path, small, encoding):
    path = tmp_path / "plan.csv"
    path.write_bytes(plan_text(small).encode(encoding))
    assert set(sim.read_staffing_csv(path, small)) == {"tax", "social"}


def test_latin1_plan_and_underscored_numbers_are_clear_errors(tmp_path, small):
    path = tmp_path / "plan.csv"
    path.write_bytes(plan_text(small).replace("tax", "taxé").encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"unknown text encoding: not UTF-8, .*\(byte 0xe9 on line 2.*save the file as UTF-8"):
        sim.read_staffing_csv(path, small)

    def edit(lines):
        lines[1] = lines[1].rsplit(",", 1)[0] + ",1_0"
        return lines
    with pytest.raises(ScenarioError, match="row 2: staff: must be a whole number >= 0, got '1_0'"):
        sim.read_staffing_csv(write(tmp_path, plan_text(small, edit=edit)), small)


def test_a_partial_plan_changes_only_its_rows_and_is_opt_in(tmp_path, small):
    path = write(tmp_path, "zone,start,staff\ntax,12:00,2\ntax,12:30,2\n")
    with pytest.raises((ScenarioError, ScenarioErrors), match="has no row for period"):
        sim.read_staffing_file(path, small)  # an incomplete file is not a whole plan
    staffed = sim.read_staffing_file(path, small, partial=True)
    before, after = small.staff_per_period("tax"), staffed.staff_per_period("tax")
    changed = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
    noon = [small.period_starts.index(12 * 60), small.period_starts.index(12 * 60 + 30)]
    assert after[noon[0]] == after[noon[1]] == 2 and set(changed) <= set(noon)
    assert all(after[k] == before[k] for k in range(len(before)) if k not in noon)
    assert staffed.staff_per_period("social") == small.staff_per_period("social")
    with pytest.raises(ScenarioError, match="at least one zone-period"):
        sim.read_staffing_file(write(tmp_path, "zone,start,staff\n", "empty.csv"), small, partial=True)
