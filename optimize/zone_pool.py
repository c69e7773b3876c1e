"""Each zone's exact model held where its work runs: in this process, or spread over worker
processes, one share of the zones per process, so that a model's cache of states stays
warm from one call to the next (rebuilding it costs as much as the call).

The zones' models are independent of each other, so every answer is the same whatever the
number of workers; only the time changes. A call names a module-level function ``fn(model,
*args)`` (it must pickle) and the arguments per zone; the pool runs it on each zone's model
where that model lives and returns the answers by zone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from optimize.exact_staffing import ZoneEvaluator

__all__ = ["ZonePool"]

_HELD: dict[tuple[str, int], ZoneEvaluator] = {}    # in a worker: (pool token, zone) -> model


def _create(token: str, zone: int, spec: dict) -> None:
    # one BLAS thread per worker: the pool is the parallelism (NumPy's default of every core
    # per process made two workers fight over two cores and gained almost nothing)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _HELD[token, zone] = ZoneEvaluator(**spec)


def _call(token: str, zone: int, fn: Callable, args: tuple):
    return fn(_HELD[token, zone], *args)


def _work(spec: dict) -> float:
    """How much work a zone's model is, roughly: its offered load (its state space grows with it)."""
    return sum(spec["rates"]) * spec["mean_service"] + 1.0


class ZonePool:
    """Zone models built from *specs* (zone index -> ZoneEvaluator keyword arguments), held
    in this process (*workers* <= 1) or over at most *workers* processes."""

    def __init__(self, specs: dict[int, dict], workers: int = 1):
        self.zones = list(specs)
        self._local: dict[int, ZoneEvaluator] | None = None
        self._pools: list = []
        if workers <= 1 or len(specs) < 2:
            self._local = {z: ZoneEvaluator(**spec) for z, spec in specs.items()}
            return
        import sim

        self._token = uuid.uuid4().hex
        self._pools = [sim.worker_pool(1) for _ in range(min(workers, len(specs)))]
        # the heaviest zones first, each to the least loaded process
        load = [0.0] * len(self._pools)
        self._home: dict[int, int] = {}
        for z in sorted(specs, key=lambda z: -_work(specs[z])):
            home = min(range(len(load)), key=load.__getitem__)
            self._home[z] = home
            load[home] += _work(specs[z])
        try:
            for future in [self._pools[self._home[z]].submit(_create, self._token, z, spec)
                           for z, spec in specs.items()]:
                future.result()
        except BaseException:          # no worker outlives a failed start
            self.close(at_once=True)
            raise

    def map(self, fn: Callable, args: dict[int, tuple]) -> dict[int, Any]:
        """``fn(model, *args[z])`` for each zone z in *args*, by zone."""
        if self._local is not None:
            return {z: fn(self._local[z], *a) for z, a in args.items()}
        futures = {z: self._pools[self._home[z]].submit(_call, self._token, z, fn, a) for z, a in args.items()}
        return {z: f.result() for z, f in futures.items()}

    def each(self, fn: Callable, *args) -> dict[int, Any]:
        """``fn(model, *args)`` for every zone, by zone."""
        return self.map(fn, {z: args for z in self.zones})

    def close(self, at_once: bool = False) -> None:
        """Let the worker processes go (*at_once*: kill them, e.g. on an interruption)."""
        import sim

        for pool in self._pools:
            if at_once:
                sim.stop_pool(pool)
            else:
                pool.shutdown()
        self._pools = []

    def __enter__(self) -> ZonePool:
        return self

    def __exit__(self, kind, *exc) -> None:
        self.close(at_once=kind is not None)
