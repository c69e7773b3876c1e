"""Suite-wide collection order: the modules holding slow tests run first.

pytest-xdist hands tests out in collection order; a minute-long test collected last keeps one
worker busy while the other idles, so the long ones start first and the short ones fill the
gaps. Tests stay grouped by module (their module-scoped fixtures are set up once per worker)."""

from __future__ import annotations


def pytest_collection_modifyitems(session, config, items):
    slow_modules = {item.module.__name__ for item in items
                    if item.get_closest_marker("slow") is not None and getattr(item, "module", None) is not None}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (getattr(getattr(item, "module", None), "__name__", "") not in slow_modules,
                                 order[id(item)]))
