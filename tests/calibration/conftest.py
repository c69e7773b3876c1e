"""Shared helpers for calibration tests: the real log's location and a synthetic log
generator that does not depend on the simulation engine."""

from __future__ import annotations

import csv
import heapq
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
BANK_LOG = REPO / "data" / "anonymous_bank" / "calls_1999_02.tsv.gz"  # shipped, read compressed
SHARED_LOG = REPO.parent / "shared" / "data" / "anonymous_bank" / "calls_1999_02.tsv"
BANK_FORMAT = REPO / "scenarios" / "anonymous_bank" / "log_format.yaml"


def simulate_day(rng, rates_per_hour, period_minutes, open_minute, staff, service_mean, service_cv, patience_mean):
    """One day of a FCFS multi-server queue with impatient visitors, simulated with a heap.

    Arrivals are Poisson with rate *rates_per_hour[p]* in period *p*; service
    times lognormal (*service_mean*, *service_cv*, minutes); patience
    exponential (*patience_mean*; None for no abandonment); *staff[p]* agents
    on duty in period *p* (agent i is on duty when i < staff[p]; an agent going
    off duty finishes its visitor first).  Agents keep serving the queue after
    closing until it is empty.  Returns visits as dicts with times in minutes.
    """
    n_periods = len(rates_per_hour)
    close = open_minute + n_periods * period_minutes
    sigma2 = np.log1p(service_cv**2)
    mu = np.log(service_mean) - sigma2 / 2

    arrivals = []
    for p, rate in enumerate(rates_per_hour):
        k = rng.poisson(rate * period_minutes / 60)
        arrivals.extend(np.sort(rng.uniform(0, period_minutes, k)) + open_minute + p * period_minutes)

    def on_duty(agent, t):
        p = min(int((t - open_minute) // period_minutes), n_periods - 1)
        return agent < staff[p]

    n_agents = max(staff)
    free = set(range(n_agents))
    queue: list[int] = []  # FCFS indices into visits
    visits = []
    events = []  # (time, order, kind, payload); order makes ties deterministic
    order = 0
    for t in arrivals:
        events.append((t, order, "arrive", None))
        order += 1
    for p in range(1, n_periods):
        events.append((open_minute + p * period_minutes, order, "shift", None))
        order += 1
    heapq.heapify(events)

    def start_service(i, agent, t):
        nonlocal order
        v = visits[i]
        v.update(start=t, agent=f"A{agent:02d}", outcome="served", wait=t - v["arrival"])
        v["end"] = t + rng.lognormal(mu, np.sqrt(sigma2))
        heapq.heappush(events, (v["end"], order, "done", agent))
        order += 1

    def next_waiting(t):
        # Visitors whose patience ran out before t abandoned at arrival + patience.
        while queue:
            i = queue.pop(0)
            v = visits[i]
            if v["deadline"] > t:
                return i
            v.update(outcome="abandoned", wait=v["deadline"] - v["arrival"])
        return None

    def dispatch(t):
        for agent in sorted(free):
            if not on_duty(agent, t):
                continue
            i = next_waiting(t)
            if i is None:
                return
            free.discard(agent)
            start_service(i, agent, t)

    while events:
        t, _, kind, payload = heapq.heappop(events)
        if kind == "arrive":
            patience = rng.exponential(patience_mean) if patience_mean else np.inf
            visits.append({"arrival": t, "deadline": t + patience})
            queue.append(len(visits) - 1)
        elif kind == "done":
            free.add(payload)
        dispatch(t)
    # Whoever is still queued after the last event gave up (cannot happen with staff > 0).
    while next_waiting(np.inf) is not None:
        pass
    assert all("outcome" in v for v in visits) and close > open_minute
    return visits


def clock(minutes: float) -> str:
    """``H:MM:SS`` for minutes since midnight (rounded to the second)."""
    s = int(round(minutes * 60))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def write_synthetic_log(path: Path, days: list[tuple[str, list[dict]]]) -> None:
    """Write visits as a semicolon-separated log in the style of a hall ticketing system."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["day", "ticket_time", "call_time", "end_time", "counter", "status", "kind"])
        for day, visits in days:
            for v in visits:
                served = v["outcome"] == "served"
                out.writerow(
                    [
                        day,
                        clock(v["arrival"]),
                        clock(v["start"]) if served else "--",
                        clock(v["end"]) if served else clock(v["arrival"] + v["wait"]),
                        v["agent"] if served else "--",
                        "DONE" if served else "NOSHOW",
                        v.get("kind", "general"),
                    ]
                )


SYNTHETIC_FORMAT = """\
delimiter: ";"
columns:
  date: day
  ticket: ticket_time
  call: call_time
  end: end_time
  abandon: end_time
  agent: counter
  outcome: status
  service: kind
time_format: "H:MM:SS"
date_format: "%Y-%m-%d"
missing: ["--"]
outcomes: {served: DONE, abandoned: NOSHOW}
days: {weekdays: [Mon, Tue, Wed, Thu, Fri]}
hours: {open: "08:00", close: "16:00"}
fit: {period_minutes: 60}
"""


@pytest.fixture
def bank_log() -> Path:
    if not BANK_LOG.exists():
        pytest.skip(f"real log not present at {BANK_LOG}")
    return BANK_LOG
