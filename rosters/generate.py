"""A staff file generated deterministically from a hall scenario (for benchmarks and examples).

People are spread over the zones in proportion to each zone's windows (at least
two per zone, so every post can have a primary and a backup); each zone's
windows are its AB posts (as many as its people allow), the first people of a
zone their primaries and the next their backups. Assumptions, all in the
parameters: 80% full time (40 h, 5 days, two consecutive days off, at most two
weekends a month), 20% part time (20 h, mornings or afternoons, some never on
Saturdays, a minimum of 12 h); about 30% also serve a neighbouring zone (the
zone's ``can_help`` or ``serves`` lists) 10-30% slower there; about 6% have one
to three days of leave in the horizon; about 10% would rather have one weekday
off; a backup has no leave or unavailability when their primary has leave. Names are
common Chinese surnames and given names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import numpy as np

from rosters.dates import WEEKDAYS
from rosters.staff import COLUMNS

__all__ = ["generate_staff", "staff_csv_text"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕建国辉鹏云飞鑫宇浩然欣怡佳琪子涵梓萱雨轩博文晨曦思远嘉怡俊杰"
FULL_SHIFTS = ("full", "early", "day", "late", "evening", "short")
PART_SHIFTS = ("morning", "peak", "afternoon", "short")
ORDER = ("id", "name", "skills", "hours_per_week", "days_per_week", "min_hours_per_week", "shifts",
         "consecutive_days_off", "max_weekends_per_month", "unavailable", "leave", "prefers_off", "post", "role",
         "max_consecutive_days", "worked_before")


def _neighbours(scenario, zone) -> list[str]:
    ids = set(scenario.zone_ids)
    out = []
    for ref in (zone.can_help if isinstance(zone.can_help, list) else []):
        if ref in ids and ref != zone.id:
            out.append(ref)
    if isinstance(zone.serves, list):
        out += [z for z in zone.serves if z in ids and z != zone.id and z not in out]
    return out


def generate_staff(scenario, n_people: int, start: dt.date, days: int = 7, *, seed: int = 0,
                   weights: dict[str, float] | None = None,
                   full_time: float = 0.8, multi_skilled: float = 0.3, on_leave: float = 0.06,
                   full_shifts: Sequence[str] = FULL_SHIFTS, part_shifts: Sequence[str] = PART_SHIFTS) -> list[dict]:
    """*n_people* staff rows (dicts column -> text) for *scenario*'s zones; same *seed*, same rows.

    People go to zones in proportion to *weights* (zone -> weight, e.g. a week's
    required staff-hours; default the windows). Leave dates fall within the *days*
    from *start*.
    """
    rng = np.random.default_rng(seed)
    zones = list(scenario.zones)
    windows = np.array([(weights or {}).get(z.id, 0.0) if weights else z.windows for z in zones], float)
    counts = np.maximum(2, np.floor(windows / windows.sum() * n_people)).astype(int)
    order = np.argsort(-(windows / windows.sum() * n_people - np.floor(windows / windows.sum() * n_people)))
    k = 0
    while counts.sum() < n_people:
        counts[order[k % len(zones)]] += 1
        k += 1
    while counts.sum() > n_people:
        big = int(np.argmax(counts))
        counts[big] -= 1
    rows: list[dict] = []
    serial = 0
    for zone, n in zip(zones, counts):
        others = _neighbours(scenario, zone)
        posts = min(zone.windows, n // 2)
        for j in range(n):
            serial += 1
            full = j < posts or rng.random() < full_time
            skills = [f"{zone.id}:1.0"]
            if others and rng.random() < multi_skilled:
                extra = others[int(rng.integers(len(others)))]
                skills.append(f"{extra}:{1.0 + 0.1 * int(rng.integers(1, 4)):.1f}")
            leave = ""
            if rng.random() < on_leave:
                first = start + dt.timedelta(days=int(rng.integers(days)))
                last = min(first + dt.timedelta(days=int(rng.integers(3))), start + dt.timedelta(days=days - 1))
                leave = first.isoformat() if last == first else f"{first.isoformat()}..{last.isoformat()}"
            prefers = WEEKDAYS[int(rng.integers(5))] if rng.random() < 0.1 else ""
            name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(
                GIVEN[int(i)] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
            row = {c: "" for c in COLUMNS}
            row.update(id=f"s{serial:03d}", name=name, skills=";".join(skills), leave=leave, prefers_off=prefers)
            if full:
                row.update(hours_per_week="40", days_per_week="5", shifts=";".join(full_shifts),
                           consecutive_days_off="2", max_weekends_per_month="2")
            else:
                row.update(hours_per_week="20", days_per_week="5", min_hours_per_week="12",
                           shifts=";".join(part_shifts), unavailable="sat" if rng.random() < 0.5 else "")
            if j < 2 * posts:
                row.update(post=f"{zone.id}-{j % posts + 1:02d}", role="A" if j < posts else "B")
                if j >= posts:
                    # a manager does not grant a backup leave while the primary is away, nor rota a
                    # backup who never works Saturdays behind a primary on leave
                    primary = rows[len(rows) - posts]
                    if primary["leave"]:
                        row.update(leave="", unavailable="")
            rows.append(row)
    return rows


def staff_csv_text(rows: list[dict]) -> str:
    """The rows as CSV text with the standard header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ORDER), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
