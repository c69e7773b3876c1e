"""Progress bars show on a terminal (or when asked) and stay quiet when output is not one."""

import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.progress import progress_bar

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "small.yaml"


def test_quiet_when_stderr_is_not_a_terminal():
    proc = subprocess.run([sys.executable, "-m", "servicehall", "simulate", SMALL, "-n", "3", "--workers", "1"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and proc.stderr == ""


def test_shown_when_asked():
    proc = subprocess.run([sys.executable, "-m", "servicehall", "simulate", SMALL, "-n", "3", "--workers", "1", "--progress"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "replications:" in proc.stderr and "/3" in proc.stderr


def test_default_follows_the_terminal(monkeypatch):
    class FakeTTY:
        def isatty(self):
            return True

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stderr", FakeTTY())
    assert not progress_bar(total=1, desc="x").disable
    monkeypatch.setattr(sys, "stderr", open("/dev/null", "w"))
    assert progress_bar(total=1, desc="x").disable


def test_python_api_is_quiet_by_default_in_tests(capsys):
    sim.simulate(sim.load_scenario(SMALL), replications=2, seed=0, workers=1)
    assert capsys.readouterr().err == ""


def test_a_callable_gets_each_finished_replication_and_can_stop_the_run(capsys):
    scenario = sim.load_scenario(SMALL)
    seen = []
    results = sim.simulate(scenario, replications=4, seed=0, workers=1,
                           progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)] and results.replications == 4
    assert capsys.readouterr().err == ""  # no bar besides the callable

    class Stop(Exception):
        pass

    def stop(done, total):
        if done == 2:
            raise Stop()

    with pytest.raises(Stop):
        sim.simulate(scenario, replications=50, seed=0, workers=2, progress=stop)
