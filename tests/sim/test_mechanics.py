"""Hall mechanics from the seed documents, each checked on a small controlled hall."""

import numpy as np
import pytest

import sim
from sim.stats import mean_ci
from tests import oracles
from tests.sim.test_oracles import assert_in_ci

EXP = {"dist": "exponential", "mean": 6.0}


def build(zones, services, open="00:00", close="24:00", period=60, **extra):
    data = {"name": "mechanics", "hours": {"open": open, "close": close}, "period_minutes": period,
            "zones": zones, "services": services}
    data.update(extra)
    return sim.scenario_from_dict(data)


def svc(id, zone, rate, service=EXP, **extra):
    return {"id": id, "zone": zone, "arrivals": {"rate_per_hour": rate}, "service_time": service, **extra}


def per_day(results, fn, warmup=120.0):
    v = results.visits
    v = v[v.arrival >= warmup]
    return np.array([fn(g) for _, g in v.groupby("replication")])


# -- pooling (一窗受理) ------------------------------------------------------------

def split_and_pooled(c, rate, speed=1.0):
    services = [svc("a1", "a", rate), svc("b1", "b", rate)]
    split = build([{"id": "a", "windows": c, "staff": c}, {"id": "b", "windows": c, "staff": c}], services)
    pooled = build([{"id": "a", "windows": 0, "staff": 0}, {"id": "b", "windows": 0, "staff": 0},
                    {"id": "comp", "windows": 2 * c, "staff": 2 * c, "serves": ["a", "b"], "speed": speed}], services)
    return split, pooled


def test_pooled_windows_wait_less_than_split_windows_and_match_mmc():
    c, rate = 2, 16.0  # per service: λ = 16/h, E[S] = 6 min -> load 1.6 on 2 windows (ρ = 0.8)
    split, pooled = split_and_pooled(c, rate)
    rs = sim.simulate(split, replications=30, seed=21, workers=1)
    rp = sim.simulate(pooled, replications=30, seed=21, workers=1)
    lam = rate / 60
    assert_in_ci(per_day(rs, lambda g: g.wait.mean()), oracles.mmc_mean_wait(c, lam, 6.0))
    assert_in_ci(per_day(rp, lambda g: g.wait.mean()), oracles.mmc_mean_wait(2 * c, 2 * lam, 6.0))
    assert set(rp.visits.window.str.split("-").str[0]) == {"comp"}
    diff = sim.compare(rs, rp).differences("overall").set_index("kpi")
    assert diff.loc["mean_wait", "high"] < 0  # pooled is better, significantly


def test_a_slow_generalist_reverses_the_pooling_gain():
    c, rate, speed = 2, 16.0, 1.2  # pooled windows 20% slower: ρ = 0.96 on 4 windows
    lam = rate / 60
    assert oracles.mmc_mean_wait(2 * c, 2 * lam, 6.0 * speed) > oracles.mmc_mean_wait(c, lam, 6.0)
    split, pooled = split_and_pooled(c, rate, speed)
    rs = sim.simulate(split, replications=30, seed=22, workers=1)
    rp = sim.simulate(pooled, replications=30, seed=22, workers=1)
    diff = sim.compare(rs, rp).differences("overall").set_index("kpi")
    assert diff.loc["mean_wait", "low"] > 0  # now pooling is worse, significantly


def test_own_first_dispatch_and_reserve():
    # Zone a's windows serve b's queue too; with own_first they always prefer a's visitors.
    services = [svc("a1", "a", 30), svc("b1", "b", 30)]
    zones = [{"id": "a", "windows": 3, "staff": 3, "serves": ["b"], "dispatch": "own_first"},
             {"id": "b", "windows": 1, "staff": 1}]
    r = sim.simulate(build(zones, services, close="04:00"), replications=10, seed=23, workers=1)
    v = r.visits
    helped = v[(v.zone == "b") & v.window.astype(str).str.startswith("a-")]
    assert len(helped) > 0  # a helps b ...
    # ... but never while one of its own visitors was waiting: check at each helped start.
    for rep, g in v.groupby("replication"):
        own = g[g.zone == "a"]
        for t in helped[helped.replication == rep].start:
            waiting = ((own.arrival < t) & ((own.start > t) | own.start.isna())).sum()
            assert waiting == 0
    # A reserve keeps one of zone r's two windows for service x only.
    zones = [{"id": "r", "windows": 2, "staff": 2, "reserve": {"service": "x", "windows": 1}}]
    services = [svc("x", "r", 2), svc("y", "r", 20)]
    r = sim.simulate(build(zones, services, close="04:00"), replications=5, seed=24, workers=1)
    v = r.visits
    y_busy = v[v.service == "y"]
    # y visitors never occupy both windows at once while the hall is open (the reserve
    # ends at closing, when the kept window serves whoever is still waiting)
    close = r.scenario.close_minute
    for _, g in y_busy.groupby("replication"):
        g = g[g.start < close]
        ev = sorted([(s, 1) for s in g.start.dropna()] + [(min(e, close), -1) for e in g.end.dropna()],
                    key=lambda x: (x[0], x[1]))
        level = max(np.cumsum([d for _, d in ev])) if ev else 0
        assert level <= 1


# -- bundles (高效办成一件事) -------------------------------------------------------

def bundle_hall(mode):
    zones = [{"id": "birth", "windows": 2, "staff": 2, "floor": 1}, {"id": "police", "windows": 2, "staff": 2, "floor": 2},
             {"id": "insure", "windows": 2, "staff": 2, "floor": 3}, {"id": "one", "windows": 2, "staff": 2}]
    services = [svc("cert", "birth", 4, {"dist": "gamma", "mean": 8, "cv": 0.5}),
                svc("hukou", "police", 4, {"dist": "gamma", "mean": 10, "cv": 0.5}),
                svc("card", "insure", 4, {"dist": "gamma", "mean": 6, "cv": 0.5})]
    bundle = {"id": "newborn", "services": ["cert", "hukou", "card"], "arrivals": {"rate_per_hour": 4}, "mode": mode,
              "window_zone": "one", "reduction": 0.5}
    return build(zones, services, close="08:00", bundles=[bundle], walking={"same_floor": 1, "per_floor": 2})


def test_bundle_one_window_joins_one_queue_and_visit_each_adds_up():
    each = sim.simulate(bundle_hall("visit_each"), replications=6, seed=25, workers=1)
    one = sim.simulate(bundle_hall("one_window"), replications=6, seed=25, workers=1)
    vo = one.visitors[one.visitors.bundle == "newborn"]
    assert len(vo) > 0 and (vo.queues_joined == 1).all()
    ve = each.visitors[each.visitors.bundle == "newborn"]
    done = ve[ve.all_served & (ve.queues_joined == 3)]
    assert len(done) > 0
    visits = each.visits[each.visits.bundle == "newborn"]
    walk = (1 + 2 * 1) + (1 + 2 * 1)  # floor 1 -> 2 -> 3
    for (rep, vid), g in visits.groupby(["replication", "visitor"]):
        row = done[(done.replication == rep) & (done.visitor == vid)]
        if row.empty:
            continue
        service = (g.end - g.start).sum()
        time_in_hall = float(row.time_in_hall.iloc[0])
        assert time_in_hall >= service + walk - 1e-9
        assert time_in_hall == pytest.approx(service + walk + g.wait.sum())
    # Same visitors and the same part times in both modes: one window takes half their sum.
    assert len(vo) == len(ve)
    summary = one.bundle_summary().set_index(["bundle", "kpi"])
    assert summary.loc[("newborn", "queues_joined"), "mean"] == 1


# -- appointments (预约) ---------------------------------------------------------

def appointment_hall(no_show=0.0, punctuality=None, mode="priority", extra_zone=None):
    appt = {"share": 0.4, "slot_minutes": 15, "per_slot": 50, "no_show": no_show, "mode": mode}
    if punctuality:
        appt["punctuality"] = punctuality
    zones = [{"id": "z", "windows": 4, "staff": 4}] + ([extra_zone] if extra_zone else [])
    return build(zones, [svc("s", "z", 24, appointments=appt)], open="08:00", close="16:00", period=30)


def test_no_shows_reduce_booked_arrivals_by_the_stated_share():
    r = sim.simulate(appointment_hall(no_show=0.25), replications=60, seed=26, workers=1)
    booked = r.visits.groupby("replication")["class"].apply(lambda c: (c == "booked").sum()).to_numpy()
    assert_in_ci(booked, 24 * 8 * 0.4 * 0.75)
    no_shows = r.diverted[:, 1, 0]
    assert_in_ci(no_shows, 24 * 8 * 0.4 * 0.25)


def test_punctuality_shifts_booked_arrivals_by_its_distribution():
    r = sim.simulate(appointment_hall(punctuality={"dist": "deterministic", "value": 3}), replications=3, seed=27, workers=1)
    b = r.visits[r.visits["class"] == "booked"]
    assert np.allclose((b.arrival - 3 - 8 * 60) % 15, 0)  # slot start + 3 minutes, exactly
    r = sim.simulate(appointment_hall(punctuality={"dist": "normal", "mean": -2, "sd": 1.5}), replications=20, seed=27, workers=1)
    b = r.visits[r.visits["class"] == "booked"]
    offset = (b.arrival - 8 * 60 + 7.5) % 15 - 7.5  # distance to the nearest slot start
    per_rep = offset.groupby(b.replication).mean().to_numpy()
    assert_in_ci(per_rep, -2.0)
    assert abs(offset.std() - 1.5) < 0.1


def test_reserved_windows_serve_only_booked_visitors():
    r = sim.simulate(appointment_hall(mode="reserved", extra_zone={"id": "appt", "windows": 1, "staff": 1, "serves": ["s.booked"]}),
                     replications=4, seed=28, workers=1)
    v = r.visits[r.visits.outcome == "served"]
    at_reserved = v[v.window.astype(str).str.startswith("appt-")]
    assert len(at_reserved) > 0 and (at_reserved["class"] == "booked").all()
    assert (v[v["class"] == "booked"].window.astype(str).str.startswith("appt-")).all()


def test_booked_visitors_are_served_before_walk_ins():
    r = sim.simulate(appointment_hall(), replications=10, seed=29, workers=1)
    walk = per_day(r, lambda g: g[g["class"] == "walk_in"].wait.mean(), warmup=0)
    booked = per_day(r, lambda g: g[g["class"] == "booked"].wait.mean(), warmup=0)
    assert mean_ci(walk - booked)[1] > 0


# -- online and self-service diversion ------------------------------------------

def test_online_share_removes_exactly_those_visitors_and_the_rest_are_unchanged():
    base = build([{"id": "z", "windows": 3, "staff": 3}], [svc("s", "z", 20)], close="08:00")
    online = build([{"id": "z", "windows": 3, "staff": 3}], [svc("s", "z", 20, online_share=0.3)], close="08:00")
    rb = sim.simulate(base, replications=40, seed=30, workers=1)
    ro = sim.simulate(online, replications=40, seed=30, workers=1)
    nb = rb.kpis("overall").visitors.to_numpy()
    no = ro.kpis("overall").visitors.to_numpy()
    assert np.array_equal(no + ro.diverted[:, 0, 0], nb)  # same base visitors, split exactly
    assert_in_ci(no / nb, 0.7)


def test_kiosk_failures_reappear_at_the_windows():
    zones = [{"id": "z", "windows": 3, "staff": 3}, {"id": "kiosks", "windows": 4, "staff": 4}]
    s = build(zones, [svc("s", "z", 30, kiosk={"share": 0.5, "zone": "kiosks", "failure": 0.2,
                                                "service_time": {"dist": "exponential", "mean": 3}})], close="08:00")
    r = sim.simulate(s, replications=30, seed=31, workers=1)
    v = r.visits
    at_kiosk = v[v.kind == "kiosk"]
    after = v[(v.step == 1) & (v.kind == "service")]
    # every window visit after a kiosk is by a visitor who was at a kiosk first
    keys = set(zip(at_kiosk.replication, at_kiosk.visitor))
    assert all(k in keys for k in zip(after.replication, after.visitor))
    ratio = per_day(r, lambda g: ((g.step == 1) & (g.kind == "service")).sum() / max((g.kind == "kiosk").sum(), 1), warmup=0)
    assert_in_ci(ratio, 0.2)


# -- back office and pick-up ------------------------------------------------------

def test_back_office_pickup_and_return_visits():
    zones = [{"id": "z", "windows": 3, "staff": 3}, {"id": "pickup", "windows": 1, "staff": 1}]
    bo = {"share": 0.4, "pickup": "same_day", "pickup_zone": "pickup", "delay": {"dist": "deterministic", "value": 60},
          "pickup_time": {"dist": "deterministic", "value": 2}}
    s = build(zones, [svc("s", "z", 20, back_office=bo, missing_materials=0.1)], open="08:00", close="12:00", period=30)
    r = sim.simulate(s, replications=20, seed=32, workers=1)
    v = r.visits
    pick = v[v.kind == "pickup"]
    first = v[v.step == 0].set_index(["replication", "visitor"])
    prev_end = first.loc[list(zip(pick.replication, pick.visitor)), "end"].to_numpy()
    assert np.allclose(pick.arrival.to_numpy(), prev_end + 60)  # back after exactly the delay
    assert (pick.arrival < 12 * 60).all()  # nobody picks up after closing ...
    visitors = r.visitors
    late = visitors[(visitors.return_visits > 0)]
    assert len(late) > 0  # ... those are return visits, as are missing materials
    accept = build(zones, [svc("s", "z", 20, back_office={**bo, "share": 0.0}, missing_materials=0.1)],
                   open="08:00", close="12:00", period=30, accept_with_deficiencies=True)
    ra = sim.simulate(accept, replications=20, seed=32, workers=1)
    assert ra.visitors.return_visits.sum() == 0


# -- priority classes ----------------------------------------------------------------

def test_green_channel_waits_less():
    s = build([{"id": "z", "windows": 2, "staff": 2}], [svc("s", "z", 18, green_share=0.1)], close="08:00")
    r = sim.simulate(s, replications=20, seed=33, workers=1)
    green = per_day(r, lambda g: g[g["class"] == "green"].wait.mean(), warmup=0)
    walk = per_day(r, lambda g: g[g["class"] == "walk_in"].wait.mean(), warmup=0)
    ok = ~np.isnan(green)
    assert mean_ci(walk[ok] - green[ok])[1] > 0
    # A configurable order: walk-ins first makes the green channel wait longer instead.
    s2 = build([{"id": "z", "windows": 2, "staff": 2}], [svc("s", "z", 18, green_share=0.1)], close="08:00",
               priority_order=["walk_in", "booked", "green"])
    r2 = sim.simulate(s2, replications=20, seed=33, workers=1)
    green2 = per_day(r2, lambda g: g[g["class"] == "green"].wait.mean(), warmup=0)
    ok2 = ~np.isnan(green2)
    assert np.nanmean(green2[ok2]) > np.nanmean(green[ok])


# -- guide desk (导办) ----------------------------------------------------------------

def test_guide_desk_first_and_misdirected_share():
    zones = [{"id": "guide", "windows": 2, "staff": 2}, {"id": "a", "windows": 3, "staff": 3}, {"id": "b", "windows": 3, "staff": 3}]
    s = build(zones, [svc("sa", "a", 20), svc("sb", "b", 20)], close="08:00",
              guide_desk={"zone": "guide", "service_time": {"dist": "exponential", "mean": 1}, "misdirected": 0.1})
    r = sim.simulate(s, replications=20, seed=34, workers=1)
    v = r.visits
    assert (v[v.step == 0].kind == "guide").all()
    wrong = v[v.kind == "misdirected"]
    assert set(zip(wrong.zone.astype(str), wrong.service.astype(str))) <= {("a", "sb"), ("b", "sa")}
    share = per_day(r, lambda g: (g.kind == "misdirected").sum() / (g.kind == "guide").sum(), warmup=0)
    assert_in_ci(share, 0.1)


# -- people and shifts ---------------------------------------------------------------

def shift_hall(earliest, latest):
    people = [{"id": "tax", "count": 3, "start": "08:00", "end": "17:00", "zones": ["z"],
               "lunch": {"minutes": 60, "earliest": earliest, "latest": latest}}]
    return build([{"id": "z", "windows": 3}], [svc("s", "z", 10)], open="08:00", close="17:00", period=30, people=people)


def test_staggered_lunches_keep_windows_open_at_noon():
    closed = sim.simulate(shift_hall("12:00", "12:00"), replications=2, seed=35, workers=1)
    stagger = sim.simulate(shift_hall("11:00", "13:00"), replications=2, seed=35, workers=1)
    lc = closed.levels[(closed.levels.replication == 0) & (closed.levels.period.isin(["12:00", "12:30"]))]
    ls = stagger.levels[(stagger.levels.replication == 0) & (stagger.levels.period.isin(["11:00", "12:00", "13:00"]))]
    # Everyone lunches at noon: windows only finish the visitor they had, then the zone is closed.
    assert np.allclose(lc.mean_staffed, lc.mean_busy) and lc.mean_staffed.iloc[-1] == 0
    assert (ls.mean_staffed >= 2 - 1e-9).all()  # lunches at 11:00, 12:00, 13:00: never fewer than two
    assert stagger.scenario.staff_per_period("z")[8] == 2  # 12:00-12:30 on the roster


# -- moving staff on alarm (一屏统览) ---------------------------------------------------

def alarm_hall(alarm=None):
    zones = [{"id": "busy", "windows": 6, "staff": 2}, {"id": "quiet", "windows": 6, "staff": 4, "can_help": ["busy"]}]
    services = [svc("b", "busy", 26, {"dist": "exponential", "mean": 6}), svc("q", "quiet", 6)]
    return build(zones, services, open="08:00", close="12:00", period=30, **({"alarm": alarm} if alarm else {}))


def test_moving_staff_on_alarm_cuts_the_overloaded_queue_and_respects_the_cap():
    alarm = {"threshold": 8, "check_every": 5, "switch_minutes": 3, "cooldown": 15, "max_moves": 2}
    off = sim.simulate(alarm_hall(), replications=30, seed=36, workers=1)
    on = sim.simulate(alarm_hall(alarm), replications=30, seed=36, workers=1)
    moves = on.moves[on.moves.kind == "move"]
    assert len(moves) > 0 and set(moves.from_zone) == {"quiet"} and set(moves.to_zone) == {"busy"}
    assert moves.groupby("replication").size().max() <= 2
    diff = sim.compare(off, on).differences("zone").set_index(["zone", "kpi"])
    assert diff.loc[("busy", "mean_wait"), "high"] < 0
    assert diff.loc[("busy", "max_queue"), "high"] < 0
    assert len(off.moves) == 0
