"""Every notebook under notebooks/ executes top to bottom (stored without outputs)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Smaller settings for the test run, set in a cell after the one tagged "parameters" (papermill's
# convention): the same code on fewer simulated days, as the notebooks' readers run it in full.
QUICK = {
    "03_staffing.ipynb": "REPS, WORKERS = 10, 1",
    "06_layout_search.ipynb": "DAYS = 4",
    "07_alarm_threshold.ipynb": "DAYS, THRESHOLDS = 4, range(10, 31, 5)",
}
# Notebooks that read data kept beside the repository, not in it.
NEEDS = {"04_calibration.ipynb": ROOT.parent / "shared" / "data" / "anonymous_bank" / "calls_1999_02.tsv"}


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A ``python3`` kernelspec that runs this interpreter, found first on JUPYTER_PATH.

    A fresh venv may have no kernelspec, or a user-level ``python3`` one that points
    at another Python without this project installed; so the tests bring their own.
    """
    pytest.importorskip("ipykernel")
    spec_dir = tmp_path_factory.mktemp("jupyter") / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (servicehall tests)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "PYTHONPATH", "MPLBACKEND")}
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(spec_dir.parents[1]), saved["JUPYTER_PATH"]]))
    # The kernel imports this checkout even when it is not installed.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved["PYTHONPATH"]]))
    os.environ.pop("MPLBACKEND", None)  # let the kernel use its inline backend
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_there_are_notebooks():
    assert NOTEBOOKS, "expected notebooks under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "clear outputs before committing"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_env):
    if path.name in NEEDS and not NEEDS[path.name].exists():
        pytest.skip(f"needs {NEEDS[path.name]}")
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    if path.name in QUICK:
        tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert tagged, "the notebook should tag the cell that sets its parameters"
        nb.cells.insert(tagged[0] + 1, nbformat.v4.new_code_cell(QUICK[path.name]))
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    if path.name == "01_quickstart.ipynb":
        # Its plots are Figures built without pyplot: they must still display inline.
        images = sum("image/png" in out.get("data", {}) for c in nb.cells if c.cell_type == "code" for out in c.outputs)
        assert images >= 2, "the plots should display inline"
    if path.name == "05_weekly_roster.ipynb":
        # the roster it shows is one a manager could use: within its gap and breaking no rule
        # (one cut short by the time limit left posts uncovered: 53 violations on 7 Dec)
        printed = "".join(out.get("text", "") for c in nb.cells if c.cell_type == "code" for out in c.outputs)
        assert "\n0 violations" in "\n" + printed, printed
