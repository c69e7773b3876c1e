"""The calibration report: text tables and plots (PNG, matplotlib Agg, no pyplot state)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .fit import Calibration

__all__ = ["format_report", "save_plots"]


def _clock(minutes: float) -> str:
    m = int(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def _number(value: float, spec: str, width: int = 0) -> str:
    """*value* formatted by *spec*, or "-" (right-aligned to *width*) when it is not a number."""
    return f"{value:{width}{spec}}" if np.isfinite(value) else f"{'-':>{width}}"


def _arrivals_text(cal: Calibration) -> list[str]:
    a = cal.arrivals
    rates = a.rates_per_hour
    total = rates.sum(axis=1)
    days = len(a.dates)
    # one day gives no day-to-day spread: "-" rather than nan and numpy's warnings
    total_se = (a.counts.sum(axis=2).std(axis=0, ddof=1) / np.sqrt(days) * 60 / a.period_minutes if days > 1
                else np.full(len(rates), np.nan))
    head = f"{'period':>6} " + " ".join(f"{s:>10}" for s in a.services) + f" {'total':>10} {'±95%':>7}"
    lines = [f"Arrivals per hour (mean over {days} day{'s' if days != 1 else ''})", head]
    for i, p in enumerate(rates.index):
        cells = " ".join(f"{rates.at[p, s]:10.2f}" for s in a.services)
        lines.append(f"{_clock(p):>6} {cells} {total[p]:10.2f} {_number(1.96 * total_se[i], '.2f', 7)}")
    totals = a.daily_totals
    sd = totals.std(ddof=1) if len(totals) > 1 else float("nan")
    lines.append(
        f"daily total {totals.mean():.1f} (sd {_number(sd, '.1f')}); dispersion index {_number(a.dispersion_index, '.2f')}"
        f" (1 = Poisson); day multiplier cv {_number(a.day_cv, '.3f')}; {a.outside_hours} arrivals outside hours"
    )
    return lines


def _service_text(cal: Calibration) -> list[str]:
    lines = ["Service times (minutes; MLE, loc 0; chosen = lowest AIC)"]
    lines.append(f"{'service':>10} {'family':>12} {'mean':>7} {'cv':>6} {'AIC':>11} {'dAIC':>8} {'KS':>6}  n")
    for service, fit in cal.service_times.items():
        if fit.best is None:
            lines.append(f"{service:>10} too few distinct values to fit ({fit.n_served} served)")
            continue
        best = fit.best.aic
        for name, f in fit.fits.items():
            mark = "*" if name == fit.chosen else " "
            lines.append(
                f"{service:>10} {name + mark:>12} {f.mean:7.3f} {f.cv:6.3f} {f.aic:11.1f} {f.aic - best:8.1f}"
                f" {f.ks:6.3f}  {f.n}"
            )
        if fit.n_short:
            lines.append(f"{'':>10} {fit.n_short} of {fit.n_served} served under"
                         f" {fit.min_minutes * 60:.0f} s left out of the fit")
    return lines


def _patience_text(cal: Calibration) -> list[str]:
    lines = ["Patience (minutes; served visitors right-censored at their wait)"]
    lines.append(f"{'group':>10} {'n':>6} {'aband.':>6} {'share':>6} {'KM S(1)':>7} {'KM S(5)':>7} "
                 f"{'family':>12} {'mean':>8} {'cv':>6} {'AIC':>10} {'|KM-fit|':>8}")
    for group, p in cal.patience.items():
        if not p.fits:
            lines.append(f"{group:>10} {p.n:6d} {0:6d} {0:6.3f}  no abandonment: patience not modelled")
            continue
        s1, s5 = (float(np.interp(t, p.km_times, p.km_survival)) for t in (1.0, 5.0))
        for i, (name, f) in enumerate(p.fits.items()):
            lead = (f"{group:>10} {p.n:6d} {p.n_abandoned:6d} {p.abandon_share:6.3f} {s1:7.3f} {s5:7.3f}" if i == 0
                    else " " * 48)
            mark = "*" if name == p.chosen else " "
            lines.append(f"{lead} {name + mark:>12} {f.mean:8.2f} {f.cv:6.2f} {f.aic:10.1f} {p.km_distance[name]:8.3f}")
    lines.append("* = written to the scenario; exponential mean = total waiting time / abandonments")
    return lines


def _staffing_text(cal: Calibration) -> list[str]:
    t = cal.staffing.table
    staff = cal.staffing.staff
    lines = [f"Staffing inferred from the log (mean over {cal.staffing.n_days} days); scenario uses"
             f" '{cal.staffing.method}' rounded {cal.staffing.rounding}"]
    lines.append(f"{'period':>6} {'distinct':>9} {'mean busy':>9} {'busy|wait':>9} {'queue>0':>8} {'staff':>6}")
    for i, p in enumerate(t.index):
        row = t.loc[p]
        flag = " (fallback)" if row["fallback"] else ""
        lines.append(f"{_clock(p):>6} {row['distinct_agents']:9.2f} {row['mean_busy']:9.2f}"
                     f" {row['busy_while_waiting']:9.2f} {row['queue_share']:8.2f} {staff[i]:6d}{flag}")
    return lines


def format_report(cal: Calibration) -> str:
    """The calibration report as plain text tables."""
    sections = []
    if cal.read_report is not None:
        sections.append(str(cal.read_report).splitlines())
    sections += [_arrivals_text(cal), _service_text(cal), _patience_text(cal), _staffing_text(cal)]
    return "\n\n".join("\n".join(s) for s in sections) + "\n"


# ----------------------------------------------------------------------------- plots


def _figure(width: float = 10, height: float = 4.5):
    from matplotlib.figure import Figure  # Figure.savefig renders with Agg; no pyplot state

    return Figure(figsize=(width, height), layout="constrained")


def _plot_arrivals(cal: Calibration, path: Path) -> None:
    a = cal.arrivals
    fig = _figure(11, 4.5)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[3, 1])
    per_hour = 60 / a.period_minutes
    daily = a.counts.sum(axis=2) * per_hour  # days x periods
    mid = a.period_starts / 60 + a.period_minutes / 120
    ci = 1.96 * daily.std(axis=0, ddof=1) / np.sqrt(len(a.dates)) if len(a.dates) > 1 else None
    ax.bar(mid, daily.mean(axis=0), width=a.period_minutes / 60 * 0.9, color="0.8", yerr=ci, capsize=2,
           label="observed, all services (95% CI)")
    edges = np.append(a.period_starts, a.period_starts[-1] + a.period_minutes) / 60
    for service in a.services:
        r = a.rates_per_hour[service].to_numpy()
        ax.stairs(r, edges, label=f"fitted rate: {service}", linewidth=1.5)
    ax.set_xlabel("hour of day")
    ax.set_ylabel("arrivals per hour")
    ax.set_title("Arrivals by period")
    ax.legend(fontsize=8)
    ax2.bar(range(len(a.dates)), a.daily_totals, color="0.6")
    ax2.axhline(a.daily_totals.mean(), color="k", linewidth=1)
    ax2.set_title(f"daily totals (dispersion {a.dispersion_index:.1f})", fontsize=9)
    ax2.set_xlabel("day")
    fig.savefig(path, dpi=110)


def _plot_service(cal: Calibration, service: str, path: Path) -> None:
    fit = cal.service_times[service]
    x = np.sort(fit.values)
    fig = _figure()
    ax, ax2 = fig.subplots(1, 2)
    top = np.quantile(x, 0.99)
    ax.hist(x[x <= top], bins=60, density=True, color="0.8", label=f"observed (n={len(x)})")
    grid = np.linspace(top / 400, top, 400)
    for name, f in fit.fits.items():
        ax.plot(grid, f.frozen().pdf(grid), label=f"{name} AIC {f.aic:.0f}" + (" *" if name == fit.chosen else ""))
    ax.set_xlabel("service time (minutes)")
    ax.set_ylabel("density")
    ax.set_title(f"Service time: {service} (99% of values shown)")
    ax.legend(fontsize=8)
    ax2.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color="k", label="empirical")
    for name, f in fit.fits.items():
        ax2.plot(x, f.frozen().cdf(x), label=f"{name} KS {f.ks:.3f}")
    ax2.set_xscale("log")
    ax2.set_xlabel("service time (minutes, log scale)")
    ax2.set_ylabel("P(service time <= t)")
    ax2.legend(fontsize=8)
    fig.savefig(path, dpi=110)


def _plot_patience(cal: Calibration, path: Path) -> None:
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    for group, p in cal.patience.items():
        best = p.best
        if not p.fits or best is None:
            continue
        line = ax.step(p.km_times, p.km_survival, where="post", label=f"Kaplan-Meier {group}",
                       linewidth=2 if group == "all" else 1)
        t = np.linspace(0, p.km_times.max(), 200)
        ax.plot(t, best.frozen().sf(t), linestyle="--", color=line[0].get_color(),
                label=f"{p.chosen} mean {best.mean:.1f} min")
    ax.set_xlabel("minutes waited")
    ax.set_ylabel("P(patience > t)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Patience: Kaplan-Meier and parametric fit")
    ax.legend(fontsize=7)
    fig.savefig(path, dpi=110)


def _plot_staffing(cal: Calibration, path: Path) -> None:
    t = cal.staffing.table
    edges = np.append(t.index.to_numpy(), cal.close_minute) / 60
    fig = _figure(8, 4.5)
    ax = fig.subplots()
    for column, label in [("distinct_agents", "distinct agents serving (over-states)"),
                          ("busy_while_waiting", "busy while someone waits"),
                          ("mean_busy", "mean busy (carried load)")]:
        ax.stairs(t[column].to_numpy(dtype=float), edges, label=label)
    ax.stairs(np.asarray(cal.staffing.staff, dtype=float), edges, color="k", linewidth=2,
              label=f"scenario staff ({cal.staffing.method})")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("agents")
    ax.set_title("Staffing inferred from the log")
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=110)


def save_plots(cal: Calibration, directory: str | Path) -> list[Path]:
    """Write the report's plots as PNG files into *directory*, all or nothing (the folder
    is replaced as a whole); return their paths."""
    from sim.atomic import atomic_dir

    target = Path(directory)
    with atomic_dir(target) as out:
        paths = [out / "arrivals.png", out / "patience.png", out / "staffing.png"]
        _plot_arrivals(cal, paths[0])
        _plot_patience(cal, paths[1])
        _plot_staffing(cal, paths[2])
        for service, fit in cal.service_times.items():
            if fit.best is not None:
                safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in service)
                paths.append(out / f"service_time_{safe}.png")
                _plot_service(cal, service, paths[-1])
    return [target / p.name for p in paths]
