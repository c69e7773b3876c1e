"""Staff by clock range: {default: N, "HH:MM-HH:MM": M}, in a file and as a partial override."""

import pytest

import sim
from tests.helpers import hall


def scenario(staff):
    return sim.scenario_from_dict(hall(zones=[{"id": "z", "windows": 4, "staff": staff}], close="11:00"))


def test_ranges_set_the_periods_they_cover():
    s = scenario({"default": 3, "09:00-10:00": 1, "10:30-11:00": 4})
    assert s.staff_per_period("z") == [3, 3, 1, 1, 3, 4]


def test_same_results_as_the_list_it_stands_for():
    ranges = sim.simulate(scenario({"default": 3, "09:00-10:00": 1}), replications=3, seed=2, workers=1)
    listed = sim.simulate(scenario([3, 3, 1, 1, 3, 3]), replications=3, seed=2, workers=1)
    assert ranges.visits.equals(listed.visits)


def test_an_override_changes_only_its_ranges(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text('name: b\nhours: {open: "08:00", close: "11:00"}\n'
                    "zones: [{id: z, windows: 4, staff: [2, 2, 3, 3, 2, 2]}]\n"
                    "services: [{id: s, zone: z, arrivals: {rate_per_hour: 5}, service_time: {dist: exponential, mean: 5}}]\n",
                    encoding="utf-8")
    lunch = tmp_path / "lunch.yaml"
    lunch.write_text('extends: base.yaml\nzones: [{id: z, staff: {"09:30-10:30": 1}}]\n', encoding="utf-8")
    assert sim.load_scenario(lunch).staff_per_period("z") == [2, 2, 3, 1, 1, 2]


@pytest.mark.parametrize("staff, path, message", [
    ({"09:00-10:00": 1}, "zones[0].staff", 'needs a "default"'),
    ({"default": 3, "noon": 1}, "zones[0].staff.noon", 'clock range "HH:MM-HH:MM"'),
    ({"default": 3, "09:10-10:00": 1}, "zones[0].staff.09:10-10:00", "on the 30-minute grid"),
    ({"default": 3, "10:00-09:00": 1}, "zones[0].staff.10:00-09:00", "must end after it starts"),
    ({"default": 3, "09:00-10:00": 9}, "zones[0].staff", "exceeds the zone's 4 windows at 09:00, got 9"),
    ({"default": [1, 2]}, "zones[0].staff.default", "needs one value per period (6 periods"),
])
def test_bad_ranges(staff, path, message):
    with pytest.raises(sim.ScenarioError) as info:
        scenario(staff)
    assert (info.value.path, True) == (path, message in info.value.message), info.value


def test_people_and_zones_that_keep_their_staff():
    data = hall(zones=[{"id": "a", "windows": 3, "staff": 2}, {"id": "b", "windows": 3}], close="10:00",
                services=[{"id": s, "zone": s, "arrivals": {"rate_per_hour": 10},
                           "service_time": {"dist": "exponential", "mean": 5}} for s in ("a", "b")],
                people=[{"id": "p", "count": 2, "start": "08:00", "end": "09:00", "zones": ["b"]}])
    s = sim.scenario_from_dict(data)
    assert s.staff_per_period("a") == [2, 2, 2, 2] and s.staff_per_period("b") == [2, 2, 0, 0]
    staffed = sim.simulate(s, replications=2, seed=1, workers=1).levels
    got = staffed[staffed.period != "after_close"].groupby(["zone", "period"], observed=True)["mean_staffed"].mean()
    assert list(got.loc["a"]) == [2, 2, 2, 2] and list(got.loc["b"])[:2] == [2, 2]
    assert max(list(got.loc["b"])[2:]) < 0.5  # people gone at 09:00 (a window closes when its visitor is done)
    data["zones"][1]["staff"] = 1  # now a person works in a zone that keeps its staff
    with pytest.raises(sim.ScenarioError) as info:
        sim.scenario_from_dict(data)
    assert info.value.path == "zones[1].staff" and "people[0] works here" in info.value.message
