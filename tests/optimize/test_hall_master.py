"""The hall's roster master (optimize.hall_master) against exact optima: zones whose rosters
do not interact must give each zone's exact optimal roster (computed apart by the exact
search); a pool of multi-skilled staff can only make the hall cheaper, and the answer must
pass every zone's exact model with a bound that never exceeds its cost."""

import numpy as np
import pytest

import sim
from optimize.calibrated_method import _lean_roster, _Models, calibrated_staffing, forward_plan
from optimize.exact_staffing import ZoneEvaluator
from optimize.hall_master import hall_master
from optimize.patterns import Pool, ShiftPattern, ShiftSpec
from optimize.targets import parse_targets

pytestmark = pytest.mark.slow  # each runs a real end-to-end case of several seconds

P, SERVICE, TARGET, WINDOWS = 30, 10.0, "wait<=5@80%", 8
RATES_PER_HOUR = [20, 40, 60, 75, 80, 70, 50, 40, 35, 40, 50, 60, 60, 50, 40, 30, 25, 20, 15, 10]
SHARES = {"a": 1 / 3, "b": 1 / 5}          # each zone's share of the demand above
GRID = (480, 1080, P)
PATTERNS = tuple(ShiftPattern(f"s{h}", 480 + 60 * h, 480 + 60 * h + 240) for h in range(7))


def two_zone_hall(staff_decrease="first_free"):
    services = [{"id": f"s{z}", "zone": z, "arrivals": {"rates_per_hour": [r * f for r in RATES_PER_HOUR]},
                 "service_time": {"dist": "exponential", "mean": SERVICE}} for z, f in SHARES.items()]
    return sim.scenario_from_dict({"name": "two zones", "hours": {"open": "08:00", "close": "18:00"},
                                   "period_minutes": P, "services": services, "staff_decrease": staff_decrease,
                                   "zones": [{"id": z, "windows": WINDOWS, "staff": 1} for z in SHARES]})


def evaluators():
    return [ZoneEvaluator([r * f / 60 for r in RATES_PER_HOUR], period_minutes=P, mean_service=SERVICE,
                          targets=TARGET, windows=WINDOWS) for f in SHARES.values()]


def master_of(spec, iterations=100, staff_decrease="first_free"):
    """The lean roster of the hall under *spec*, then the hall master from it."""
    hall, evs = two_zone_hall(staff_decrease), evaluators()
    T = hall.n_periods
    caps = np.full((len(SHARES), T), WINDOWS)
    with _Models(hall, parse_targets(TARGET), caps) as models:
        reqs = np.array([forward_plan(ev, np.full(T, 2), caps[i], models.least[i]) for i, ev in enumerate(evs)])
        lean, coverage, _, _ = _lean_roster(hall, models, reqs, models.floor(), spec, "HiGHS", 60)
        answer = hall_master(hall, models.pool, models.lowest(), (lean.cost, coverage), spec, solver="HiGHS",
                             time_limit=60, iterations=iterations, seconds=300)
    return lean, answer, evs


@pytest.fixture(scope="module")
def zone_optima():
    """Each zone's exact optimal roster cost, by the exact search on its own."""
    return [ev.solve(shifts=ShiftSpec(PATTERNS), grid=GRID, time_limit=120) for ev in evaluators()]


def test_zones_apart_get_each_zones_exact_optimal_roster(zone_optima):
    assert all(found.status == "optimal" for found in zone_optima)
    lean, answer, evs = master_of(ShiftSpec(PATTERNS))
    assert answer.proven and answer.cost == pytest.approx(sum(found.cost for found in zone_optima))
    assert answer.lower_bound == pytest.approx(answer.cost) and answer.cost <= lean.cost
    assert all(ev(row).all() for ev, row in zip(evs, answer.coverage))


@pytest.mark.parametrize("spec", [ShiftSpec(PATTERNS, pools=(Pool("generalists", ("a", "b")),)),
                                  ShiftSpec(PATTERNS, headcount=30), ShiftSpec(PATTERNS, min_staff=2)],
                         ids=["pool", "headcount", "min_staff"])
def test_shared_staff_never_cost_more_than_zones_apart_and_the_answer_passes_every_zone(spec, zone_optima):
    lean, answer, evs = master_of(spec)
    assert answer.proven and answer.lower_bound == pytest.approx(answer.cost)
    # the zones' own optimal rosters are a roster of the shared problem (a pool only adds
    # choices; checked here: they use at most 30 people and keep two on duty), so the shared
    # optimum is no dearer
    people = sum(n for found in zone_optima for n in found.counts.values())
    assert people <= 30 and all(min(found.plan) >= 2 for found in zone_optima)
    assert answer.cost <= sum(found.cost for found in zone_optima) + 1e-9
    assert answer.cost <= lean.cost and all(ev(row).all() for ev, row in zip(evs, answer.coverage))
    if spec.min_staff:
        assert (answer.coverage >= 2).all()
    # one solve: a valid bound, no proof, the incumbent kept
    _, short, _ = master_of(spec, iterations=1)
    assert short.lower_bound <= answer.cost + 1e-9 <= short.cost + 2e-9 and short.solves == 1


def test_the_calibrated_method_runs_the_hall_master_when_staff_are_pooled():
    spec = ShiftSpec(PATTERNS, pools=(Pool("generalists", ("a", "b")),))
    found = calibrated_staffing(two_zone_hall(), TARGET, spec, seed=0, replications=5, max_simulations=1,
                                master_iterations=50, master_rounds=0, workers=1)
    masters = found.iterations[found.iterations["stage"] == "master"]
    assert len(masters) == 1 and masters["master_zones"].iloc[0] == 2
    assert found.lower_bound <= found.cost + 1e-9 and found.cost <= found.iterations["cost"].iloc[0] + 1e-9


def test_where_a_zone_model_is_not_monotone_the_hall_master_keeps_the_cut_free_bound():
    # under own_visitor staff earlier can hurt, so the cuts prove nothing: however many
    # solves, the bound stays the first (cut-free) solve's, where a monotone hall's rises
    spec = ShiftSpec(PATTERNS, pools=(Pool("generalists", ("a", "b")),))
    bounds = {}
    for rule in ("own_visitor", "first_free"):
        _, first, _ = master_of(spec, iterations=1, staff_decrease=rule)
        _, more, _ = master_of(spec, iterations=4, staff_decrease=rule)
        assert more.solves > 1 and more.proven == (more.cost <= more.lower_bound + 1e-9)
        bounds[rule] = (first.lower_bound, more.lower_bound)
    assert bounds["own_visitor"][1] == pytest.approx(bounds["own_visitor"][0])
    assert bounds["first_free"][1] > bounds["first_free"][0] + 1e-9
