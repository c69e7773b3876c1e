"""Every mechanism's example pair, compared from the CLI, shows its effect with a 95% interval."""

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "scenarios" / "examples"

# (A, B, where, KPI, expected sign of B - A)
PAIRS = [
    ("small_hall", "pooling", "overall", "mean_wait", -1),
    ("small_hall", "comprehensive", "overall", "p90_wait", -1),
    ("bundle_visit_each", "bundle_one_window", "overall", "visits", -1),  # one queue instead of three
    ("small_hall", "appointments", "overall", "visitors", -1),  # no-shows
    ("small_hall", "diversion", "tax", "visitors", -1),  # online and kiosks take invoices away
    ("back_office", "accept_with_deficiencies", "overall", "return_visits", -1),
    ("small_hall", "back_office", "overall", "return_visits", +1),
    ("small_hall", "guide_desk", "overall", "visits", +1),  # everyone passes the desk too
    ("shifts_closed_noon", "shifts", "overall", "mean_wait", -1),
    ("alarm_off", "alarm", "tax", "p90_wait", -1),
    ("small_hall", "sent_on", "tax", "visitors", +1),  # buyers sent on to pay the deed tax
]


@pytest.mark.slow
@pytest.mark.parametrize("a,b,where,kpi,sign", PAIRS, ids=[f"{a}-vs-{b}" for a, b, *_ in PAIRS])
def test_example_pair_effect(a, b, where, kpi, sign):
    proc = run_cli("compare", EX / f"{a}.yaml", EX / f"{b}.yaml", "-n", "20", "--workers", "1", "--json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)["difference"]
    entry = diff["overall"][kpi] if where == "overall" else diff["zones"][where][kpi]
    low, high = entry["ci95"]
    if sign < 0:
        assert high < 0, entry
    else:
        assert low > 0, entry


@pytest.mark.parametrize("path", sorted(EX.glob("*.yaml")), ids=lambda p: p.name)
def test_example_runs_from_the_cli(path):
    proc = run_cli("simulate", path, "-n", "2", "--workers", "1", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "all zones" in proc.stdout
