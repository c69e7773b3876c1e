"""Cost per visitor: the engine against a bare SimPy model and Ciw on the same M/M/c queue.

One zone with c = 10 windows, exponential service (mean 0.2 min) and Poisson arrivals
at load rho = 0.85, open 00:00-24:00: about 61,000 visitors per run. The three models
simulate the same queue (mean waits are printed next to the Erlang C value); each is
timed in several interleaved rounds and the median CPU cost per visitor is reported
(CPU time of this process, so other jobs on a shared machine disturb it less; wall
time is printed too).

* engine: ``sim.runner.run_replication`` (draw the day's visitors + event loop + day record);
* bare SimPy: the textbook model, an arrival process plus one process per customer
  that requests a ``simpy.Resource``, times out and releases; times drawn up front with NumPy;
* Ciw: ``ciw.Simulation(...).simulate_until_max_time`` (skipped when not installed).

A second table splits the engine's cost between the event loop and the results
post-processing: ``run_replication`` vs ``sim.simulate(workers=1)`` vs ``sim.simulate`` plus
every KPI summary and the visits table.

Run: ``python3 bench/engine_vs_simpy.py [--quick]``.
"""

from __future__ import annotations

import argparse

import numpy as np
import simpy
from common import LOOP, Goal, engine_stages, interleaved, median, print_goals, print_table, us

import sim
from sim.model.compiled import compile_hall
from sim.runner import run_replication

C = 10
RHO = 0.85
MEAN_SERVICE = 0.2  # minutes
LAM = RHO * C / MEAN_SERVICE  # arrivals per minute
HORIZON = 1440.0  # minutes, 00:00-24:00


def mmc_scenario() -> sim.Scenario:
    return sim.scenario_from_dict({
        "name": f"M/M/{C} at rho {RHO}",
        "hours": {"open": "00:00", "close": "24:00"},
        "period_minutes": 30,
        "zones": [{"id": "z", "windows": C, "staff": C}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": LAM * 60},
                      "service_time": {"dist": "exponential", "mean": MEAN_SERVICE}}],
    })


def erlang_c_wait(lam: float, mean_service: float, c: int) -> float:
    """Mean wait in queue of M/M/c (minutes)."""
    a = lam * mean_service
    rho = a / c
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    top = term * a / c / (1 - rho)  # a^c / c! / (1 - rho)
    prob_wait = top / (total + top)
    return prob_wait * mean_service / (c - a)


def run_engine(hall, seed: int) -> tuple[int, float]:
    rec = run_replication(hall, seed, 0)
    served = rec.outcome == 2
    return len(rec.visitor), float(np.mean(rec.start[served] - rec.arrival[served]))


def run_bare_simpy(seed: int) -> tuple[int, float]:
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1 / LAM, int(LAM * HORIZON * 1.1) + 1000))
    times = times[times < HORIZON]
    services = rng.exponential(MEAN_SERVICE, len(times))
    env = simpy.Environment()
    windows = simpy.Resource(env, capacity=C)
    waits: list[float] = []

    def customer(env, service_time):
        arrived = env.now
        with windows.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service_time)

    def source(env):
        for t, s in zip(times.tolist(), services.tolist()):
            yield env.timeout(t - env.now)
            env.process(customer(env, s))

    env.process(source(env))
    env.run()
    return len(times), float(np.mean(waits))


def run_ciw(ciw, seed: int) -> tuple[int, float]:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
        service_distributions=[ciw.dists.Exponential(rate=1 / MEAN_SERVICE)],
        number_of_servers=[C],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(HORIZON)
    records = q.get_all_records()
    return len(records), float(np.mean([r.waiting_time for r in records]))


def per_visitor(timings) -> tuple[float, float]:
    """Median CPU and wall seconds per visitor over runs returning ``(visitors, mean_wait)``."""
    return (median([t.cpu / t.value[0] for t in timings]), median([t.wall / t.value[0] for t in timings]))


def post_processing(hall, scenario, replications: int, rounds: int) -> list[list[str]]:
    """Event loop alone vs simulate vs simulate + every summary and the visits table."""
    stages = engine_stages(hall, scenario, replications)
    n = sum(len(r.visitor) for r in stages[LOOP](0))
    runs = interleaved(stages, rounds)
    t_loop = median([t.cpu for t in runs[LOOP]])
    rows = []
    for name, timings in runs.items():
        t = median([x.cpu for x in timings])
        rows.append([name, f"{t:.3f}", us(t / n), f"{t / t_loop:.2f}", f"{max(0.0, t - t_loop) / t:.0%}"])
    return rows


def main(quick: bool = False) -> list[Goal]:
    rounds = 3 if quick else 5
    scenario = mmc_scenario()
    hall = compile_hall(scenario)
    run_engine(hall, 99)  # warm up imports and caches
    contenders = {"engine": lambda s: run_engine(hall, s), "bare SimPy": run_bare_simpy}
    try:
        import ciw
    except ImportError:
        ciw = None
    if ciw is not None:
        contenders["Ciw"] = lambda s: run_ciw(ciw, s)
    timings = interleaved(contenders, rounds)
    cost = {name: per_visitor(t) for name, t in timings.items()}
    engine = cost["engine"][0]
    theory = erlang_c_wait(LAM, MEAN_SERVICE, C)
    rows = []
    for name, runs in timings.items():
        visitors = int(np.mean([t.value[0] for t in runs]))
        wait = float(np.mean([t.value[1] for t in runs]))
        cpu, wall = cost[name]
        rows.append([name, f"{visitors:,}", us(cpu), us(wall), f"{cpu / engine:.2f}", f"{wait * 60:.2f} s"])
    rows.append(["Erlang C (exact)", "", "", "", "", f"{theory * 60:.2f} s"])
    print_table(f"M/M/{C}, rho {RHO}, mean service {MEAN_SERVICE} min, {HORIZON:g}-minute day: "
                f"median of {rounds} interleaved runs per model",
                ["model", "visitors/run", "CPU per visitor", "wall per visitor", "÷ engine (CPU)", "mean wait"], rows)

    reps = 2 if quick else 3
    print_table(f"Engine cost split, same hall, R = {reps} replications: median CPU seconds of {rounds} interleaved runs",
                ["what", "CPU s", "per visitor", "÷ loop", "post-processing share"],
                post_processing(hall, scenario, reps, rounds))

    simpy_ratio = engine / cost["bare SimPy"][0]
    goals = [Goal("engine vs bare SimPy per visitor", "≤ 1.35×", f"{simpy_ratio:.2f}×", simpy_ratio <= 1.35)]
    if ciw is not None:
        ciw_ratio = cost["Ciw"][0] / engine
        goals.append(Goal("engine faster than Ciw", "≥ 2×", f"{ciw_ratio:.2f}×", ciw_ratio >= 2))
    else:
        goals.append(Goal("engine faster than Ciw", "≥ 2×", "Ciw not installed", False))
    return goals


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    print_goals(main(parser.parse_args().quick))
