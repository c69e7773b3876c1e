"""Layout search: the screen against an exhaustive loop, the pooling break-even against M/M/c formulas,
the optimize-and-simulate stage, the budget, the variant file and the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import optimize
import planning
import sim
from optimize.queueing.erlang import erlang_c_mean_wait
from planning import screen as screen_module
from tests.helpers import hall, run_cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"
TARGET = "wait<=15@80%"


def partitions(items):
    """Every set partition of *items* (tuples of tuples), written out plainly."""
    if not items:
        yield ()
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        yield ((first,),) + part
        for k in range(len(part)):
            yield part[:k] + ((first,) + part[k],) + part[k + 1:]


def by_hand(base, blocks, speed):
    """The scenario of a partition, built without planning: pooled zones lose their windows,
    each pool is a zone serving them."""
    zones = []
    for k, block in enumerate(b for b in blocks if len(b) > 1):
        zones += [{"id": z, "windows": 0, "staff": 0, "can_help": []} for z in block]
        zones.append({"id": f"hand_{k}", "windows": 99, "staff": 0, "serves": list(block), "speed": speed})
    for z in base.zone_ids:  # no one helps a zone without windows
        if not any(z in b for b in blocks if len(b) > 1):
            zones.append({"id": z, "can_help": []})
    return sim.whatif.with_changes(base, {"zones": zones})


def test_screen_keeps_the_exhaustive_best_layouts_for_every_number_of_windows():
    base = sim.load_scenario(SMALL)
    speed = 1.15
    found = planning.screen_layouts(base, TARGET, pool_by="all", speed=speed, keep=3)
    assert found.covered == 15 and found.exact
    exhaustive = {}
    for blocks in partitions(list(base.zone_ids)):
        need = optimize.analytic_requirements(by_hand(base, blocks, speed), TARGET)
        staff = int(need.to_numpy().sum())
        windows = int(need.max(axis=1).sum())
        exhaustive.setdefault(windows, []).append(staff)
    assert len(list(partitions(list(base.zone_ids)))) == 15
    frame = found.frame
    best = frame.iloc[0]
    best_staff = min(s for v in exhaustive.values() for s in v)
    assert math.isclose(best["staff_hours"], best_staff * base.period_minutes / 60)
    assert best["windows"] == min(w for w, v in exhaustive.items() if min(v) == best_staff)
    for windows, staffs in exhaustive.items():
        kept = sorted(round(h * 60 / base.period_minutes) for h in frame[frame["windows"] == windows]["staff_hours"])
        dept = frame[(frame["windows"] == windows) & (frame["pools"] == "")]
        if len(dept):  # the departmental layout is added besides the best three
            kept.remove(round(dept.iloc[0]["staff_hours"] * 60 / base.period_minutes))
        assert kept[:3] == sorted(staffs)[:len(kept[:3])]
        assert len(kept) >= min(3, len(staffs)) - (1 if len(dept) else 0)


def test_screen_load_of_a_pool_is_the_engines_load_of_the_pooled_scenario():
    base = sim.load_scenario(SMALL)
    layout = planning.Layout((planning.PoolSpec(("realestate", "housing_fund"), 1.2),), {"realestate+housing_fund": 9})
    engine = sim.flows.zone_loads(layout.apply(base))["pool_1"]
    rates, mean, patience = screen_module.Screen(base, TARGET, speed=1.2).load(["realestate", "housing_fund"])
    assert rates == pytest.approx(engine.rates)
    assert mean == pytest.approx(engine.mean_service)
    assert patience == pytest.approx(engine.mean_patience)


def test_greedy_search_of_a_large_group_is_never_better_than_the_exact_one(monkeypatch):
    base = sim.load_scenario(SMALL)
    exact = planning.screen_layouts(base, TARGET, pool_by="all").frame.iloc[0]
    monkeypatch.setattr(screen_module, "EXACT_ZONES", 0)
    greedy = planning.screen_layouts(base, TARGET, pool_by="all")
    assert not greedy.exact
    assert greedy.frame.iloc[0]["staff_hours"] >= exact["staff_hours"]
    # on this hall, merging the pair that saves most finds the same best layout
    assert greedy.frame.iloc[0]["pools"] == exact["pools"]


# -- the pooling break-even --------------------------------------------------------------

RATE, MEAN, WAIT = 0.5, 8.0, 5.0  # per minute, minutes, minutes
PAIR_TARGET = f"wait<={WAIT:g}@80%"


def pair(speed=None):
    """Two identical M/M/c zones of one category, constant demand."""
    zones = [{"id": z, "windows": 30, "staff": 5} for z in ("a", "b")]
    services = [{"id": f"s{z}", "zone": z, "category": "c", "arrivals": {"rate_per_hour": RATE * 60},
                 "service_time": {"dist": "exponential", "mean": MEAN}} for z in ("a", "b")]
    return sim.scenario_from_dict(hall(zones=zones, services=services, open="08:00", close="12:00"))


def servers(rate, mean):
    n = math.ceil(rate * mean) + 1
    while optimize.erlang_c_service_level(n, rate, mean, WAIT) < 0.8:
        n += 1
    return n


def pooling_pays(f):
    """From the formulas alone: pooling the two zones at slow-down *f* needs fewer staff than
    M/M/c twice, or as many (M/M/2c) with less waiting."""
    c = servers(RATE, MEAN)
    n = servers(2 * RATE, f * MEAN)
    if n != 2 * c:
        return n < 2 * c
    return erlang_c_mean_wait(n, 2 * RATE, f * MEAN) < erlang_c_mean_wait(c, RATE, MEAN)


def break_even():
    low, high = 1.0, 3.0
    assert pooling_pays(low) and not pooling_pays(high)
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if pooling_pays(mid) else (low, mid)
    return (low + high) / 2


def test_pooling_is_chosen_exactly_below_the_break_even_slow_down():
    f_star = break_even()
    assert 1.0 < f_star < 3.0
    base = pair()
    for f in (f_star - 0.01, f_star - 0.002, f_star + 0.002, f_star + 0.01, 1.0, 1.5 * f_star):
        best = planning.screen_layouts(base, PAIR_TARGET, speed=f).frame.iloc[0]
        assert (best["pools"] == "a+b") == pooling_pays(f), f


@pytest.mark.slow
def test_search_optimizes_and_simulates_the_best_few_and_recommends_a_layout_that_holds():
    base = pair()
    search = planning.search_layouts(base, PAIR_TARGET, speed=1.0, top=1, replications=6, workers=1)
    sims = search.simulated
    assert set(sims["pools"]) == {"a+b", ""}  # the best screened and the departmental one
    best = sims[sims["recommended"]].iloc[0]
    assert best["pools"] == "a+b" and best["missed"] == 0
    assert best["staff_hours"] < sims[sims["pools"] == ""].iloc[0]["staff_hours"]
    hall_ = search.recommended
    assert hall_.zone("a").windows == 0 and hall_.zone("pool_1").serves == ["a", "b"]
    assert best["windows_used"] == max(hall_.staff_per_period("pool_1"))
    # the variant file, loaded through extends, is the recommended hall
    assert "extends: base.yaml" in search.variant_yaml("base.yaml")


def test_budget_and_floor_area():
    base = sim.load_scenario(SMALL)
    found = planning.screen_layouts(base, TARGET, pool_by="all", floor_area=13 * 4.0 + 3, window_footprint=4.0)
    assert found.budget_windows == 13
    assert (found.frame["within_budget"] == (found.frame["windows"] <= 13)).all()
    with pytest.raises(ValueError, match="not both"):
        planning.screen_layouts(base, TARGET, budget_windows=10, floor_area=50, window_footprint=4)
    with pytest.raises(ValueError, match="unknown zone"):
        planning.screen_layouts(base, TARGET, groups=[["tax", "nowhere"]])


def test_bundle_modes_are_screened_and_give_valid_halls():
    base = sim.load_scenario(ROOT / "scenarios" / "examples" / "bundle_one_window.yaml")
    found = planning.screen_layouts(base, TARGET, pool_by="none")
    assert set(found.frame["bundles"]) == {"as_is", "visit_each"}
    layout = planning.Layout(bundles="visit_each")
    changed = layout.apply(base)
    assert all(b.mode == "visit_each" for b in changed.bundles)


@pytest.mark.slow
def test_layout_command_writes_a_complete_folder_and_a_loadable_variant(tmp_path):
    out = tmp_path / "layout"
    proc = run_cli("layout", str(SMALL), "--pool-by", "category", "--top", "1", "-n", "4", "--workers", "1",
                   "--out", str(out), "--json", "--report", str(tmp_path / "layout.html"), "--lang", "zh", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["recommended"]["candidate"] and doc["screened"]["layouts_covered"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["screened.csv", "candidates.csv", "pareto.csv", "staffing.csv", "layout.yaml", "summary.json", "pareto.png"])
    variant = sim.load_scenario(out / "layout.yaml")
    assert variant.name.startswith("Small hall")
    staffing = sim.read_staffing_file(out / "staffing.csv", variant)
    assert staffing
    report = (tmp_path / "layout.html").read_text(encoding="utf-8")
    assert "大厅布局方案比选" in report and "推荐布局" in report and "data:image/png;base64" in report


@pytest.mark.parametrize("args, message", [
    (["--pool-group", "tax,nowhere"], "unknown zone 'nowhere'"),
    (["--pool-group", "tax"], "two or more zones"),
    (["--floor-area", "100"], "go together"),
    (["--speed", "0"], "must be > 0"),
    (["--margin", "-1"], "--margin"),
])
def test_layout_command_rejects_bad_options_with_exit_2(args, message):
    proc = run_cli("layout", str(SMALL), *args, "-n", "2", "--workers", "1", cwd=ROOT)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_layout_command_says_when_no_layout_fits_the_budget():
    proc = run_cli("layout", str(SMALL), "--pool-by", "all", "--budget-windows", "5", "--top", "1", "-n", "3",
                   "--workers", "1", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "no optimized layout fits the budget of 5 windows" in proc.stdout


def test_every_candidate_is_optimized_with_the_search_margin(monkeypatch):
    """The candidates' plans keep DEFAULT_MARGIN posterior deviations of safety unless told:
    at the point estimate none of the reference hall's candidates held (8 Dec)."""
    import optimize
    from planning.layout_search import DEFAULT_MARGIN

    seen = []
    real = optimize.optimize_staffing

    def spy(*args, **kwargs):
        seen.append(kwargs["margin"])
        return real(*args, **kwargs)

    monkeypatch.setattr(optimize, "optimize_staffing", spy)
    planning.search_layouts(pair(), PAIR_TARGET, speed=1.0, top=1, replications=4, workers=1)
    planning.search_layouts(pair(), PAIR_TARGET, speed=1.0, top=1, replications=4, workers=1, margin=0.0)
    assert DEFAULT_MARGIN == 1.0 and seen == [1.0, 1.0, 0.0, 0.0]
    proc = run_cli("layout", "--help", cwd=ROOT)
    assert f"default {DEFAULT_MARGIN:g}; 0: the point estimate" in " ".join(proc.stdout.split())
