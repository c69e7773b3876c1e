"""Fuzz tier, corpus: every hostile file in ``corpus/`` through the CLI in-process.

``bad_*`` files must exit 2 with a ``file: path: message`` line naming the file and
no traceback; ``ok_*`` files are valid edge cases that must succeed. Kinds: scenario
files (``simulate``), staffing CSVs (``simulate --staffing``), shift files
(``optimize --shifts``, refused before any optimization), logs and log-format files
(``calibrate``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from servicehall.cli import main

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
ROOT = HERE.parents[1]
SMALL = ROOT / "tests" / "data" / "small.yaml"
OPTIMIZE_HALL = ROOT / "tests" / "data" / "optimize_hall.yaml"


def files(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).iterdir())


def check(status: int, err: str, path: Path) -> None:
    assert "Traceback" not in err
    if path.name.startswith("ok_"):
        assert status == 0, err
        return
    assert status == 2, err
    lines = [x for x in err.splitlines() if x.startswith("servicehall: error: ")]
    assert lines, err
    first = lines[0].removeprefix("servicehall: error: ")
    # file: [path: ]message - the file given (or one it extends), never a placeholder such as <log>
    file = first.split(": ", 1)[0]
    assert file.endswith((".yaml", ".csv")) or file.startswith("--"), first
    assert len(first.split(": ")) >= 2, first


@pytest.mark.parametrize("path", files("scenario"), ids=lambda p: p.name)
def test_scenario_files(path, capsys, tmp_path):
    if path.name == "bad_extends_cycle_b.yaml":
        pytest.skip("run through bad_extends_cycle_a.yaml")
    status = main(["simulate", str(path), "-n", "2", "--workers", "1", "--json", "--out", str(tmp_path / "out")])
    check(status, capsys.readouterr().err, path)
    if status == 0:
        assert (tmp_path / "out" / "visits.csv").exists()
    else:
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("path", files("staffing"), ids=lambda p: p.name)
def test_staffing_files(path, capsys):
    status = main(["simulate", str(SMALL), "--staffing", str(path), "-n", "2", "--workers", "1", "--json"])
    check(status, capsys.readouterr().err, path)


@pytest.mark.parametrize("path", files("shift"), ids=lambda p: p.name)
def test_shift_files(path, capsys, tmp_path):
    status = main(["optimize", str(OPTIMIZE_HALL), "--shifts", str(path), "-n", "2", "--workers", "1",
                   "--out", str(tmp_path / "out")])
    check(status, capsys.readouterr().err, path)
    assert not (tmp_path / "out").exists()


def quiet_main(argv: list[str]) -> int:
    """``main(argv)``, failing on any RuntimeWarning (numpy's "invalid value" and the like printed
    beside a result: a one-day log, a service with two visits)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        status = main(argv)
    assert not [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return status


@pytest.mark.parametrize("path", files("log"), ids=lambda p: p.name)
def test_log_files(path, capsys, tmp_path):
    status = quiet_main(["calibrate", str(path), "--format", str(CORPUS / "logformat" / "ok_format.yaml"),
                         "--out", str(tmp_path / "out.yaml")])
    check(status, capsys.readouterr().err, path)
    assert (tmp_path / "out.yaml").exists() == (status == 0)


@pytest.mark.parametrize("path", files("logformat"), ids=lambda p: p.name)
def test_log_format_files(path, capsys, tmp_path):
    status = quiet_main(["calibrate", str(CORPUS / "log" / "ok_log.csv"), "--format", str(path),
                         "--out", str(tmp_path / "out.yaml")])
    check(status, capsys.readouterr().err, path)
