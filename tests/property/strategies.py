"""Hypothesis strategies: small random scenarios that switch the hall's mechanics on and off."""

from __future__ import annotations

from hypothesis import strategies as st

from sim.clock import format_clock

OPEN = 8 * 60


def _dist(draw, mean_max=10.0):
    kind = draw(st.sampled_from(["exponential", "lognormal", "gamma", "deterministic", "uniform"]))
    mean = draw(st.floats(0.2, mean_max))
    if kind == "exponential":
        return {"dist": kind, "mean": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(st.floats(0.05, 2.0))}
    if kind == "deterministic":
        return {"dist": kind, "value": mean}
    return {"dist": kind, "low": 0.0, "high": 2 * mean}


@st.composite
def scenarios(draw) -> dict:
    """A scenario dict of 1-3 zones and 1-4 services with any mix of mechanics (may be invalid)."""
    period = draw(st.sampled_from([15, 30, 60]))
    n_periods = draw(st.integers(1, 6))
    close = OPEN + period * n_periods
    n_zones = draw(st.integers(1, 3))
    zone_ids = [f"z{i}" for i in range(n_zones)]
    use_people = draw(st.booleans()) and draw(st.booleans())
    zones = []
    for zid in zone_ids:
        windows = draw(st.integers(1, 3))
        z = {"id": zid, "windows": windows, "floor": draw(st.integers(1, 3))}
        if not use_people:
            z["staff"] = draw(st.one_of(st.integers(0, windows), st.lists(st.integers(0, windows), min_size=n_periods, max_size=n_periods)))
        if draw(st.booleans()):
            z["queue_limit"] = draw(st.integers(0, 6))
        if draw(st.booleans()):
            z["serves"] = draw(st.one_of(st.just("all"), st.lists(st.sampled_from(zone_ids), max_size=2, unique=True)))
            z["dispatch"] = draw(st.sampled_from(["longest_wait", "own_first"]))
        if draw(st.booleans()):
            z["speed"] = draw(st.floats(0.5, 2.0))
        z["can_help"] = draw(st.one_of(st.just("all"), st.lists(st.sampled_from(zone_ids), max_size=2, unique=True)))
        z["min_staff"] = draw(st.integers(0, 1))
        zones.append(z)
    n_services = draw(st.integers(1, 4))
    service_ids = [f"s{i}" for i in range(n_services)]
    services = []
    for sid in service_ids:
        s = {"id": sid, "zone": draw(st.sampled_from(zone_ids)),
             "arrivals": {"rate_per_hour": draw(st.floats(0, 30))}, "service_time": _dist(draw)}
        if draw(st.booleans()):
            s["patience"] = _dist(draw, 40.0)
        s["priority"] = draw(st.integers(0, 2))
        shares = draw(st.lists(st.floats(0, 0.3), min_size=3, max_size=3))
        if draw(st.booleans()):
            s["online_share"] = shares[0]
        if draw(st.booleans()):
            s["green_share"] = draw(st.floats(0, 0.5))
        if draw(st.booleans()):
            s["kiosk"] = {"share": shares[1], "zone": draw(st.sampled_from(zone_ids)), "service_time": _dist(draw, 5.0),
                          "failure": draw(st.floats(0, 1))}
        if draw(st.booleans()):
            s["appointments"] = {"share": shares[2], "slot_minutes": draw(st.sampled_from([10, 15, 30])),
                                 "per_slot": draw(st.integers(1, 3)), "no_show": draw(st.floats(0, 0.5)),
                                 "mode": "priority"}
            if draw(st.booleans()):
                s["appointments"]["punctuality"] = {"dist": "normal", "mean": draw(st.floats(-10, 10)), "sd": draw(st.floats(0.1, 5))}
        if draw(st.booleans()):
            pickup = draw(st.sampled_from(["same_day", "another_day", "post"]))
            s["back_office"] = {"share": draw(st.floats(0, 1)), "pickup": pickup}
            if pickup == "same_day":
                s["back_office"]["pickup_zone"] = draw(st.sampled_from(zone_ids))
                s["back_office"]["delay"] = _dist(draw, 60.0)
        if draw(st.booleans()):
            s["missing_materials"] = draw(st.floats(0, 0.5))
        services.append(s)
    data = {"name": "random hall", "hours": {"open": format_clock(OPEN), "close": format_clock(close)},
            "period_minutes": period, "target_wait": draw(st.floats(0, 30)),
            "zones": zones, "services": services,
            "walking": {"same_floor": draw(st.floats(0, 3)), "per_floor": draw(st.floats(0, 3))},
            "accept_with_deficiencies": draw(st.booleans())}
    for z in zones:
        if draw(st.booleans()) and draw(st.booleans()):
            z["reserve"] = {"service": draw(st.sampled_from(service_ids)), "windows": draw(st.integers(1, z["windows"]))}
    if draw(st.booleans()):
        data["bundles"] = [{"id": "b0", "services": draw(st.lists(st.sampled_from(service_ids), min_size=1, max_size=3, unique=True)),
                            "arrivals": {"rate_per_hour": draw(st.floats(0, 10))},
                            "mode": draw(st.sampled_from(["visit_each", "one_window"])),
                            "window_zone": draw(st.sampled_from(zone_ids)), "reduction": draw(st.floats(0.3, 1.0))}]
        if draw(st.booleans()):
            data["bundles"][0]["patience"] = _dist(draw, 40.0)
    if draw(st.booleans()):
        data["guide_desk"] = {"zone": draw(st.sampled_from(zone_ids)), "service_time": _dist(draw, 2.0),
                              "share": draw(st.floats(0, 1)), "misdirected": draw(st.floats(0, 0.5))}
    if draw(st.booleans()):
        data["priority_order"] = draw(st.permutations(["green", "booked", "walk_in"]))
    if draw(st.booleans()):
        data["day_variation"] = {"cv": draw(st.floats(0, 0.5))}
    if use_people:
        people = []
        for i, zid in enumerate(zone_ids):
            start = draw(st.integers(0, n_periods - 1)) * period + OPEN
            end = draw(st.integers((start - OPEN) // period + 1, n_periods)) * period + OPEN
            person = {"id": f"p{i}", "count": draw(st.integers(1, 2)), "start": format_clock(start),
                      "end": format_clock(end), "zones": [zid] + [z for z in zone_ids if z != zid][:1]}
            if end - start >= 60 and draw(st.booleans()):
                person["lunch"] = {"minutes": 15, "earliest": format_clock(start), "latest": format_clock(end - 15)}
            people.append(person)
        data["people"] = people
    if draw(st.booleans()):
        data["alarm"] = {"threshold": draw(st.integers(1, 5)), "check_every": draw(st.floats(1, 20)),
                         "switch_minutes": draw(st.floats(0, 10)), "cooldown": draw(st.floats(0, 30)),
                         "max_moves": draw(st.integers(0, 5))}
    return data
