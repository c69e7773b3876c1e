"""Alarm policy tuning (一屏统览): threshold, switch time and who may help whom.

Every policy is simulated with the same seed (common random numbers) and scored by one
objective: ``wait``, the mean wait of all visits at the scenario's staff (minutes), or
``staff_hours``, the staff-hours of the cheapest plan ``optimize.optimize_staffing`` finds
for the target under that policy (its ``simulation`` method, which models the alarm). The
search is a full grid when small, else a coordinate search (threshold, then switch time,
then help policy, repeated until a whole pass changes nothing). Moves on alarm per day are
counted from ``results.moves`` for every policy. See ``docs/alarm_tuning.md``.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

import sim
from planning.alarm_policies import HELP_POLICIES, LABEL, AlarmTuningError, Policy, can_help_lists, moves_per_day
from sim import whatif

__all__ = ["AlarmTuning", "AlarmTuningError", "HELP_POLICIES", "OBJECTIVES", "Policy", "can_help_lists",
           "moves_per_day", "tune_alarm"]

OBJECTIVES = ("wait", "staff_hours")
HALF_YEAR_DAYS = 120
"""Working days in half a year (26 weeks x 5 days, less about 10 public holidays)."""
MAX_GRID = {"wait": 24, "staff_hours": 8}
"""``search="auto"`` evaluates the full grid up to this many policies, else searches by coordinates."""
MAX_POLICIES = 2000
MAX_ROUNDS = 10


@dataclass(frozen=True, eq=False)
class AlarmTuning:
    """The outcome of :func:`tune_alarm`.

    *table*: one row per evaluated policy (``order, round, step, policy, threshold,
    switch_minutes, help, value, value_low, value_high`` - the objective with its 95% interval -
    ``vs_current`` with ``_low``/``_high`` (policy - current, paired), ``mean_wait``,
    ``service_level``, ``abandonment_rate`` (each with ``_low``/``_high``), ``moves_per_day``,
    ``moves_low``, ``moves_high``, ``moves_half_year``, ``staff_hours``, ``converged``,
    ``missed``, ``feasible``, ``current``, ``best``); *grid* the values searched; *current* and
    *best* policies; *best_overrides* the change to the scenario (for
    ``sim.whatif.with_changes``); *comparison* ``sim.compare(current, best)`` (None when the
    best is the current policy); *holdout* best - current in mean wait on seed *seed* + 1.
    """

    scenario: Any
    objective: str
    targets: Optional[str]
    replications: int
    seed: int
    search: str
    grid: dict
    table: pd.DataFrame
    current: Policy
    best: Policy
    best_overrides: dict
    comparison: Any = None
    holdout: Optional[dict] = None
    converged: bool = True
    seconds: float = 0.0
    max_moves_per_day: Optional[float] = None

    @property
    def best_row(self) -> pd.Series:
        return self.table[self.table["best"]].iloc[0]

    @property
    def current_row(self) -> pd.Series:
        return self.table[self.table["current"]].iloc[0]

    def best_scenario(self):
        """The scenario under the best policy."""
        return whatif.with_changes(self.scenario, self.best_overrides, label=LABEL)

    def local_optimum(self) -> pd.DataFrame:
        """The best threshold and its grid neighbours at the best switch time and help policy
        (``threshold, value, value_low, value_high, moves_per_day, feasible, best``)."""
        t = self.table
        if self.best.help == "none":
            near = t[t["best"]]
        else:
            grid = self.grid["thresholds"]
            i = grid.index(self.best.threshold)
            near = t[(t["help"] == self.best.help) & (t["switch_minutes"] == self.best.switch_minutes)
                     & t["threshold"].isin(grid[max(0, i - 1): i + 2])].sort_values("threshold")
        cols = ["threshold", "value", "value_low", "value_high", "moves_per_day", "feasible", "best"]
        return near[cols].reset_index(drop=True)

    @property
    def is_local_optimum(self) -> bool:
        """No feasible neighbouring threshold on the grid has a lower objective on these seeds
        (infeasible: over *max_moves_per_day*, or a plan search that did not converge)."""
        frame = self.local_optimum()
        judged = frame["feasible"] | (not self.best_row["feasible"])  # all of them when nothing is feasible
        return bool((frame["value"] >= self.best_row["value"])[judged].all())

    @property
    def at_grid_edge(self) -> bool:
        """The best threshold is the grid's lowest or highest: widen the grid to be sure."""
        ts = self.grid["thresholds"]
        return self.best.help != "none" and len(ts) > 1 and self.best.threshold in (ts[0], ts[-1])

    def differences(self) -> pd.DataFrame:
        """Paired differences best - current for the whole hall (``kpi, mean, low, high, n``)."""
        return pd.DataFrame() if self.comparison is None else self.comparison.differences("overall")

    def to_yaml(self, extends: Optional[str] = None) -> str:
        """The best policy as YAML: a snippet to paste, or with *extends* a variant file."""
        import yaml

        b = self.best_row
        head = (f"# Alarm policy tuned by tune_alarm: objective {self.objective}, seed {self.seed}, "
                f"{self.replications} replications per policy, {len(self.table)} policies.\n"
                f"# {self.best.label}: {self._objective_text(b)}; {b['moves_per_day']:.2f} moves a day "
                f"(about {b['moves_half_year']:.0f} in half a year).\n")
        body = dict(self.best_overrides)
        if extends is not None:
            body = {"extends": extends, "name": f"{self.scenario.name}, tuned alarm", **body}
        return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)

    def _objective_text(self, r: pd.Series) -> str:
        wait = f"mean wait {_fmt(r['mean_wait'], r['mean_wait_low'], r['mean_wait_high'], 2)} min"
        return wait if self.objective == "wait" else f"{r['staff_hours']:.1f} staff-hours ({wait} at its plan)"

    def __str__(self) -> str:
        t = self.table
        what = ("mean wait of all visits, minutes" if self.objective == "wait"
                else f"staff-hours of the cheapest plan meeting {self.targets}")
        cols: dict[str, list[str]] = {
            "policy": list(t["policy"]),
            self.objective: [_fmt(r.value, r.value_low, r.value_high, 2) for r in t.itertuples()],
            "vs current": [_signed(r.vs_current, r.vs_current_low, r.vs_current_high) for r in t.itertuples()],
            "moves/day": [_fmt(r.moves_per_day, r.moves_low, r.moves_high, 2) for r in t.itertuples()],
            "mean wait": [_fmt(r.mean_wait, r.mean_wait_low, r.mean_wait_high) for r in t.itertuples()],
            "": [" ".join(w for w, on in (("best", r.best), ("current", r.current), ("infeasible", not r.feasible))
                          if on) for r in t.itertuples()]}
        if self.objective == "wait":
            del cols["mean wait"]
        widths = [max(len(k), *(len(v) for v in vs)) for k, vs in cols.items()]
        lines = [f"{self.scenario.name}: alarm policy tuning, objective {self.objective} ({what}); {self.search} "
                 f"search, {len(t)} policies, {self.replications} replications each, seed {self.seed} for all "
                 "(common random numbers); mean ± 95% half-width"
                 + ("" if self.max_moves_per_day is None else
                    f"; feasible: at most {self.max_moves_per_day:g} staff moves a day on average"), ""]
        for i in range(-2, len(t)):
            cells = (list(cols) if i == -2 else ["-" * w for w in widths] if i == -1 else [v[i] for v in cols.values()])
            lines.append("  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                                   for k, (c, w) in enumerate(zip(cells, widths))).rstrip())
        b, c = self.best_row, self.current_row
        lines += ["", f"best: {self.best.label}: {self._objective_text(b)}",
                  f"current: {self.current.label}: {self._objective_text(c)}",
                  f"best - current: {_signed(b['vs_current'], b['vs_current_low'], b['vs_current_high'])}"
                  + (" (paired, 95% interval)" if self.objective == "wait" else " staff-hours"),
                  f"moves on alarm: {_fmt(b['moves_per_day'], b['moves_low'], b['moves_high'], 2)} a day, about "
                  f"{b['moves_half_year']:.0f} in half a year of {HALF_YEAR_DAYS} working days (the seeds: 120+, "
                  "about one a working day)",
                  f"local optimum on these seeds: {'yes' if self.is_local_optimum else 'NO'} (the best threshold "
                  "against its neighbours on the grid)"
                  + ("; it is at the edge of the grid: widen it" if self.at_grid_edge else "")]
        if not b["feasible"]:
            lines.append("no policy is feasible: the best shown breaks the limit on moves or did not converge")
        if self.objective == "staff_hours" and self.best != self.current and b["moves_per_day"] == 0:
            lines.append("caution: the best policy moves nobody at its plan, so its saving comes from the "
                         "optimizer's search path, not from the alarm")
        if self.holdout:
            h = self.holdout
            lines.append(f"fresh seed {h['seed']}: best - current mean wait {_signed(h['mean'], h['low'], h['high'])}")
        if not self.converged:
            lines.append(f"the coordinate search stopped after {MAX_ROUNDS} rounds without converging")
        return "\n".join(lines)


def _fmt(mean, low, high, digits: int = 1) -> str:
    """``8.13 ± 1.54``; ``-`` for no value."""
    if not np.isfinite(mean):
        return "-"
    return f"{mean:.{digits}f}" if not np.isfinite(low) else f"{mean:.{digits}f} ± {(high - low) / 2:.{digits}f}"


def _signed(mean, low, high) -> str:
    """``-1.81 [-2.70, -0.93]`` for a difference."""
    text = "-" if not np.isfinite(mean) else f"{mean:+.2f}"
    return text if not np.isfinite(low) else f"{text} [{low:+.2f}, {high:+.2f}]"


def _values(values, name: str, kind: type, minimum: float) -> list:
    items = [values] if isinstance(values, (numbers.Real, str)) else list(values)
    if not items:
        raise AlarmTuningError(name, "needs at least one value, got none")
    for v in items:
        if (not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v) or v < minimum
                or (kind is int and not float(v).is_integer())):
            need = "whole numbers" if kind is int else "numbers of minutes"
            raise AlarmTuningError(name, f"must be {need} >= {minimum:g}, got {v!r}")
    return sorted({kind(v) for v in items})


def tune_alarm(scenario, *, thresholds: Optional[Iterable[int]] = None,
               switch_minutes: Optional[Iterable[float]] = None, help_policies: Optional[Sequence[str]] = None,
               objective: str = "wait", targets: Optional[str] = None, replications: int = 30, seed: int = 0,
               workers: Optional[int] = None, executor=None, search: str = "auto",
               max_moves_per_day: Optional[float] = None, holdout: bool = True,
               staffing_options: Optional[Mapping[str, Any]] = None,
               progress: Union[None, bool, Callable[[int, int], None]] = None) -> AlarmTuning:
    """The alarm policy that minimizes *objective* on common random numbers, with every evaluation.

    *thresholds*: people waiting (default: the scenario's threshold ± 50% in ten steps);
    *switch_minutes*: minutes to switch windows (default: the scenario's); *help_policies*:
    names of :data:`HELP_POLICIES` (default ``scenario, none``). The current policy (the
    scenario's threshold, switch time and ``can_help``, or alarm off without an ``alarm``
    block) is always in the grid. *objective* ``wait`` (mean wait of all visits at the given
    staff, minutes) or ``staff_hours`` (of ``optimize_staffing(..., method="simulation")`` for
    *targets*, default ``wait<=TARGET_WAIT@80%``; slow: for small halls or few policies).
    *replications* days per policy, all from *seed*; *search* ``auto``, ``grid`` or
    ``coordinate``; *max_moves_per_day*: policies that move more staff a day on average are
    not chosen; *holdout*: re-simulate current and best on seed + 1 (objective ``wait``);
    *staffing_options*: more keywords for ``optimize_staffing``; *progress*: a bar on stderr
    (None: only on a terminal), or ``progress(done, total)`` (total: the grid's size, an upper
    bound in a coordinate search).
    Raises AlarmTuningError (an InputError and a ValueError) naming the bad argument.
    """
    started = time.perf_counter()
    if objective not in OBJECTIVES:
        raise AlarmTuningError("objective", f"must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if search not in ("auto", "grid", "coordinate"):
        raise AlarmTuningError("search", f"must be auto, grid or coordinate, got {search!r}")
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise AlarmTuningError("replications", f"must be a whole number >= 2 (an interval needs two days), "
                                               f"got {replications!r}")
    if max_moves_per_day is not None and not (isinstance(max_moves_per_day, numbers.Real)
                                              and 0 <= max_moves_per_day < math.inf):
        raise AlarmTuningError("max_moves_per_day", f"must be a number >= 0, got {max_moves_per_day!r}")
    if scenario.alarm is None and thresholds is None:
        raise AlarmTuningError("thresholds", "the scenario has no alarm block, so give thresholds to try; got none")
    if objective == "staff_hours":
        import optimize

        targets = targets or f"wait<={scenario.target_wait:g}@80%"
        optimize.parse_targets(targets)  # a bad target fails now, as a TargetError
    base = sim.scenario_to_dict(whatif.with_changes(scenario, {} if scenario.alarm else {"alarm": {}}))["alarm"]
    current = Policy.of(base["threshold"], base["switch_minutes"], "scenario" if scenario.alarm else "none")
    step = max(1, round(base["threshold"] / 10))
    ts = _values(range(max(1, base["threshold"] - 5 * step), base["threshold"] + 5 * step + 1, step)
                 if thresholds is None else thresholds, "thresholds", int, 1)
    ss = _values([base["switch_minutes"]] if switch_minutes is None else switch_minutes, "switch_minutes", float, 0)
    if scenario.alarm is not None:
        ts, ss = sorted({*ts, base["threshold"]}), sorted({*ss, float(base["switch_minutes"])})
    given = [help_policies] if isinstance(help_policies, str) else help_policies
    hs = list(dict.fromkeys([*(["scenario", "none"] if given is None else given), current.help]))
    lists = {h: can_help_lists(scenario, h) for h in hs}
    size = len(ts) * len(ss) * len([h for h in hs if h != "none"]) + ("none" in hs)
    if size > MAX_POLICIES:
        raise AlarmTuningError("thresholds", f"at most {MAX_POLICIES} policies (thresholds x switch times x help "
                                             f"policies), got {size}")
    mode = search if search != "auto" else ("grid" if size <= MAX_GRID[objective] else "coordinate")

    def overrides(p: Policy) -> dict:
        if p.help == "none":
            return {"alarm": None}
        out: dict = {"alarm": {**base, "threshold": p.threshold, "switch_minutes": p.switch_minutes}}
        if p.help != "scenario":
            out["zones"] = [{"id": z, "can_help": c} for z, c in lists[p.help].items()]
        return out

    pool = None
    if executor is None and (sim.default_workers() if workers is None else workers) > 1:
        pool = executor = sim.worker_pool(sim.default_workers() if workers is None else workers)
    bar = None
    if not callable(progress) and (progress or (progress is None and sys.stderr.isatty())):
        from tqdm.auto import tqdm

        bar = tqdm(total=size, desc="tune-alarm", unit="policy", leave=False, file=sys.stderr)
    run = dict(replications=replications, workers=workers, executor=executor)
    rows: dict[Policy, dict] = {}
    ref: dict[str, Any] = {}
    try:
        def evaluate(p: Policy, stage: str, rnd: int) -> None:
            if p in rows:
                return
            row, results = _evaluate(scenario, p, overrides(p), objective, targets, seed, run, staffing_options)
            ref.setdefault("current", results)
            ref.setdefault("value", row["value"])
            _versus(row, results, ref, objective, max_moves_per_day)
            rows[p] = {**row, "order": len(rows) + 1, "round": rnd, "step": stage}
            if bar is not None:
                bar.update(1)
            elif callable(progress):
                progress(len(rows), size)

        def rank(p: Policy) -> tuple:
            r = rows[p]
            return not r["feasible"], r["value"], r["moves_per_day"], r["mean_wait"], r["order"]

        evaluate(current, "current", 0)
        converged = mode == "grid"
        if mode == "grid":
            for p in dict.fromkeys(Policy.of(t, s, h) for h in hs for t in ts for s in ss):
                evaluate(p, "grid", 1)
        else:
            state: dict[str, Any] = {"threshold": current.threshold or ts[len(ts) // 2],
                                     "switch_minutes": ss[0] if current.help == "none" else current.switch_minutes,
                                     "help": current.help if current.help != "none" else
                                     next((h for h in hs if h != "none"), "none")}
            for rnd in range(1, MAX_ROUNDS + 1):
                before = dict(state)
                for axis, values in (("threshold", ts), ("switch_minutes", ss), ("help", hs)):
                    options = {v: Policy.of(**{**state, axis: v}) for v in values}
                    for p in options.values():
                        evaluate(p, axis, rnd)
                    state[axis] = min(options, key=lambda v: rank(options[v]))
                if state == before:
                    converged = True
                    break
        best = min(rows, key=rank)
        if best.help != "none":  # a converged search has the neighbours already; one that stopped may not
            i = ts.index(best.threshold)
            for t in ts[max(0, i - 1): i + 2]:
                evaluate(Policy.of(t, best.switch_minutes, best.help), "check", 0)  # type: ignore[arg-type]
        comparison = hold = None
        if best != current:  # the same seed gives the same days: re-simulating is cheaper than keeping them all
            plan = rows[best]["_plan"]
            comparison = sim.compare(ref["current"], _simulate(scenario, overrides(best), seed, run, plan))
            if holdout and objective == "wait":
                a, b = (_simulate(scenario, overrides(p), seed + 1, run) for p in (current, best))
                d = sim.compare(a, b).differences("overall").set_index("kpi").loc["mean_wait"]
                hold = {"seed": seed + 1, "kpi": "mean_wait", **{k: float(d[k]) for k in ("mean", "low", "high")}}
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            sim.stop_pool(pool)
    frame = pd.DataFrame([{**r, "current": p == current, "best": p == best} for p, r in rows.items()])
    frame["moves_half_year"] = frame["moves_per_day"] * HALF_YEAR_DAYS
    frame = frame.astype({"threshold": "Int64", "switch_minutes": float})[COLUMNS]
    return AlarmTuning(scenario=scenario, objective=objective, targets=targets, replications=replications, seed=seed,
                       search=mode, grid={"thresholds": ts, "switch_minutes": ss, "help_policies": hs}, table=frame,
                       current=current, best=best, best_overrides=overrides(best), comparison=comparison,
                       holdout=hold, converged=converged, seconds=time.perf_counter() - started,
                       max_moves_per_day=max_moves_per_day)


COLUMNS = ["order", "round", "step", "policy", "threshold", "switch_minutes", "help",
           *(k + e for k in ("value", "vs_current", "mean_wait", "service_level", "abandonment_rate")
             for e in ("", "_low", "_high")),
           "moves_per_day", "moves_low", "moves_high", "moves_half_year", "staff_hours", "converged", "missed",
           "feasible", "current", "best"]


def _simulate(scenario, changes: dict, seed: int, run: dict, plan=None):
    variant = whatif.with_changes(scenario, changes, label=LABEL)
    return sim.simulate(variant if plan is None else sim.apply_staffing(variant, plan), seed=seed, progress=False,
                        **run)


def _evaluate(scenario, p: Policy, changes: dict, objective: str, targets, seed: int, run: dict, options):
    """One policy's row (without the comparison with the current policy) and its Results."""
    row: dict[str, Any] = {"policy": p.label, "threshold": p.threshold, "switch_minutes": p.switch_minutes,
                           "help": p.help, "staff_hours": math.nan, "converged": True, "missed": 0, "_plan": None}
    if objective == "staff_hours":
        import optimize

        found = optimize.optimize_staffing(whatif.with_changes(scenario, changes, label=LABEL), targets,
                                           **{"method": "simulation", "baselines": False, "seed": seed, **run,
                                              **(options or {})})
        row.update(staff_hours=found.staff_hours, converged=bool(found.converged),
                   missed=int(found.compliance()["missed"]), _plan=found.plan)
    results = _simulate(scenario, changes, seed, run, row["_plan"])
    s = results.summary(by="overall").set_index("kpi")
    for k in ("mean_wait", "service_level", "abandonment_rate"):
        row[k], row[k + "_low"], row[k + "_high"] = (float(s.loc[k, c]) for c in ("mean", "low", "high"))
    row["moves_per_day"], row["moves_low"], row["moves_high"] = moves_per_day(results)
    if objective == "wait":
        row["value"], row["value_low"], row["value_high"] = row["mean_wait"], row["mean_wait_low"], row["mean_wait_high"]
    else:
        row["value"], row["value_low"], row["value_high"] = row["staff_hours"], math.nan, math.nan
    return row, results


def _versus(row: dict, results, ref: dict, objective: str, max_moves: Optional[float]) -> None:
    """Add the difference from the current policy (paired for ``wait``) and the feasibility to *row*."""
    if objective == "wait":
        d = sim.compare(ref["current"], results).differences("overall").set_index("kpi").loc["mean_wait"]
        row["vs_current"], row["vs_current_low"], row["vs_current_high"] = (float(d[c]) for c in ("mean", "low", "high"))
    else:
        row["vs_current"], row["vs_current_low"], row["vs_current_high"] = row["value"] - ref["value"], math.nan, math.nan
    row["feasible"] = row["converged"] and (max_moves is None or row["moves_per_day"] <= max_moves)
