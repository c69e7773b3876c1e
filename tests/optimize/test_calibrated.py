"""The calibrated method against exact answers: a time-varying zone whose exact optimum is
computable, scored by the exact transient evaluator (not by the simulation it calibrates on);
its pieces (shrinkage, the forward plan, the lean roster) and its command-line output."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optimize
import sim
from optimize.calibrated_method import _lean_roster, _Models, calibrated_staffing, forward_plan
from optimize.exact_staffing import ZoneEvaluator
from optimize.methods import DEFAULT_ADAPTIVE_ROUNDS
from optimize.model_correction import shrink
from optimize.patterns import ShiftPattern, ShiftSpec
from optimize.targets import parse_targets

ROOT = Path(__file__).resolve().parents[2]
P, SERVICE, TARGET = 30, 10.0, "wait<=5@80%"
# a 10-hour day with a morning peak: visitors per hour in each half hour
RATES_PER_HOUR = [20, 40, 60, 75, 80, 70, 50, 40, 35, 40, 50, 60, 60, 50, 40, 30, 25, 20, 15, 10]
WINDOWS = 25


def zone_hall():
    svc = {"id": "s", "zone": "z", "arrivals": {"rates_per_hour": RATES_PER_HOUR},
           "service_time": {"dist": "exponential", "mean": SERVICE}}
    return sim.scenario_from_dict({"name": "one zone", "hours": {"open": "08:00", "close": "18:00"},
                                   "period_minutes": P, "zones": [{"id": "z", "windows": WINDOWS, "staff": 1}],
                                   "services": [svc]})


def exact_evaluator():
    return ZoneEvaluator([r / 60 for r in RATES_PER_HOUR], period_minutes=P, mean_service=SERVICE,
                         targets=TARGET, windows=WINDOWS)


@pytest.fixture(scope="module")
def found():
    return calibrated_staffing(zone_hall(), TARGET, seed=0, replications=30, max_simulations=3, workers=1)


@pytest.mark.slow
def test_reaches_the_exact_optimum_within_two_percent(found):
    ev = exact_evaluator()
    exact = ev.solve(time_limit=60)
    plan = [int(v) for v in found.plan.loc["z"]]
    assert found.cost <= exact.cost * 1.02 + 1e-9, (found.cost, exact.cost, plan, exact.plan)
    # scored exactly: the worst period is within 0.02 of the target after the first hour
    achieved = ev.result(plan).value(parse_targets(TARGET)[0])
    assert np.nanmin(achieved[2:]) >= 0.80 - 0.02, achieved
    assert found.lower_bound <= exact.cost + 1e-9        # a valid bound never exceeds the optimum
    # three search simulations at most, then at most two probe simulations per adaptive round (none by default)
    assert 0 <= found.gap < 1 and found.simulations <= 3 + 2 * DEFAULT_ADAPTIVE_ROUNDS
    assert found.expected_misses >= 0 and list(found.iterations.columns)[:2] == ["stage", "iteration"]


def test_shrinkage_pools_cells_when_the_model_is_right_and_keeps_them_apart_when_not():
    rng = np.random.default_rng(1)
    var = np.full(20, 0.05**2)
    same = 0.03 + rng.normal(0, 0.05, 20)               # one common bias, noise only
    mean, sd, common, _ = shrink(same, var)
    assert np.ptp(mean) < 0.2 * np.ptp(same) and abs(common - 0.03) < 0.03
    assert (sd < 0.05).all()                              # pooling is more precise than one cell
    apart = np.where(np.arange(20) < 10, -0.2, 0.2) + rng.normal(0, 0.01, 20)
    mean, _, _, _ = shrink(apart, np.full(20, 0.01**2))
    assert np.allclose(mean, apart, atol=0.02)            # real differences survive
    unseen = np.array([np.nan, 0.1, 0.1])
    mean, sd, _, _ = shrink(unseen, np.array([np.nan, 0.01, 0.01]))
    assert np.isnan(mean[0]) and np.isnan(sd[0])


@pytest.mark.slow
def test_forward_plan_passes_and_each_period_is_the_fewest_given_the_earlier_ones():
    ev = exact_evaluator()
    T = len(RATES_PER_HOUR)
    plan = forward_plan(ev, np.full(T, 3), np.full(T, WINDOWS), np.ones(T, dtype=int))
    assert ev(plan).all()
    for t in range(T):
        if plan[t] > 1:
            lower = plan.copy()
            lower[t] -= 1
            assert not ev(lower).all(), f"period {t} could go lower"


@pytest.mark.slow
def test_the_lean_roster_is_no_dearer_and_still_passes_every_model():
    hall = zone_hall()
    shifts = ShiftSpec(tuple(ShiftPattern(f"s{h}", 480 + 60 * h, 480 + 60 * h + 240) for h in range(7)))
    T = hall.n_periods
    caps = np.full((1, T), WINDOWS)
    models = _Models(hall, parse_targets(TARGET), caps)
    ev = exact_evaluator()           # the same model as the zone's own, to check the answer
    reqs = forward_plan(ev, np.full(T, 3), caps[0], models.least[0])[None, :]
    first = optimize.solve_roster({"z": list(reqs[0])}, shifts, (480, 1080, P), windows=WINDOWS)
    roster, coverage, lean, rounds = _lean_roster(hall, models, reqs.copy(), models.floor(), shifts, "HiGHS", 60)
    assert roster.cost <= first.cost and rounds >= 1
    assert ev(coverage[0]).all() and (coverage >= lean).all()


def small_zone_with_shifts():
    """A third of the demand, ten windows, four-hour shifts starting every hour."""
    rates = [r / 3 for r in RATES_PER_HOUR]
    svc = {"id": "s", "zone": "z", "arrivals": {"rates_per_hour": rates},
           "service_time": {"dist": "exponential", "mean": SERVICE}}
    hall = sim.scenario_from_dict({"name": "small zone", "hours": {"open": "08:00", "close": "18:00"},
                                   "period_minutes": P, "zones": [{"id": "z", "windows": 10, "staff": 1}],
                                   "services": [svc]})
    shifts = ShiftSpec(tuple(ShiftPattern(f"s{h}", 480 + 60 * h, 480 + 60 * h + 240) for h in range(7)))
    return hall, shifts


@pytest.mark.slow
def test_the_zone_roster_master_reaches_the_exact_optimal_roster_and_proves_it():
    """A small zone (a third of the demand) with four-hour shifts starting every hour: the
    master, started from the lean roster, gives the exact optimal roster of the zone's model
    (the exact search's own answer) and a bound equal to its cost; it never makes the roster
    dearer."""
    from optimize.calibrated_method import _master_rosters, _zone_rosters_apart
    from optimize.patterns import Pool

    hall, shifts = small_zone_with_shifts()
    rates = [r / 3 for r in RATES_PER_HOUR]
    assert _zone_rosters_apart(shifts)
    assert not _zone_rosters_apart(ShiftSpec(shifts.patterns, headcount=50))
    assert not _zone_rosters_apart(ShiftSpec(shifts.patterns, min_staff=1))
    assert not _zone_rosters_apart(ShiftSpec(shifts.patterns, pools=(Pool("p", ("z",)),)))
    T = hall.n_periods
    caps = np.full((1, T), 10)
    ev = ZoneEvaluator([r / 60 for r in rates], period_minutes=P, mean_service=SERVICE, targets=TARGET, windows=10)
    exact = ev.solve(shifts=shifts, grid=(480, 1080, P), time_limit=120)
    assert exact.status == "optimal"
    with _Models(hall, parse_targets(TARGET), caps) as models:
        reqs = forward_plan(ev, np.full(T, 2), caps[0], models.least[0])[None, :]
        lean, coverage, _, _ = _lean_roster(hall, models, reqs.copy(), models.floor(), shifts, "HiGHS", 60)
        roster, plan, need, bound, proven = _master_rosters(hall, models, coverage, lean, shifts, "HiGHS", 60,
                                                            iterations=100)
        # One solve only: a budget of iterations (not seconds) stops it, the same way on every machine.
        short = _master_rosters(hall, models, coverage, lean, shifts, "HiGHS", 60, iterations=1)
    assert roster.cost <= lean.cost + 1e-9
    assert roster.cost == pytest.approx(exact.cost) and bound == pytest.approx(exact.cost) and proven == 1
    assert ev(plan[0]).all() and (plan >= need).all()
    assert short[3] <= exact.cost + 1e-9 <= short[0].cost + 2e-9 and short[4] == 0 and short[3] < exact.cost


@pytest.mark.slow
@pytest.mark.parametrize("rounds", [0, 2])
def test_the_masters_answer_is_simulated_and_the_masters_run_again_on_the_corrected_models(rounds):
    """Each master round but the last simulates the masters' plan on seeds of its own (the
    search's sequence, continued) and counts it; the rounds stop at a plan already simulated
    (a fixed point, ``converged``) or after *rounds* simulations; the last row is the masters'
    answer under the newest corrections, which is the plan returned."""
    hall, shifts = small_zone_with_shifts()
    found = calibrated_staffing(hall, TARGET, shifts, seed=2, replications=10, max_simulations=1,
                                master_iterations=100, master_rounds=rounds, workers=1, bound=False)
    it = found.iterations
    search, masters = it[it["stage"] == "search"], it[it["stage"] == "master"]
    simulated = masters["simulated_misses"].notna()
    assert 1 <= len(masters) <= rounds + 1 and masters["stage"].iloc[-1] == it["stage"].iloc[-1]
    assert not simulated.iloc[-1] and simulated.iloc[:-1].all()
    assert simulated.sum() == rounds         # with these seeds: both rounds used, the third answer seen before
    assert found.simulations == len(search) + int(simulated.sum())
    if len(masters) <= rounds:                             # stopped early only at a fixed point
        assert found.converged
    last = masters.iloc[-1]
    assert found.cost == pytest.approx(last["cost"])
    assert float(found.plan.to_numpy().sum()) * P / 60 == pytest.approx(last["staff_hours"])
    with pytest.raises(ValueError, match="master_rounds"):
        calibrated_staffing(hall, TARGET, shifts, master_iterations=1, master_rounds=-1)
    with pytest.raises(ValueError, match="needs shifts"):
        calibrated_staffing(hall, TARGET, None, master_iterations=1)


@pytest.mark.slow
def test_optimize_json_is_valid_and_carries_bound_gap_and_expected_misses(tmp_path):
    """A real process: HiGHS writes its banner to file descriptor 1, which must stay JSON."""
    proc = subprocess.run([sys.executable, "-m", "servicehall", "optimize", str(ROOT / "tests/data/optimize_hall.yaml"),
                           "--target", "wait<=15@80%", "--shifts", str(ROOT / "tests/data/optimize_shifts.yaml"),
                           "-n", "10", "--workers", "1", "--no-baselines", "--max-simulations", "2", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["method"] == "calibrated"
    for key in ("lower_bound", "gap", "expected_true_misses", "simulations", "stuck_why", "compliance"):
        assert key in doc
    assert doc["lower_bound"] <= doc["cost"] + 1e-9 and 0 <= doc["gap"] < 1
    assert math.isfinite(doc["expected_true_misses"]) and doc["simulations"] <= 2 + 2 * DEFAULT_ADAPTIVE_ROUNDS


def test_zone_models_answer_the_same_in_worker_processes():
    """The zone pool spreads the models over processes; answers must not depend on it."""
    from optimize.calibrated_method import _lower_bounds, _values
    from optimize.zone_pool import ZonePool

    specs = {z: dict(rates=[0.3 * (z + 1), 0.9 * (z + 1), 0.5 * (z + 1)], period_minutes=30, mean_service=6,
                     targets=TARGET, windows=12) for z in range(3)}
    guess = {z: (np.full(3, 2), np.full(3, 12), np.ones(3, dtype=np.int64)) for z in specs}
    answers = []
    for workers in (1, 2):
        with ZonePool(specs, workers) as pool:
            answers.append((pool.map(forward_plan, guess), pool.each(_lower_bounds),
                            pool.map(_values, {z: (np.full(3, 6),) for z in specs})))
    for one, two in zip(*answers):
        assert one.keys() == two.keys()
        for z in one:
            np.testing.assert_array_equal(one[z], two[z])


@pytest.mark.slow
def test_a_correction_per_staff_level_judges_each_level_by_its_own():
    ev = exact_evaluator()
    T = len(RATES_PER_HOUR)
    plan = forward_plan(ev, np.full(T, 3), np.full(T, WINDOWS), np.ones(T, dtype=int))
    t = int(np.argmax(plan))
    lower = plan.copy()
    lower[t] -= 1
    assert not ev.check(lower, t)
    table = np.zeros((T, WINDOWS + 1))
    table[t, plan[t] - 1] = 0.5                        # only one staff lower in period t
    ev.correct({TARGET: table})
    assert ev.check(lower, t) and ev.check(plan, t)
    assert np.allclose(ev.corrected(plan), ev.values(plan))   # the plan's own level: uncorrected
    ev.correct({TARGET: np.full(T, 0.5)})               # one per period: every level alike
    assert np.allclose(ev.corrected(plan), ev.values(plan) + 0.5)


def test_the_correction_table_adds_the_change_observed_one_staff_lower():
    from optimize.model_correction import CorrectionData

    target = parse_targets(TARGET)[0]
    T = 12
    data = CorrectionData([target], ["z"], [f"{8 + t // 2:02d}:{30 * (t % 2):02d}" for t in range(T)], 0.95)
    plan = np.full((1, T), 3)
    rng = np.random.default_rng(0)
    for t in range(T):   # many visits: precise cells; the model is right at 3 staff, 0.1 low at 2
        data.seen[(str(target), 0, t, 3)] = [(rng.normal(0, 0.005), 1e-5, 1e-5)]
        if t % 2 == 0:
            data.seen[(str(target), 0, t, 2)] = [(0.1 + rng.normal(0, 0.005), 1e-5, 1e-5)]
    table = data.correction_table(plan, 5)
    delta = table.delta[str(target)][0]
    assert np.allclose(delta[:, 3], 0, atol=0.02)          # the plan's level
    assert np.allclose(delta[:, 2], 0.1, atol=0.02)        # observed, and the odd periods by the zone's change
    assert np.allclose(delta[:, 4], delta[:, 3])           # never seen one higher: the plan's correction


def test_probe_plans_lower_alternate_periods_above_their_floor():
    from optimize.calibrated_method import _probe_plans

    hall = zone_hall()
    T = hall.n_periods
    caps = np.full((1, T), WINDOWS)
    with _Models(hall, parse_targets(TARGET), caps) as models:
        plan = np.full((1, T), 4)
        floor = models.floor()
        floor[0, 3] = 4                                    # at its floor: never lowered
        even, odd = _probe_plans(models, plan, floor)
    assert (plan - even)[0, ::2].tolist() == [1 if t != 3 else 0 for t in range(0, T, 2)]
    assert (plan - even)[0, 1::2].sum() == 0 and (plan - odd)[0, ::2].sum() == 0
    assert (plan - odd)[0, 3] == 0 and (plan - odd)[0, 1] == 1


def _rule_and_monotone(ev):
    return ev.staff_decrease, ev.monotone


@pytest.mark.parametrize("rule", ["first_free", "own_visitor"])
def test_the_zone_models_follow_the_scenarios_staff_decrease_rule(rule):
    hall = sim.scenario_from_dict({**zone_hall().model_dump(mode="json", exclude_none=True),
                                   "staff_decrease": rule})
    caps = np.full((1, hall.n_periods), WINDOWS)
    with _Models(hall, parse_targets(TARGET), caps) as models:
        # own_visitor is not monotone, so its bounds start every period empty: never higher
        assert models.pool.each(_rule_and_monotone) == {0: (rule, rule == "first_free")}
        lows = models.lowest()
    assert (lows <= exact_evaluator().lower_bounds()).all()


@pytest.mark.slow
def test_bound_iterations_tighten_the_bound_and_leave_the_roster_alone():
    # each master solve's optimum is a valid bound on the zone's roster cost, so more solves
    # can only raise it, never past the roster; the roster itself is the lean one each time
    hall, shifts = small_zone_with_shifts()
    runs = {k: calibrated_staffing(hall, TARGET, shifts, seed=0, replications=10, max_simulations=2, workers=1,
                                   bound_iterations=k) for k in (0, 3, 100)}
    assert len({run.cost for run in runs.values()}) == 1
    assert len({tuple(run.plan.loc["z"]) for run in runs.values()}) == 1
    bounds = [runs[k].lower_bound for k in (0, 3, 100)]
    assert bounds[0] <= bounds[1] <= bounds[2] <= runs[0].cost + 1e-9 and bounds[0] < bounds[2]
    assert all(not (run.iterations["stage"] == "master").any() for run in runs.values())
    with pytest.raises(ValueError, match="bound_iterations"):
        calibrated_staffing(hall, TARGET, shifts, bound_iterations=-1)


def test_a_bound_only_master_of_a_model_that_is_not_monotone_solves_once():
    # its cuts prove nothing, so only the first, cut-free solve's bound counts
    from optimize.calibrated_method import _zone_master

    hall, shifts = small_zone_with_shifts()
    T = hall.n_periods
    rates = [r / 3 / 60 for r in RATES_PER_HOUR]
    answers = {}
    for key, iterations, bound_only in (("bound only", 50, True), ("one solve", 1, False)):
        ev = ZoneEvaluator(rates, period_minutes=P, mean_service=SERVICE, targets=TARGET, windows=10,
                           staff_decrease="own_visitor")
        answers[key] = (_zone_master(ev, np.ones(T, dtype=np.int64), shifts, (480, 1080, P),
                                     (math.inf, np.full(T, 10)), iterations, bound_only=bound_only), ev.evaluations)
    assert answers["bound only"][1] == answers["one solve"][1]
    status, plan, cost, bound = answers["bound only"][0]
    assert bound == answers["one solve"][0][3] and math.isfinite(bound)


def test_a_zone_without_windows_corrects_the_model_of_the_pool_that_serves_it():
    """A pooled layout: the departments keep their queues (where the simulation judges every
    zone-period) but have no windows, so no model; the pool has windows and a model but
    almost no visitors of its own. Until 8 Dec nothing the simulation saw reached the pool's
    model, which stayed uncorrected; the departments' cells now do."""
    import pandas as pd

    from optimize.model_correction import CorrectionData

    target = parse_targets(TARGET)[0]
    labels = ["08:30", "09:00"]
    data = CorrectionData([target], ["a", "b", "pool"], labels, 0.95, served_by={0: [2], 1: [2]})
    rows = [dict(target=str(target), zone=z, start=p, status=status, achieved=got, low=got - 0.05,
                 high=got + 0.05, visitors=10.0)
            for z, got, status in (("a", 0.70, "met"), ("b", 0.74, "met"), ("pool", 1.0, "exempt"))
            for p in labels]
    plan = np.array([[0, 0], [0, 0], [4, 5]])
    data.add(pd.DataFrame(rows), plan, {2: np.array([[0.80, 0.80]])}, 30)
    assert sorted(data.seen) == [(str(target), 2, 0, 4), (str(target), 2, 1, 5)]
    deltas = sorted(round(d, 6) for d, _, _ in data.seen[(str(target), 2, 0, 4)])
    assert deltas == [-0.1, -0.06]                  # each department's estimate against the pool's model
    alone = CorrectionData([target], ["a", "b", "pool"], labels, 0.95)
    alone.add(pd.DataFrame(rows), plan, {2: np.array([[0.80, 0.80]])}, 30)
    assert not alone.seen                           # without the map: blind, as before
