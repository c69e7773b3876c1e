"""What-if changes: dotted paths, whole-number fields, validation, and clear errors."""

import numpy as np
import pytest

import sim
from sim import whatif
from sim.whatif import PathError


def test_vary_sets_top_level_zone_and_distribution_fields(small):
    assert whatif.vary(small, "demand_scale", 1.3).demand_scale == 1.3
    assert whatif.vary(small, "zones.tax.staff", 7).zone("tax").staff == 7
    changed = whatif.vary(small, "services.invoice.service_time.mean", 9.5)
    assert changed.service("invoice").service_time.mean == 9.5
    assert changed.service("invoice").service_time.cv == small.service("invoice").service_time.cv
    assert small.service("invoice").service_time.mean == 8  # the original is untouched


def test_vary_a_field_left_at_its_default_and_a_missing_mapping(small):
    assert small.zone("tax").queue_limit is None
    assert whatif.vary(small, "zones.tax.queue_limit", 25).zone("tax").queue_limit == 25
    assert whatif.vary(small, "day_variation.cv", 0.1).day_variation.cv == 0.1


def test_vary_one_period_of_a_staff_list(small):
    listed = whatif.set_staff(small, "tax", [4] * small.n_periods)
    changed = whatif.vary(listed, "zones.tax.staff.3", 6)
    assert changed.staff_per_period("tax")[2:5] == [4, 6, 4]


def test_whole_number_fields_take_integral_floats_and_numpy_ints(small):
    assert whatif.vary(small, "zones.tax.staff", 5.0).zone("tax").staff == 5
    assert isinstance(whatif.vary(small, "zones.tax.staff", 5.0).zone("tax").staff, int)
    assert whatif.vary(small, "zones.tax.windows", np.int64(9)).zone("tax").windows == 9
    with pytest.raises(sim.ScenarioError, match=r"zones\[0\]\.staff: must be a whole number"):
        whatif.vary(small, "zones.tax.staff", 5.5)


@pytest.mark.parametrize("path, message", [
    ("zones.taxx.staff", "no zone with id 'taxx'; known zones: tax, social"),
    ("services.nope.priority", "no service with id 'nope'"),
    ("zones.tax", "names a whole zone"),
    ("demand_scale.x", "demand_scale is a single value"),
    ("zones.tax.staff.3", "zones.tax.staff is a single value"),
    ("", "empty field path"),
    ("zones..staff", "empty part"),
])
def test_bad_paths_raise_path_errors(small, path, message):
    with pytest.raises(PathError, match=message) as info:
        whatif.vary(small, path, 1)
    assert isinstance(info.value, ValueError) and isinstance(info.value, sim.ScenarioError)


def test_bad_values_raise_scenario_errors_naming_the_field(small):
    with pytest.raises(sim.ScenarioError, match=r"zones\[0\]\.staf: unknown key \(did you mean 'staff'\?\)"):
        whatif.vary(small, "zones.tax.staf", 3)
    with pytest.raises(sim.ScenarioError, match=r"zones\[0\]\.staff: exceeds the zone's 8 windows, got 9"):
        whatif.vary(small, "zones.tax.staff", 9)
    with pytest.raises(sim.ScenarioError, match=r"demand_scale: must be > 0"):
        whatif.vary(small, "demand_scale", 0)


def test_scale_demand_compounds_and_rejects_non_positive(small):
    assert whatif.scale_demand(whatif.scale_demand(small, 1.1), 1.2).demand_scale == pytest.approx(1.32)
    assert whatif.scale_demand(small, 2).rates_per_hour("invoice")[0] == pytest.approx(80)
    for bad in (0, -1, "2", True):
        with pytest.raises(ValueError, match="demand factor must be a number > 0"):
            whatif.scale_demand(small, bad)


def test_set_staff_and_windows(small):
    assert whatif.set_staff(small, "tax", 8).zone("tax").staff == 8
    raised = whatif.set_staff(small, "tax", 10, windows=10)
    assert (raised.zone("tax").windows, raised.zone("tax").staff) == (10, 10)
    assert whatif.set_staff(small, "social", [3] * small.n_periods).staff_per_period("social") == [3] * small.n_periods
    assert whatif.set_windows(small, "social", 9).zone("social").windows == 9
    with pytest.raises(PathError, match="no zone with id 'nope'"):
        whatif.set_staff(small, "nope", 3)
    with pytest.raises(sim.ScenarioError, match="exceeds the zone's 3 windows"):
        whatif.set_windows(small, "social", 3)


def test_with_changes_merges_like_a_variant_file(small):
    changed = whatif.with_changes(small, {"name": "more tax", "zones": [{"id": "tax", "staff": 7}]})
    assert changed.name == "more tax" and changed.zone("tax").staff == 7 and changed.zone("tax").name == "税务区"
    removed = whatif.with_changes(small, {"zones": [{"id": "social", "remove": True}],
                                          "services": [{"id": "pension", "remove": True}]})
    assert removed.zone_ids == ["tax"]
    with pytest.raises(sim.ScenarioError, match="services\\[1\\].zone: unknown zone 'social'"):
        whatif.with_changes(small, {"zones": [{"id": "social", "remove": True}]})


def test_differences_list_changed_paths(small):
    b = whatif.vary(whatif.scale_demand(small, 1.2), "zones.tax.staff", 7)
    assert whatif.differences(small, b) == [("demand_scale", 1.0, 1.2), ("zones.tax.staff", 6, 7)]
    assert whatif.differences(small, small) == []
    assert whatif.get_value(b, "zones.tax.staff") == 7 and whatif.get_value(small, "zones.tax.queue_limit") is None
