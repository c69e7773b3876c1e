"""Small builders shared by the tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from sim import scenario_from_dict
from sim.model.compiled import compile_hall
from sim.model.hall import HallModel
from sim.model.visitors import Visitors


def hall(zones=None, services=None, open="08:00", close="09:00", period=30, **extra):
    """A scenario dict with one zone ``z`` and one service ``s`` unless given."""
    data = {
        "name": "test hall",
        "hours": {"open": open, "close": close},
        "period_minutes": period,
        "zones": zones or [{"id": "z", "windows": 1, "staff": 1}],
        "services": services or [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 10},
                                  "service_time": {"dist": "exponential", "mean": 5}}],
    }
    data.update(extra)
    return copy.deepcopy(data)


def run_trace(data, arrivals, works, services=None, patience=None, queues=None, rest=None):
    """Run the model on hand-given visitors; *arrivals* are minutes after opening.

    *services* are service indices (their walk-in queues) or *queues* queue labels;
    *rest* maps a visitor to later steps ``(queue label, work, patience, delay)``.
    """
    plan = compile_hall(scenario_from_dict(data))
    n = len(arrivals)
    services = services if services is not None else [0] * n
    if queues is None:
        queues = [plan.service_ids[s] for s in services]
    visitors = Visitors(
        arrival=plan.open + np.asarray(arrivals, dtype=float),
        queue=np.array([plan.queue_of(q) for q in queues], dtype=np.int64),
        work=np.asarray(works, dtype=float),
        patience=np.asarray(patience if patience is not None else [np.inf] * n, dtype=float),
        service=np.asarray(services, dtype=np.int64),
        bundle=np.full(n, -1),
        klass=np.zeros(n, dtype=np.int64),
        returns=np.zeros(n, dtype=np.int64),
        rest={i: tuple((plan.queue_of(q), w, p, d) for q, w, p, d in steps) for i, steps in (rest or {}).items()},
        day_factor=1.0,
    )
    record = HallModel(plan, visitors).run()
    return plan, record


def rel(values, plan):
    """Times relative to opening, rounded for exact comparison."""
    return [None if np.isnan(x) else round(float(x) - plan.open, 9) for x in values]


@dataclass
class CliRun:
    """What one in-process ``servicehall`` call returned and printed."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, cwd=None) -> CliRun:
    """Run ``servicehall ARGS`` in this process (no interpreter start-up), capturing its output.

    *cwd* runs it from another folder (relative paths in *args* resolve there).
    """
    import contextlib
    import io
    import os

    from servicehall.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse: --help, bad options
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(before)
    return CliRun(int(code), out.getvalue(), err.getvalue())
