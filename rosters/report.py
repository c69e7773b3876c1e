"""Outputs of a week roster: CSV tables, a printable HTML page per week, coverage plots.

``write_outputs`` writes everything into a staging folder beside the target and
renames it into place, so the folder appears complete or not at all (an old
folder of that name is replaced only after the new one is complete).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from rosters.dates import WEEKDAYS

__all__ = ["coverage_figure", "staged_dir", "week_html", "write_outputs"]

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
              '"WenQuanYi Zen Hei", "Noto Sans SC", sans-serif')


@contextmanager
def staged_dir(target):
    """Yield a fresh staging folder beside *target*; on success it becomes *target*.

    On an exception the staging folder is removed and *target* is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield stage
        os.chmod(stage, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rmdir(old)
            os.rename(target, old)
            os.rename(stage, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, target)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def week_html(roster, monday, zone_names: dict[str, str] | None = None) -> str:
    """A printable page: one row per person, one column per day of the week starting *monday*."""
    zone_names = zone_names or {}
    days = roster.problem.calendar.weeks()[monday]
    shifts = roster.shifts
    by = {(r.person, r.date): r for r in shifts.itertuples(index=False)}
    esc = html.escape
    head = "".join(f"<th>{esc(WEEKDAYS[d.date.weekday()])}<br>{d.date.isoformat()}<br>"
                   f"<small>{esc(d.kind)}{'' if d.is_open else ' (closed)'}</small></th>" for d in days)
    rows = []
    for p in sorted(roster.problem.staff, key=lambda p: (p.home, p.post or "~", p.role or "", p.id)):
        cells = []
        for d in days:
            r = by.get((p.id, d.date.isoformat()))
            if r is not None:
                zones = "<br>".join(esc(part.replace(part.split(" ")[0], zone_names.get(part.split(" ")[0],
                                                                                      part.split(" ")[0]), 1))
                                    for part in r.zones.split("; ") if part)
                lunch = f"<br><small>lunch {esc(r.lunch_start)}-{esc(r.lunch_end)}</small>" if r.lunch_start else ""
                cells.append(f"<td class=on><b>{esc(r.shift)}</b> {esc(r.start)}-{esc(r.end)}{lunch}"
                             f"<br><small>{zones}</small></td>")
            elif d.date in p.leave:
                cells.append("<td class=leave>leave 休假</td>")
            elif not d.is_open:
                cells.append("<td class=closed>closed</td>")
            elif not p.can_work(d.date):
                cells.append("<td class=off>unavailable</td>")
            else:
                cells.append("<td class=off>off 休息</td>")
        post = f"{esc(p.post)} ({esc(p.role)})" if p.post else ""
        rows.append(f"<tr><td>{esc(p.label)}<br><small>{esc(p.id)}</small></td>"
                    f"<td>{esc(zone_names.get(p.home, p.home))}</td><td>{post}</td>{''.join(cells)}</tr>")
    title = f"{roster.problem.calendar.name}: roster from {days[0].date} to {days[-1].date}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: {FONT_STACK}; font-size: 10pt; margin: 1cm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 2px 4px; vertical-align: top; }}
th {{ background: #eee; }}
td.on {{ background: #e8f3ec; }} td.leave {{ background: #fde9d9; }} td.closed {{ background: #ddd; }}
td.off {{ color: #777; }}
tr {{ page-break-inside: avoid; }}
@media print {{ @page {{ size: A4 landscape; margin: 1cm; }} body {{ margin: 0; }} }}
</style></head><body>
<h1>{esc(title)}</h1>
<p>Paid hours {roster.paid_hours:g}; status {esc(roster.status)}; AB岗: every post has a primary (A) and a backup (B).</p>
<table><thead><tr><th>姓名 name</th><th>zone</th><th>post</th>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""


def coverage_figure(roster, date, ncols: int = 5):
    """Per zone on *date*: people on duty against the requirement and the windows (a Figure)."""
    from sim.plots.canvas import clock_axis, figure_function, hide_unused, zone_panels

    @figure_function
    def build():
        d = roster.problem.day(date)
        scenario = d.day.scenario
        zones, labels, fig, axes = zone_panels(scenario, list(d.zones), ncols)
        x = np.append(np.asarray(d.grid.starts, float), d.grid.close_minute)
        duty = roster.duty[date]
        for ax, zone in zip(axes, zones):
            req = np.asarray(d.required[zone], float)
            on = duty.loc[zone].to_numpy(float)
            ax.step(x, np.append(on, on[-1]), where="post", color="#0072B2", linewidth=1.6, label="on duty (roster)")
            ax.step(x, np.append(req, req[-1]), where="post", color="#D55E00", linewidth=1.1, linestyle="--",
                    label="requirement")
            ax.axhline(d.windows[zone], color="#999999", linestyle=":", linewidth=1, label="windows")
            ax.set_ylim(0, d.windows[zone] * 1.12 + 0.5)
            ax.set_title(labels.get(zone, zone), fontsize=9, loc="left")
            span = d.grid.close_minute - d.grid.open_minute
            clock_axis(ax, d.grid.open_minute, d.grid.close_minute, every=120 if span > 6 * 60 else 60)
        hide_unused(axes, len(zones))
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=3)
        fig.suptitle(f"{d.day.label} ({d.day.kind}): people on duty against the requirement", x=0.01, ha="left",
                     fontsize=10)
        return fig

    return build()


def write_outputs(roster, out_dir, *, verification=None, summary: dict | None = None, plots: bool = True) -> list[str]:
    """Write the roster's files into *out_dir*, complete or not at all; returns the file names."""
    import warnings

    with staged_dir(out_dir) as stage:
        roster.shifts.to_csv(stage / "roster.csv", index=False, encoding="utf-8")
        stints = roster.stints.copy()
        from optimize import format_clock

        stints["start"] = stints["start"].map(format_clock)
        stints["end"] = stints["end"].map(format_clock)
        stints.to_csv(stage / "assignments.csv", index=False)
        roster.unmet.to_csv(stage / "unmet.csv", index=False)
        from rosters.requirements_file import requirements_frame

        requirements_frame({d.date: roster.requirements(d.date) for d in roster.problem.days}).to_csv(
            stage / "requirements.csv", index=False)
        roster.fairness().to_csv(stage / "fairness.csv", index=False, encoding="utf-8")
        roster.fairness_stats().to_csv(stage / "fairness_stats.csv", index=False, float_format="%.4g")
        (stage / "issues.txt").write_text("".join(f"{i}\n" for i in roster.issues), encoding="utf-8")
        names = {z.id: (z.name or z.id) for d in roster.problem.days for z in d.day.scenario.zones}
        for monday in roster.problem.calendar.weeks():
            (stage / f"week_{monday.isoformat()}.html").write_text(week_html(roster, monday, names), encoding="utf-8")
        if verification is not None:
            verification.cells.to_csv(stage / "verification.csv", index=False, float_format="%.6g")
            verification.days.to_csv(stage / "verification_days.csv", index=False, float_format="%.6g")
        if plots:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for d in roster.problem.days:
                    fig = coverage_figure(roster, d.date)
                    fig.savefig(stage / f"coverage_{d.date.isoformat()}.png", dpi=110)
        if summary is not None:
            (stage / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        files = sorted(p.name for p in stage.iterdir())
    return files
