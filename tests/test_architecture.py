"""The layers hold: the import contracts (import-linter, in pyproject.toml) pass on the tree and
fail when a lower layer imports a higher one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "optimize", "calibration", "rosters", "planning", "servicehall", "webapp")
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, cwd=tree, env=env)


def copy_tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[test]')")
def test_import_contracts_hold():
    proc = lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[test]')")
@pytest.mark.parametrize("module, upward", [
    ("sim/topology.py", "import sim.model.hall  # upward: the engine"),
    ("sim/mechanics/bundles.py", "import sim.scenario.load  # upward: the scenario loader"),
    ("sim/scenario/checks.py", "import sim.results  # upward: results"),
    ("optimize/targets.py", "import servicehall.cli  # upward: the command line"),
])
def test_an_upward_import_breaks_a_contract(tmp_path, module, upward):
    tree = copy_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{upward}\n", encoding="utf-8")
    proc = lint(tree)
    assert proc.returncode != 0 and "broken" in proc.stdout.lower(), proc.stdout
