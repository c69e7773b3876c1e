"""schedule_shifts reaches known optima with HiGHS and CBC."""

import itertools

import pulp
import pytest
from scipy.optimize import linprog

from optimize import schedule_shifts
from optimize.roster_model import status_name

SOLVERS = ["HiGHS", "CBC"]

# Winston, Operations Research: Applications and Algorithms, post-office example:
# staff needed Mon..Sun, each worker works five consecutive days then has two off.
POST_OFFICE = [17, 13, 15, 19, 14, 16, 11]
FIVE_DAYS = {f"start_{d}": [1 if (t - d) % 7 < 5 else 0 for t in range(7)] for d in range(7)}


@pytest.mark.parametrize("solver", SOLVERS)
def test_post_office_optimum_is_23(solver):
    result = schedule_shifts(POST_OFFICE, FIVE_DAYS, {s: 1 for s in FIVE_DAYS}, solver=solver)
    assert result.status == "optimal"
    assert result.cost == 23
    assert result.total_staff == 23
    for t, need in enumerate(POST_OFFICE):
        assert sum(n for s, n in result.counts.items() if FIVE_DAYS[s][t]) >= need


def test_post_office_lp_relaxation_is_22_and_a_third():
    # the integrality gap the IP must close: LP bound 67/3
    a = [[-FIVE_DAYS[s][t] for s in FIVE_DAYS] for t in range(7)]
    lp = linprog([1] * 7, A_ub=a, b_ub=[-r for r in POST_OFFICE], method="highs")
    assert lp.fun == pytest.approx(67 / 3)


SMALL_REQ = [3, 4, 2, 5, 3, 1]
SMALL_COVER = {"A": [1, 1, 1, 0, 0, 0], "B": [0, 1, 1, 1, 1, 0], "C": [0, 0, 0, 1, 1, 1],
               "D": [1, 1, 1, 1, 1, 1], "E": [0, 0, 1, 1, 0, 0]}
SMALL_COST = {"A": 3.0, "B": 3.5, "C": 3.0, "D": 5.0, "E": 1.6}


def brute_force(req, cover, cost, top):
    names = list(cover)
    best = None
    for counts in itertools.product(range(top + 1), repeat=len(names)):
        if all(sum(n * cover[s][t] for n, s in zip(counts, names)) >= r
               for t, r in enumerate(req)):
            value = sum(n * cost[s] for n, s in zip(counts, names))
            if best is None or value < best:
                best = value
    return best


@pytest.mark.parametrize("solver", SOLVERS)
def test_small_instance_matches_brute_force(solver):
    expected = brute_force(SMALL_REQ, SMALL_COVER, SMALL_COST, max(SMALL_REQ))
    result = schedule_shifts(SMALL_REQ, SMALL_COVER, SMALL_COST, solver=solver)
    assert result.status == "optimal"
    assert result.cost == pytest.approx(expected)


@pytest.mark.parametrize("solver", SOLVERS)
def test_soft_coverage_reports_shortfall(solver):
    cover = {"morning": [1, 1, 0, 0], "noon": [0, 1, 1, 0]}  # nobody works period 3
    result = schedule_shifts([2, 1, 1, 3], cover, {"morning": 4, "noon": 4}, soft=True,
                             solver=solver)
    assert result.status == "understaffed"
    assert result.solver_status == "optimal"
    assert result.shortfall == (0, 0, 0, 3)
    assert dict(result.counts) == {"morning": 2, "noon": 1}
    assert result.cost == 12
    hard = schedule_shifts([2, 1, 1, 3], cover, {"morning": 4, "noon": 4}, solver=solver)
    assert hard.status == "infeasible"
    assert hard.counts == {}


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_is_accepted(solver):
    result = schedule_shifts(POST_OFFICE, FIVE_DAYS, {s: 1 for s in FIVE_DAYS},
                             solver=solver, time_limit=20)
    assert result.status in ("optimal", "feasible")
    assert result.cost == 23


def test_status_reads_both_pulp_fields():
    # PuLP reports status Optimal after a time limit; sol_status tells the truth.
    assert status_name(pulp.LpStatusOptimal, pulp.LpSolutionOptimal) == "optimal"
    assert status_name(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible) == "feasible"
    assert status_name(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible) == "infeasible"
    assert status_name(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound) == "not solved"
    assert status_name(pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded) == "unbounded"


def test_no_requirements_needs_nobody():
    result = schedule_shifts([0, 0], {"a": [1, 1]}, {"a": 2})
    assert result.status == "optimal"
    assert dict(result.counts) == {"a": 0}


@pytest.mark.parametrize("args,message", [
    (([1, -1], {"a": [1, 1]}, {"a": 1}), r"requirements\[1\] must be a whole number >= 0"),
    (([1, 1.5], {"a": [1, 1]}, {"a": 1}), r"requirements\[1\] must be a whole number"),
    (([1, 1], {"a": [1]}, {"a": 1}), "coverage\\['a'\\] has 1 periods, requirements have 2"),
    (([1, 1], {"a": [1, 2]}, {"a": 1}), "must hold only 0 and 1"),
    (([1, 1], {"a": [1, 1]}, {}), "costs has no entry for shift 'a'"),
    (([1, 1], {"a": [1, 1]}, {"a": 1, "b": 2}), "costs names shifts without coverage"),
])
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        schedule_shifts(*args)


def test_unknown_solver():
    with pytest.raises(ValueError, match="solver must be one of"):
        schedule_shifts([1], {"a": [1]}, {"a": 1}, solver="gurobi")
