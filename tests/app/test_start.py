"""The app without a hall at start, and the CLI's confinement of writes."""

from __future__ import annotations

import os
import sys
import tempfile
import warnings

import pytest

from servicehall.cli.app import confine_writes

from .conftest import WRITE


@pytest.mark.slow
def test_without_a_scenario_the_app_offers_the_bundled_halls(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from webapp.server import create_app

    with TestClient(create_app(tmp_path / "work", workers=1), base_url="http://127.0.0.1") as c:
        state = c.get("/api/state").json()
        assert state["hall"] is None and any(b["file"] == "lanling.yaml" for b in state["bundled"])
        assert c.get("/api/results").status_code == 404
        assert c.post("/api/open", json={"file": "../pyproject.toml"}, headers=WRITE).status_code == 404
        opened = c.post("/api/open", json={"file": "hedong.yaml"}, headers=WRITE).json()
        assert opened["hall"]["source"] == "hedong.yaml"
        assert sorted({z["floor"] for z in opened["hall"]["zones"]}) == [1, 2, 3]  # Hedong's three floors


def test_confine_writes_sends_temporary_files_and_caches_into_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setenv("TMPDIR", "/tmp")
    confine_writes(tmp_path)
    assert tempfile.gettempdir() == str(tmp_path / "tmp")
    assert os.environ["MPLCONFIGDIR"] == str(tmp_path / "cache" / "matplotlib")
    assert sys.dont_write_bytecode
    with tempfile.NamedTemporaryFile() as f:
        assert f.name.startswith(str(tmp_path))


def test_browser_tests_fail_rather_than_skip_under_ci_without_chromium(monkeypatch, tmp_path):
    from . import conftest

    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        conftest.need_browser()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        conftest.need_browser()


def test_every_message_the_page_names_is_in_the_catalog_in_both_languages():
    import re
    from importlib import resources

    from sim.i18n import catalog

    files = [resources.files("webapp").joinpath(*p) for p in
             (("static", "app.js"), ("static", "views.js"), ("static", "replay.js"), ("templates", "index.html"))]
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    keys = set(re.findall(r"""\bt[r]?\(\s*["']([a-z_]+\.[a-z_.]+)["']""", text))
    keys |= set(re.findall(r'data-i18n="([a-z_.]+)"', text))
    keys |= {f"{a}.{b}" for a, b in re.findall(r'"(compare)\.(no_baseline|mismatch|need_run)"', text)}
    from optimize.methods import METHODS

    keys = {k for k in keys if not k.endswith(".")} | {f"opt.m.{m}" for m in METHODS}  # t("opt.m." + method)
    assert len(keys) > 60, sorted(keys)
    for lang in ("en", "zh"):
        missing = sorted(k for k in keys if k not in catalog(lang))
        assert not missing, (lang, missing)


def test_a_hall_staffed_by_people_runs_as_shifts_until_its_grid_is_edited(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from webapp.server import create_app

    from .conftest import ROOT

    shifts = ROOT / "scenarios" / "examples" / "shifts.yaml"
    with TestClient(create_app(tmp_path / "work", scenario=shifts, workers=1), base_url="http://127.0.0.1") as c:
        hall = c.get("/api/state").json()["hall"]
        assert hall["people"] and all(isinstance(v, int) for row in hall["staffing"].values() for v in row)
        session = c.app.state.hall.session
        assert session.current_scenario().people is not None  # unedited: the shifts themselves
        row = [v + 1 for v in hall["staffing"]["tax"]]
        assert c.put("/api/staffing", json={"grid": {"tax": row}}, headers=WRITE).status_code == 200
        edited = session.current_scenario()
        assert edited.people is None and edited.staff_per_period("tax") == row


@pytest.mark.parametrize("argv,message", [
    (["--host", ""], "--host: empty; give 127.0.0.1"),
    (["--port", "99999"], "--port: must be from 0 to 65535, got 99999"),
    (["--port", "８０"], "--port: must be a whole number, got '８０'"),
    (["--workdir", "file.txt"], "--workdir file.txt: exists and is not a folder"),
])
def test_bad_app_options_stop_before_serving(argv, message, tmp_path, monkeypatch, capsys):
    from servicehall.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    assert main(["app", "--port", "0", *argv]) == 2
    assert message in capsys.readouterr().err
