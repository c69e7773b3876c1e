"""Shift-file loading and its FILE: PATH: MESSAGE errors."""

import textwrap
from pathlib import Path

import pytest

from optimize import Lunch, Pool, ShiftFileError, ShiftPattern, load_shift_file, parse_shift_spec

GRID = (480, 1050, 30)  # 08:00-17:30, half hours
ZONES = ["realestate", "housing_fund", "tax"]

GOOD = """\
period_minutes: 30
shifts:
  - id: early
    start: "08:00"
    end: "16:30"
    lunch: {minutes: 60, earliest: "11:00", latest: "13:30"}
    cost: 8.5
  - id: late
    start: "09:30"
    end: "24:00"
pools:
  - id: comprehensive
    zones: [realestate, housing_fund]
headcount: 200
min_staff: 1
"""


def write(tmp_path, text):
    path = tmp_path / "shifts.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text, **kwargs) -> ShiftFileError:
    path = write(tmp_path, text)
    with pytest.raises(ShiftFileError) as info:
        load_shift_file(path, grid=GRID, zones=ZONES, **kwargs)
    assert info.value.file == str(path)
    return info.value


def test_good_file(tmp_path):
    spec = load_shift_file(write(tmp_path, GOOD), grid=GRID, zones=ZONES)
    assert spec.patterns == (
        ShiftPattern("early", 480, 990, Lunch(60, 660, 810), 8.5),
        ShiftPattern("late", 570, 1440),
    )
    assert spec.pools == (Pool("comprehensive", ("realestate", "housing_fund")),)
    assert (spec.headcount, spec.min_staff, spec.period_minutes) == (200, 1, 30)
    assert spec.patterns[1].effective_cost == 14.5  # paid hours by default


@pytest.mark.parametrize("old,new,path,message", [
    ("    lunch: {minutes: 60,", "    lunch: {minutes: -30,", "shifts[0].lunch.minutes",
     "must be > 0, got -30"),
    ("    cost: 8.5", "    cots: 8.5", "shifts[0].cots", "unknown field (did you mean 'cost'?)"),
    ("min_staff: 1", "min_staff: 1\nbreaks: 2", "breaks", "unknown field"),
    ('    end: "16:30"', '    end: "07:30"', "shifts[0].end",
     "must be after start 08:00, got 07:30"),
    ('latest: "13:30"', 'latest: "16:00"', "shifts[0].lunch.latest",
     "a 60-minute lunch starting at 16:00 ends after the shift end 16:30"),
    ('earliest: "11:00"', 'earliest: "07:00"', "shifts[0].lunch.earliest",
     "must not be before the shift start 08:00, got 07:00"),
    ('latest: "13:30"', 'latest: "10:30"', "shifts[0].lunch.latest",
     "must not be before earliest 11:00, got 10:30"),
    ('earliest: "11:00", latest: "13:30"', 'earliest: "11:10", latest: "11:20"',
     "shifts[0].lunch", "no lunch start between 11:10 and 11:20 is on the 30-minute grid"),
    ('    end: "16:30"', '    end: "25:00"', "shifts[0].end", "is not a time of day, got '25:00'"),
    ('    end: "16:30"', '    end: "4pm"', "shifts[0].end", 'must be a clock time "HH:MM", got'),
    ("  - id: late", "  - id: early", "shifts[1].id", "duplicate id 'early' (also shifts[0])"),
    ("  - id: late\n", "  - \n", "shifts[1].id", "required field missing"),
    ("headcount: 200", "headcount: 0", "headcount", "must be > 0, got 0"),
    ("headcount: 200", "headcount: many", "headcount", "must be a whole number, got 'many'"),
    ("min_staff: 1", "min_staff: -1", "min_staff", "must be >= 0, got -1"),
    ("period_minutes: 30", "period_minutes: 15", "period_minutes",
     "must match the scenario's 30-minute periods, got 15"),
    ("[realestate, housing_fund]", "[realestate, parking]", "pools[0].zones[1]",
     "unknown zone 'parking'"),
    ("[realestate, housing_fund]", "[]", "pools[0].zones", "must not be empty"),
    ("  - id: comprehensive", "  - id: tax", "pools[0].id", "must differ from every zone name"),
    ("    cost: 8.5", "    cost: -1", "shifts[0].cost", "must be >= 0, got -1"),
    ('    start: "09:30"\n    end: "24:00"', '    start: "06:00"\n    end: "07:30"', "shifts[1]",
     "works no whole period of the 08:00-17:30 day"),
])
def test_errors_name_file_path_and_what_was_found(tmp_path, old, new, path, message):
    assert old in GOOD
    err = error_of(tmp_path, GOOD.replace(old, new, 1))
    assert err.path == path
    assert message in err.message
    assert str(err).startswith(f"{err.file}: {path}: ")


def test_all_problems_are_listed(tmp_path):
    text = GOOD.replace("minutes: 60", "minutes: -30").replace("cost: 8.5", "cots: 8.5")
    err = error_of(tmp_path, text)
    assert err.problems == (("shifts[0].lunch.minutes", "must be > 0, got -30"),
                            ("shifts[0].cots", "unknown field (did you mean 'cost'?)"))
    assert str(err).splitlines() == [
        f"{err.file}: shifts[0].lunch.minutes: must be > 0, got -30",
        f"{err.file}: shifts[0].cots: unknown field (did you mean 'cost'?)"]


def test_whole_file_problems(tmp_path):
    assert error_of(tmp_path, "- just\n- a list\n").message.startswith("must be a mapping")
    assert error_of(tmp_path, "shifts: [a: b: c\n").message.startswith("malformed YAML at line 1")
    assert error_of(tmp_path, "pools: []\n").path == "shifts"
    with pytest.raises(ShiftFileError, match="file not found"):
        load_shift_file(tmp_path / "missing.yaml")


def test_without_grid_or_zones_only_the_file_is_checked():
    data = {"shifts": [{"id": "a", "start": "08:00", "end": "09:00",
                        "lunch": {"minutes": 20, "earliest": "08:10", "latest": "08:20"}}],
            "pools": [{"id": "p", "zones": ["anything"]}]}
    spec = parse_shift_spec(data)
    assert spec.pools[0].zones == ("anything",)
    with pytest.raises(ShiftFileError, match="<dict>: shifts\\[0\\].lunch: no lunch start"):
        parse_shift_spec(data, grid=GRID)


@pytest.mark.slow
def test_every_shift_file_under_scenarios_loads_for_the_reference_hall():
    import sim
    from optimize import load_shift_file, solve_roster

    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "scenarios" / "shifts").glob("*.yaml"))
    assert files
    hall = sim.load_scenario(root / "scenarios" / "lanling.yaml")
    grid = (hall.open_minute, hall.close_minute, hall.period_minutes)
    for path in files:
        spec = load_shift_file(path, grid=grid, zones=hall.zone_ids)
        assert any(p.lunch for p in spec.patterns)
        roster = solve_roster({z: [2] * hall.n_periods for z in hall.zone_ids}, spec, grid,
                              windows={z.id: z.windows for z in hall.zones})
        assert roster.status == "optimal"


def test_unquoted_clock_times_read_as_text_like_scenario_files(tmp_path):
    # The strict YAML loader (shared with scenario files) does not read 16:30 as base 60.
    path = tmp_path / "shifts.yaml"
    path.write_text(GOOD.replace('end: "16:30"', "end: 16:30"), encoding="utf-8")
    spec = load_shift_file(path)
    assert spec.patterns[0].end == 990


def test_duplicate_keys_are_errors(tmp_path):
    path = tmp_path / "shifts.yaml"
    path.write_text(GOOD.replace('    end: "16:30"', '    end: "16:30"\n    end: "17:30"', 1), encoding="utf-8")
    with pytest.raises(ShiftFileError, match="duplicate key 'end'"):
        load_shift_file(path)
