"""A hall layout: which zones keep departmental windows, which pool into comprehensive windows,
and how many windows each has - as a change to a base scenario (a variant that ``extends`` it).

A pool merges its zones' windows into one comprehensive zone that serves all their services
(``serves``), with a generalist slow-down (``speed``: the service-time multiplier at the pool's
windows, 1.15 = 15% slower). The pooled zones keep their queues (visitors still take a ticket
per item) but no windows of their own, as in Linqu's reform (``scenarios/linqu_comprehensive.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BUNDLE_MODES", "BUNDLE_ZONE", "Layout", "PoolSpec", "bundle_changes"]

BUNDLE_MODES = ("as_is", "visit_each", "one_window")
"""``as_is``: bundles as the base has them; ``visit_each``: no dedicated bundle windows (the visitor
queues at each part's zone); ``one_window``: every bundle at dedicated windows (zone ``BUNDLE_ZONE``
unless the base names one)."""

BUNDLE_ZONE = "bundle_windows"


@dataclass(frozen=True)
class PoolSpec:
    """Comprehensive windows serving the services of *zones* (two or more zone ids).

    *speed*: service-time multiplier at these windows (> 0; 1.15 = generalists 15% slower).
    """

    zones: tuple[str, ...]
    speed: float = 1.0

    def __post_init__(self):
        if len(self.zones) < 2 or len(set(self.zones)) != len(self.zones):
            raise ValueError(f"a pool needs two or more distinct zones, got {self.zones!r}")
        if not self.speed > 0:
            raise ValueError(f"a pool's speed must be > 0, got {self.speed!r}")

    @property
    def key(self) -> str:
        """A stable text key: the zone ids joined by ``+``."""
        return "+".join(self.zones)


@dataclass(frozen=True)
class Layout:
    """Which zones pool (*pools*) and how many windows each window zone has (*windows*, by zone id
    for kept zones and by pool key for pools); *bundles* the bundle mode (:data:`BUNDLE_MODES`), with
    *bundle_reduction* the combined time of a one-window bundle as a share of its parts' times."""

    pools: tuple[PoolSpec, ...] = ()
    windows: Mapping[str, int] = field(default_factory=dict)
    bundles: str = "as_is"
    bundle_reduction: float = 1.0

    def __post_init__(self):
        if self.bundles not in BUNDLE_MODES:
            raise ValueError(f"bundles must be one of {', '.join(BUNDLE_MODES)}, got {self.bundles!r}")

    @property
    def pooled_zones(self) -> set[str]:
        return {z for p in self.pools for z in p.zones}

    def label(self, names: Mapping[str, str] | None = None) -> str:
        """The pools in words (``departmental`` when none), zones by *names* when given."""
        names = names or {}
        if not self.pools:
            text = "departmental"
        else:
            text = "; ".join("+".join(names.get(z, z) for z in p.zones) for p in self.pools)
        return text if self.bundles == "as_is" else f"{text}; bundles {self.bundles}"

    def pool_ids(self, taken: set[str]) -> dict[str, str]:
        """A new zone id for each pool (``pool_1``, ``pool_2`` ... avoiding *taken*), by pool key."""
        ids, k = {}, 1
        for pool in self.pools:
            while f"pool_{k}" in taken:
                k += 1
            ids[pool.key] = f"pool_{k}"
            k += 1
        return ids

    def overrides(self, base, staff: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The change to *base* (a ``sim.Scenario``) this layout makes, as a variant file's content.

        Pooled zones get ``windows: 0, staff: 0`` and no longer help on alarm; each pool is a new
        zone on its first zone's floor. *staff* (by zone id or pool key: a constant or one value
        per period) staffs the window zones; zones not in it keep theirs, capped at the windows.
        Raises ValueError for a zone the base does not have.
        """
        staff = staff or {}
        original = base.zone_ids
        base_changes = bundle_changes(base, self.bundles, self.bundle_reduction)
        if base_changes:
            from sim.whatif import with_changes

            base = with_changes(base, base_changes, label=f"bundles {self.bundles}")
        zones = {z.id: z for z in base.zones}
        unknown = sorted((self.pooled_zones | set(self.windows)) - set(zones) - {p.key for p in self.pools})
        if unknown:
            raise ValueError(f"layout names zones the scenario does not have: {', '.join(unknown)}")
        pooled = self.pooled_zones
        changes: list[dict[str, Any]] = []
        for z in base.zones:
            if z.id in pooled:
                changes.append({"id": z.id, "windows": 0, "staff": 0, "can_help": []})
                continue
            change: dict[str, Any] = {"id": z.id}
            windows = self.windows.get(z.id, z.windows)
            if windows != z.windows:
                change["windows"] = int(windows)
            level = staff.get(z.id)
            if level is None and windows < z.windows:
                level = [min(s, windows) for s in base.staff_per_period(z.id)]
            if level is not None:
                change["staff"] = _plain(level)
            if isinstance(z.can_help, list) and pooled & set(z.can_help):
                change["can_help"] = [h for h in z.can_help if h not in pooled]
            if len(change) > 1:
                changes.append(change)
        ids = self.pool_ids(set(original))
        for pool in self.pools:
            first = zones[pool.zones[0]]
            name = "综合窗口：" + "+".join(zones[z].name or z for z in pool.zones)
            entry: dict[str, Any] = {"id": ids[pool.key], "name": name, "windows": int(self.windows.get(pool.key, 0)),
                                     "floor": first.floor, "serves": list(pool.zones), "speed": pool.speed}
            entry["staff"] = _plain(staff.get(pool.key, entry["windows"]))
            changes.append(entry)
        return _merged(base_changes, {"zones": changes})

    def apply(self, base, staff: Mapping[str, Any] | None = None, label: str = "layout"):
        """*base* with this layout (see :meth:`overrides`), validated like a file."""
        from sim.whatif import with_changes

        return with_changes(base, self.overrides(base, staff), label=label)


def bundle_changes(base, mode: str, reduction: float = 1.0) -> dict[str, Any]:
    """The change to *base* that puts its bundles in *mode* (:data:`BUNDLE_MODES`; {} when nothing changes).

    ``visit_each`` closes the windows of bundle zones that serve nothing else; ``one_window`` serves
    every bundle at the base's bundle windows, or at a new zone ``BUNDLE_ZONE`` on floor 1 (sized by
    the layout), each taking *reduction* x its parts' times unless the base gives a combined time.
    """
    import sim

    if mode == "as_is" or not base.bundles or all(b.mode == mode for b in base.bundles):
        return {}
    bundles = sim.scenario_to_dict(base)["bundles"]
    zones: list[dict[str, Any]] = []
    homes = {s.zone for s in base.services}
    if mode == "visit_each":
        for b in bundles:
            b["mode"] = "visit_each"
            for key in ("window_zone", "reduction", "service_time"):  # one-window fields only
                b.pop(key, None)
        for zid in {b.window_zone for b in base.bundles if b.window_zone is not None} - homes:
            zones.append({"id": zid, "windows": 0, "staff": 0})
    else:
        existing = next((b.window_zone for b in base.bundles if b.window_zone is not None), None)
        target = existing or BUNDLE_ZONE
        if existing is None:
            zones.append({"id": BUNDLE_ZONE, "name": "一件事窗口", "windows": 0, "staff": 0, "floor": 1})
        for b in bundles:
            if b.get("mode") != "one_window":
                b.update({"mode": "one_window", "window_zone": target, "reduction": reduction})
    out: dict[str, Any] = {"bundles": bundles}
    if zones:
        out["zones"] = zones
    return out


def _merged(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two change sets as one (zone changes by id, the second's last)."""
    out = dict(first)
    if "zones" in second:
        by_id: dict[str, dict[str, Any]] = {}
        for change in list(first.get("zones", [])) + list(second["zones"]):
            by_id.setdefault(change["id"], {}).update(change)
        out["zones"] = list(by_id.values())
    return out


def _plain(level: Any) -> Any:
    if isinstance(level, (list, tuple)):
        return [int(v) for v in level]
    return int(level)
