"""Cost descent: a cheaper roster that still holds, found by lowering the requirement.

The closed loop (:mod:`optimize.closed_loop`) only raises requirements; the
requirement itself was optimized period by period, where each period has to
stand alone. A roster adds surplus around it (shifts are longer than peaks),
so the requirement is stricter than needed once the surplus is there. In the
spirit of Atlason, Epelman & Henderson (2004) - simulation and integer
programming, with cuts that only keep what simulation shows - the descent
works from the loop's last roster, which holds everywhere (the *base*):

1. **Pick**: zone-periods where the roster's staff on duty equals the
   requirement (lowering it elsewhere changes nothing), above their floor, and
   where the one-sided bound beats every target by more than *margin*; most
   slack first, spaced within each zone like the simulation method's lowering
   (at least the reach d + 2 periods apart). Lower each by one.
2. **Solve** the roster IP for the lowered requirement. If it is not cheaper
   than the base (a shift only goes when every period it is needed for is
   lowered), pick and lower another batch on top (1) and solve again; with
   nothing left to pick, the lowered zone-periods are given up (their level
   becomes their floor, so they are not tried again). Nothing is simulated
   until the roster is cheaper.
3. **Simulate** the cheaper roster on the loop's seed (common random numbers:
   the same days as the base) and, if it holds there, on the hold-out seed
   (``optimize_staffing`` uses the search's seed). If every zone-period holds
   with confidence (the loop's rule) on both, it becomes the base; on the
   hold-out days, zone-periods where the loop's own roster does not hold are
   excused (and keep their staff and their backlog's). Otherwise each failure is charged
   to the changes within reach of it - lowered zone-periods and periods whose
   staff on duty fell below the base's - in its zone, else in strongly coupled
   zones, else in weakly coupled ones, else to any earlier change in its zone;
   those are restored to the base's staff on duty and that level becomes
   their floor (a cut the simulation proved). The rest stays lowered and the
   roster is solved again (2).

A roster is accepted only when it is cheaper and holds everywhere, so the
result is never worse than the base, by cost or by the check. The second
seed matters: a descent tries many rosters, and one that passes a single set
of days by luck would pass on the selection's noise - checked on two, the
accepted rosters hold on fresh days as well as the loop's own. It stops when
nothing is left to lower or after *max_descent* simulations.

Floors: one person wherever there is demand; every level the raising loop
proved needed; the staff of zone-periods given up on (stuck) and of the
periods feeding their backlog; levels restored by step 3 or given up in
step 2.
"""

from __future__ import annotations

import time

import numpy as np

from optimize.simulation_method import _slack, zone_components

__all__ = ["MARGIN", "descend"]

MARGIN = 0.03   # how much the one-sided bound must beat a target by before a zone-period is lowered


def _exempt(estimates, scenario, zone_ids, labels) -> np.ndarray:
    ex = (estimates["status"] == "exempt").groupby([estimates["zone"], estimates["start"]], sort=False).all()
    table = ex.unstack("start").reindex(index=zone_ids, columns=labels)
    return table.fillna(True).to_numpy(bool)


def _cell_slack(hall, estimates) -> np.ndarray:
    slack = _slack(estimates, hall.scenario)
    return np.where(_exempt(estimates, hall.scenario, hall.zone_ids, hall.labels), np.inf, slack)


def _pick(hall, base, work, floor, stuck, margin) -> list[tuple[int, int]]:
    """Zone-periods to lower together (see the module doc, step 1)."""
    slack = _cell_slack(hall, base.estimates)
    if base.holdout is not None:
        slack = np.minimum(slack, _cell_slack(hall, base.holdout))
    binding = base.plan <= work
    candidates = (work > floor) & binding & (slack > margin) & ~stuck
    chosen = []
    for z in range(work.shape[0]):
        gap = hall.reach[z] + 2
        ts = sorted(np.nonzero(candidates[z])[0].tolist(), key=lambda t: (-slack[z, t], t))
        taken: list[int] = []
        for t in ts:
            if all(abs(t - u) >= gap for u in taken):
                taken.append(t)
        chosen += [(z, t) for t in sorted(taken)]
    return chosen


def _charge(hall, fails, pending, dropped, strong, weak) -> set[tuple[int, int]]:
    """The changes to restore for the failures *fails* (see the module doc, step 3)."""
    Z, T = fails.shape
    changed = dropped.copy()
    for z, t in pending:
        changed[z, t] = True
    restore = set()
    for z, t in zip(*np.nonzero(fails)):
        z, t = int(z), int(t)

        def near(zones, t=t):
            return [(y, u) for y in zones for u in range(max(0, t - hall.reach[y] - 1), min(T, t + 2))
                    if changed[y, u]]

        cells = near([z])
        if not cells:
            cells = near([y for y in range(Z) if y != z and strong[y] == strong[z]])
        if not cells:
            cells = near([y for y in range(Z) if y != z and weak[y] == weak[z]])
        if not cells:
            cells = [(z, u) for u in range(0, min(T, t + 2)) if changed[z, u]]
        restore.update(cells)
    return restore


def descend(hall, base, *, floor, stuck, excused=None, max_descent: int, record, first_iteration: int, margin: float | None = None):
    """Cheaper rosters than *base* (a simulated Trial that holds everywhere) that still hold.

    *hall*: the loop's LoopHall; *floor*: zones x periods, levels never to
    lower below; *stuck*: zone-periods not judged; *excused*: not judged on
    the hold-out days (if the hall has a hold-out seed); *record* gets one row per
    step (``kind`` ``descent``). Returns the last accepted Trial (*base* if
    none was).
    """
    margin = MARGIN if margin is None else margin
    strong = np.asarray(zone_components(hall.scenario, strong_only=True))
    weak = np.asarray(zone_components(hall.scenario))
    floor = np.minimum(floor, base.plan)                 # the base roster always covers the floors
    work = np.maximum(base.reqs, floor)
    pending: list[tuple[int, int]] = []
    iteration, simulations, unsimulated = first_iteration, 0, 0
    if hall.holdout_seed is not None and base.holdout is None:
        hall.simulate_holdout(base)    # its slack on the hold-out days too
        simulations += 1
    per_step = 2 if hall.holdout_seed is not None else 1      # a step may simulate the hold-out days too
    while simulations + per_step <= max_descent and unsimulated <= max_descent:
        clock = time.perf_counter()
        if not pending:
            pending = _pick(hall, base, work, floor, stuck, margin)
            if not pending:
                break
            for z, t in pending:
                work[z, t] -= 1
        trial = hall.plan_for(work)
        lowered = len(pending)
        if trial.cost >= base.cost - 1e-9:
            # nothing cheaper yet: lower more (a shift can only go once every period it is
            # needed for is lowered), or, with nothing left, give these cuts up
            more = _pick(hall, base, work, floor, stuck, margin)
            if more:
                for z, t in more:
                    work[z, t] -= 1
                pending += more
            else:
                for z, t in pending:
                    work[z, t] += 1
                    floor[z, t] = max(floor[z, t], work[z, t])
                pending = []
            unsimulated += 1
            record(hall.row(iteration, "descent", trial, failing=None, lowered=lowered, accepted=False,
                            seconds=time.perf_counter() - clock))
            iteration += 1
            continue
        fails = hall.check(trial, stuck, excused)
        simulations += trial.simulations
        accepted = not fails.any()
        restored = 0
        if accepted:
            base, pending = trial, []
            work = trial.reqs.copy()
        else:
            dropped = trial.plan < base.plan
            restore = _charge(hall, fails, pending, dropped, strong, weak)
            for y, u in restore:
                work[y, u] = max(work[y, u], base.plan[y, u])
                floor[y, u] = max(floor[y, u], base.plan[y, u])
            restored = len(restore)
            pending = [c for c in pending if c not in restore]
            if not restore:   # nothing to charge: give this round up
                for z, t in pending:
                    floor[z, t] = max(floor[z, t], base.plan[z, t])
                work, pending = np.maximum(base.reqs, floor), []
        record(hall.row(iteration, "descent", trial, failing=int(fails.sum()), raised=restored, lowered=lowered,
                        accepted=accepted, seconds=time.perf_counter() - clock))
        iteration += 1
    return base
