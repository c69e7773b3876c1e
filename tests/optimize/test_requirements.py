"""Target parsing and per-period requirements."""

import math

import pandas as pd
import pytest

from optimize import (
    Target,
    erlang_a,
    erlang_c,
    erlang_c_service_level,
    min_servers,
    min_servers_erlang_c,
    parse_target,
    parse_targets,
    period_offered_loads,
    requirements_by_zone,
    staffing_requirements,
)


@pytest.mark.parametrize("text,target", [
    ("wait<=15@80%", Target("service_level", 15.0, 0.8)),
    (" wait <= 15 @ 80 % ", Target("service_level", 15.0, 0.8)),
    ("wait<=15min@0.8", Target("service_level", 15.0, 0.8)),
    ("wait<=0@90%", Target("service_level", 0.0, 0.9)),
    ("mean_wait<=10", Target("mean_wait", 10.0)),
    ("mean_wait<=2.5min", Target("mean_wait", 2.5)),
    ("abandon<=5%", Target("abandon", fraction=0.05)),
    ("abandon<=0.05", Target("abandon", fraction=0.05)),
])
def test_parse(text, target):
    assert parse_target(text) == target
    assert Target.parse(text) == target
    assert parse_target(str(target)) == target


@pytest.mark.parametrize("text,message", [
    ("wait<=15@120%", r"percentage must be in \(0, 100\], got 120%"),
    ("wait<=15@0%", r"percentage must be in \(0, 100\], got 0%"),
    ("wait<=15@80", "a fraction without '%' must be <= 1, got 80"),
    ("abandon<=100%", r"percentage must be in \[0, 100\), got 100%"),
    ("wait<=15", "needs the share that must meet it"),
    ("queue<=20", "target must look like .* got 'queue<=20'"),
    ("", "got ''"),
    (15, "target must be a string"),
])
def test_parse_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_target(text)


def test_target_dataclass_checks():
    with pytest.raises(ValueError, match="kind must be one of"):
        Target("queue", 3.0)
    with pytest.raises(ValueError, match="needs fraction"):
        Target("service_level", 15.0)
    with pytest.raises(ValueError, match="takes no fraction"):
        Target("mean_wait", 5.0, 0.5)
    with pytest.raises(AttributeError):
        Target("mean_wait", 5.0).wait = 3  # frozen


def test_parse_targets_forms():
    both = parse_targets("wait<=15@80%, abandon<=5%")
    assert both == (Target("service_level", 15.0, 0.8), Target("abandon", fraction=0.05))
    assert parse_targets(["mean_wait<=3", Target("abandon", fraction=0.1)])[1].fraction == 0.1
    with pytest.raises(ValueError, match="at least one target"):
        parse_targets([])


def test_min_servers_meanings():
    lam, es = 2.0, 3.0
    # wait<=0@90% is a delay probability of at most 10 %
    assert min_servers(lam, es, "wait<=0@90%") == min_servers_erlang_c(
        lam, es, max_wait_probability=0.1)
    n = min_servers(lam, es, "wait<=1@80%")
    assert erlang_c_service_level(n, lam, es, 1) >= 0.8 > erlang_c_service_level(n - 1, lam, es, 1)
    # no abandonment without patience: the target is met by any stable staffing
    assert min_servers(lam, es, "abandon<=1%") == 0
    n = min_servers(lam, es, "abandon<=1%", mean_patience=5.0)
    assert erlang_a(n, lam, es, 5.0).p_abandon <= 0.01 < erlang_a(n - 1, lam, es, 5.0).p_abandon
    # two targets of one kind: both must hold
    assert min_servers(lam, es, ["wait<=1@80%", "wait<=5@95%"]) == max(
        min_servers(lam, es, "wait<=1@80%"), min_servers(lam, es, "wait<=5@95%"))


RATES = [0.5, 2.0, 1.0, 0.2, 0.0]


def test_sipp_is_per_period_stationary():
    got = staffing_requirements(RATES, period_minutes=30, mean_service=5,
                                targets="wait<=5@80%")
    assert got == [min_servers(r, 5, "wait<=5@80%") for r in RATES]
    assert got[-1] == 0


def test_methods_agree_for_a_stationary_hall():
    # constant demand already under way: every method gives the SIPP answer
    flat = [1.2] * 6
    kwargs = dict(period_minutes=30, mean_service=5, targets="wait<=2@80%", before=1.2)
    sipp = staffing_requirements(flat, **{k: v for k, v in kwargs.items() if k != "before"})
    assert staffing_requirements(flat, method="lag", **kwargs) == sipp
    assert staffing_requirements(flat, method="mol", **kwargs) == sipp


def test_lag_and_mol_follow_the_load():
    es = 20.0  # long services: demand for staff trails arrivals noticeably
    kwargs = dict(period_minutes=30, mean_service=es, targets="wait<=0@80%")
    mol = staffing_requirements(RATES, method="mol", **kwargs)
    loads = period_offered_loads(RATES, 30, es)
    # the period's mean offered load is staffed as a stationary queue of that load
    assert mol == [min_servers_erlang_c(load / es, es, max_wait_probability=0.2)
                   for load in loads]
    for n, load in zip(mol, loads):
        assert erlang_c(n, load) <= 0.2
    lag = staffing_requirements(RATES, method="lag", **kwargs)
    assert lag[-1] > 0  # the last period still has people from before
    with pytest.raises(ValueError, match="method must be one of"):
        staffing_requirements(RATES, method="peak", **kwargs)


def test_requirements_by_zone():
    frame = requirements_by_zone(
        {"tax": RATES, "housing_fund": [1.0] * 5}, period_minutes=30,
        mean_service={"tax": 6.0, "housing_fund": 4.0},
        targets={"tax": "wait<=15@80%", "housing_fund": "mean_wait<=3"},
        mean_patience={"tax": 20.0, "housing_fund": math.inf})
    assert list(frame.index) == ["tax", "housing_fund"]
    assert list(frame.columns) == [0, 1, 2, 3, 4]
    assert frame.loc["tax"].tolist() == staffing_requirements(
        RATES, period_minutes=30, mean_service=6.0, targets="wait<=15@80%", mean_patience=20.0)
    assert isinstance(frame, pd.DataFrame)
    with pytest.raises(ValueError, match="mean_service has no entry for zone 'tax'"):
        requirements_by_zone({"tax": RATES}, period_minutes=30, mean_service={"x": 1.0},
                             targets="mean_wait<=3")
