"""A stop (SIGTERM, Ctrl-C) during a long integer program: HiGHS is cancelled at once, a CBC
program is killed with its process (a SIGTERM reaches only ours) and its files removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Equal-weight subset sums: minutes of branching for either solver, a sub-second model to build.
HARD = """
import signal, sys
import numpy as np
from optimize import roster_model as rm
from sim.stop_request import Terminated

def stop(signum, frame):
    raise Terminated(signum)

signal.signal(signal.SIGTERM, stop)
rng = np.random.default_rng(1)
n, m = 100, 5
p = rm.new_problem("hard")
x = rm.binary_vars(p, "x", range(n))
w = rng.integers(50, 100, size=(m, n))
for i in range(m):
    p += (rm.affine([(x[j], float(w[i, j])) for j in range(n)]) == float(w[i].sum() // 2), f"c{i}")
p += rm.affine([(x[j], 1.0) for j in range(n)])
print("solving", flush=True)
rm.solve(p, solver=sys.argv[1])
print("solved", flush=True)
"""


def children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("solver", ["HiGHS", "CBC"])
def test_a_stop_during_a_solve_ends_it_at_once(solver, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HARD, solver], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT, env=env, text=True)
    try:
        assert proc.stdout.readline() == "solving\n"
        time.sleep(2.0)  # well into the search
        kids = children(proc.pid)
        assert proc.poll() is None, "solved too fast to test a stop"
        start = time.time()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert time.time() - start < 10, "the stop waited for the solver"
    finally:
        proc.kill()
    assert "Terminated: 15" in err and "solved" not in err
    deadline = time.time() + 5
    while time.time() < deadline and any(alive(k) for k in kids):
        time.sleep(0.1)
    assert not [k for k in kids if alive(k)], "the solver program outlived its parent"
    assert list(tmp_path.iterdir()) == []  # no model or solution file left behind
