"""Exact traces that can be worked out by hand."""

import numpy as np

from sim.model.hall import ABANDONED, BALKED, SERVED
from tests.helpers import hall, rel, run_trace


def test_fifo_single_window_deterministic():
    plan, rec = run_trace(hall(), arrivals=[0, 1, 2], works=[5, 5, 5])
    assert rel(rec.start, plan) == [0, 5, 10]
    assert rel(rec.end, plan) == [5, 10, 15]
    assert list(rec.start - rec.arrival) == [0, 4, 8]
    assert list(rec.window) == [0, 0, 0]


def test_two_windows_take_visitors_in_arrival_order():
    data = hall(zones=[{"id": "z", "windows": 2, "staff": 2}])
    plan, rec = run_trace(data, arrivals=[0, 1, 2, 3], works=[10, 4, 3, 1])
    # w0: v0 0-10; w1: v1 1-5, v2 5-8, v3 8-9
    assert rel(rec.start, plan) == [0, 1, 5, 8]
    assert rel(rec.end, plan) == [10, 5, 8, 9]
    assert list(rec.window) == [0, 1, 1, 1]


def test_window_opening_at_period_boundary_takes_next_visitor_at_once():
    data = hall(zones=[{"id": "z", "windows": 2, "staff": [1, 2]}])
    plan, rec = run_trace(data, arrivals=[0, 1, 2, 3], works=[40, 40, 40, 40])
    # v0 0-40 on w0; at 30 w1 opens and takes v1 (30-70); v2 on w0 40-80; v3 on w1 70-110.
    assert rel(rec.start, plan) == [0, 30, 40, 70]
    assert rel(rec.end, plan) == [40, 70, 80, 110]


def test_closing_window_finishes_current_visitor_first():
    data = hall(zones=[{"id": "z", "windows": 2, "staff": [2, 1]}])
    plan, rec = run_trace(data, arrivals=[0, 0, 1], works=[40, 40, 10])
    # At 30 both windows are busy: one closes when it finishes at 40, the other takes v2.
    assert rel(rec.start, plan) == [0, 0, 40]
    assert rel(rec.end, plan) == [40, 40, 50]
    levels = rec.levels[0]
    # staffed windows: 2 during the first period, 2 during 30-40 then 1 until 60
    assert levels[0, 3] == 60.0
    assert levels[1, 3] == 2 * 10 + 1 * 20


def test_idle_window_closes_at_once_when_staff_falls():
    data = hall(zones=[{"id": "z", "windows": 2, "staff": [2, 1]}])
    plan, rec = run_trace(data, arrivals=[35, 36], works=[10, 10])
    # Only one window from 30 on: v1 waits for v0.
    assert rel(rec.start, plan) == [35, 45]


def test_no_tickets_after_closing_and_queue_served_in_overtime():
    plan, rec = run_trace(hall(), arrivals=[50, 55], works=[20, 20])
    assert rel(rec.end, plan) == [70, 90]
    assert rec.zone_last_end[0] - plan.close == 30  # overtime
    assert rec.levels[0, -1, 4] == 30  # after-close bucket length


def test_zero_staff_at_closing_gets_one_window_for_those_waiting():
    data = hall(zones=[{"id": "z", "windows": 1, "staff": [1, 0]}])
    plan, rec = run_trace(data, arrivals=[40], works=[5])
    assert rel(rec.start, plan) == [60]  # nobody until closing, then one window serves the queue


def test_abandonment_at_known_patience():
    plan, rec = run_trace(hall(), arrivals=[0, 1, 2], works=[30, 5, 5], patience=[np.inf, 10, 100])
    assert list(rec.outcome) == [SERVED, ABANDONED, SERVED]
    assert rel(rec.end, plan)[1] == 11  # left after waiting 10
    assert rel(rec.start, plan)[2] == 30
    assert np.isnan(rec.start[1])


def test_priority_then_first_come_first_served():
    services = [
        {"id": "normal", "zone": "z", "arrivals": {"rate_per_hour": 1}, "service_time": {"dist": "deterministic", "value": 1}, "priority": 1},
        {"id": "green", "zone": "z", "arrivals": {"rate_per_hour": 1}, "service_time": {"dist": "deterministic", "value": 1}, "priority": 0},
    ]
    plan, rec = run_trace(hall(services=services), arrivals=[0, 1, 2, 3], works=[10, 1, 1, 1], services=[0, 0, 1, 0])
    # After v0, the green-channel v2 goes first, then v1 and v3 in arrival order.
    assert rel(rec.start, plan) == [0, 11, 10, 12]


def test_balking_at_queue_limit():
    data = hall(zones=[{"id": "z", "windows": 1, "staff": 1, "queue_limit": 1}])
    plan, rec = run_trace(data, arrivals=[0, 1, 2, 12], works=[10, 10, 10, 1])
    # v0 served, v1 waits (queue 1), v2 finds 1 waiting and balks, v3 finds v1 in service and nobody waiting.
    assert list(rec.outcome) == [SERVED, SERVED, BALKED, SERVED]
    assert rel(rec.start, plan) == [0, 10, None, 20]


def test_time_weighted_queue_length_is_exact():
    plan, rec = run_trace(hall(), arrivals=[0, 1, 2], works=[5, 5, 5])
    # queue: 1 waiting on [1,2), 2 on [2,5), 1 on [5,10): area 1 + 6 + 5 = 12 in period 0
    assert rec.levels[0, 0, 0] == 12
    assert rec.levels[0, 0, 1] == 2  # max queue
    assert rec.levels[0, 0, 2] == 15  # busy window-minutes


def test_draw_visitors_never_arrive_after_closing():
    from sim import scenario_from_dict
    from sim.model.compiled import compile_hall
    from sim.model.visitors import draw_visitors

    plan = compile_hall(scenario_from_dict(hall(services=[{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 600},
                                                             "service_time": {"dist": "exponential", "mean": 1}}])))
    v = draw_visitors(plan, seed=1, replication=0)
    assert len(v) > 400
    assert v.arrival.min() >= plan.open and v.arrival.max() < plan.close
    assert np.all(np.diff(v.arrival) >= 0)
