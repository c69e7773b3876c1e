"""Suite-wide collection order: the modules holding slow tests run first.

pytest-xdist hands tests out in collection order; a minute-long test collected last keeps one
worker busy while the other idles, so the long ones start first and the short ones fill the
gaps. Tests stay grouped by module (their module-scoped fixtures are set up once per worker)."""

from __future__ import annotations

import os

# One BLAS thread per test process (and the processes it starts: CLI runs, notebook kernels,
# worker pools): with two workers on two cores, OpenBLAS's default of a thread per core
# oversubscribes them and its threads wait on each other: on 7 Dec the reference-hall roster
# test took 95 s instead of 52 s, the exact-optimum test 62 s instead of 27 s. The numbers do
# not change (the same suite passes, the exact optimum is the same plan).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def pytest_configure(config):
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)     # in case a plugin loaded NumPy before this file set the variables


def pytest_collection_modifyitems(session, config, items):
    slow_modules = {item.module.__name__ for item in items
                    if item.get_closest_marker("slow") is not None and getattr(item, "module", None) is not None}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (getattr(getattr(item, "module", None), "__name__", "") not in slow_modules,
                                 order[id(item)]))
