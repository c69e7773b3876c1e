"""The web app's JSON API and exports, in-process (no browser): the small example hall."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
import yaml

import sim

from .conftest import SMALL_HALL, WRITE


def wait(client, job: dict) -> dict:
    client.app.state.hall.jobs.wait(client.app.state.hall.jobs.jobs[job["id"]])
    return client.get(f"/api/jobs/{job['id']}").json()


def run(client, days: int = 5, seed: int = 0) -> dict:
    job = client.post("/api/run", json={"replications": days, "seed": seed}, headers=WRITE).json()
    done = wait(client, job)
    assert done["state"] == "done", done
    return client.get("/api/results").json()


def test_the_page_carries_both_languages_and_the_hall_its_zone_names(client):
    page = client.get("/?lang=zh")
    assert page.status_code == 200 and '<html lang="zh-Hans">' in page.text
    assert "排班推演" in page.text and "what-if for hall managers" in page.text  # both catalogs, for the switch
    hall = client.get("/api/state").json()["hall"]
    assert [z["label"] for z in hall["zones"]] == ["不动产登记区", "公积金区", "社保医保区", "税务区"]
    assert hall["periods"] == ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"]
    assert hall["staffing"]["tax"] == [3] * 8 and not hall["has_run"]
    assert {b["file"] for b in client.get("/api/state").json()["bundled"]} >= {"lanling.yaml", "hedong.yaml"}


def test_grid_edits_are_checked_cell_by_cell(client):
    ok = client.put("/api/staffing", json={"grid": {"tax": [4] * 8}}, headers=WRITE)
    assert ok.status_code == 200 and ok.json()["staffing"]["tax"] == [4] * 8
    assert ok.json()["staff_hours"] == pytest.approx((3 + 2 + 3 + 4) * 4)
    bad = client.put("/api/staffing", json={"grid": {"tax": [5, -1, "x", 4, 4, 4, 4, 4], "nowhere": [1]}},
                     headers=WRITE)
    assert bad.status_code == 422
    assert [p[:2] for p in bad.json()["problems"]] == [
        ["tax@08:30", "exceeds the zone's 4 windows, got 5"],
        ["tax@09:00", "must be a whole number >= 0, got -1"],
        ["tax@09:30", "must be a whole number >= 0, got 'x'"],
        ["nowhere", "unknown zone; known zones: realestate, housing_fund, social, tax"],
    ]
    assert client.get("/api/state").json()["hall"]["staffing"]["tax"] == [4] * 8  # nothing changed


def test_a_run_reports_kpis_with_intervals_and_more_staff_cuts_the_wait(client):
    first = run(client)
    assert first["info"]["replications"] == 5 and not first["stale"]
    cells = [c for c in first["heatmap"]["mean_wait"]["tax"] if c[0] is not None]
    assert len(cells) == 8 and all(lo <= m <= hi for m, lo, hi in cells)
    before = first["zones"]["tax"]["mean_wait"][0]
    client.put("/api/staffing", json={"grid": {"tax": [4] * 8}}, headers=WRITE)
    assert client.get("/api/results").json()["stale"]
    after = run(client)["zones"]["tax"]["mean_wait"][0]
    assert after < before
    # Same seed, the other zones see the same visitors and nearly the same waits (common random numbers).
    assert first["zones"]["realestate"]["visitors"][0] == run(client)["zones"]["realestate"]["visitors"][0]


def test_progress_is_reported_and_a_run_can_be_cancelled(client):
    jobs = client.app.state.hall.jobs
    job = client.post("/api/run", json={"replications": 200}, headers=WRITE).json()
    assert job["state"] == "running" and job["total"] in (0, 200)
    assert client.post("/api/run", json={"replications": 2}, headers=WRITE).status_code == 409  # one at a time
    while jobs.jobs[job["id"]].done < 2:
        pass
    assert client.post(f"/api/jobs/{job['id']}/cancel", headers=WRITE).status_code == 200
    done = wait(client, job)
    assert done["state"] == "cancelled" and 2 <= done["done"] < 200
    assert client.get("/api/results").status_code == 404  # a cancelled run leaves no results
    assert client.post("/api/run", json={"replications": 0}, headers=WRITE).status_code == 422


def test_compare_is_paired_against_the_baseline(client):
    assert client.get("/api/compare").json() == {"ready": False, "reason": "no_baseline"}
    run(client, days=8)  # the first run becomes the baseline
    same = client.get("/api/compare").json()
    assert same["ready"] and same["changed_cells"] == 0
    assert same["zones"]["tax"]["mean_wait"][:3] == [0.0, 0.0, 0.0]  # a run against itself
    client.put("/api/staffing", json={"grid": {"tax": [4] * 8}}, headers=WRITE)
    run(client, days=8)
    c = client.get("/api/compare").json()
    mean, low, high, verdict = c["zones"]["tax"]["mean_wait"]
    assert low <= mean <= high < 0 and verdict == "better"
    assert c["changed_cells"] == 8 and c["changed_hours"] == pytest.approx(4.0)
    assert c["b"]["tax"]["mean_wait"][0] < c["a"]["tax"]["mean_wait"][0]
    run(client, days=8, seed=3)
    assert client.get("/api/compare").json()["reason"] == "mismatch"
    client.post("/api/baseline", headers=WRITE)
    assert client.get("/api/compare").json()["ready"]


def test_an_optimized_plan_can_be_accepted_into_the_grid(client):
    assert client.get("/api/optimize").status_code == 404
    bad = client.post("/api/optimize", json={"target": "wait<=15@180%"}, headers=WRITE)
    assert bad.status_code == 422 and bad.json()["problems"][0][0] == "target"
    job = client.post("/api/optimize", json={"target": "wait<=15@80%", "method": "sipp", "replications": 3},
                      headers=WRITE).json()
    done = wait(client, job)
    assert done["state"] == "done" and any("verification" in line for line in done["log"])
    assert any(line.startswith("新一批模拟日上的核验") for line in done["log_zh"])   # the page in Chinese
    plan = client.get("/api/optimize").json()
    assert plan["method"] == "sipp" and set(plan["plan"]) == {"realestate", "housing_fund", "social", "tax"}
    hall = client.post("/api/optimize/accept", headers=WRITE).json()
    assert hall["staffing"] == plan["plan"]
    assert hall["staff_hours"] == pytest.approx(plan["staff_hours"])


def test_uploads_are_validated_size_limited_and_kept_in_the_working_folder(client, tmp_path):
    data = yaml.safe_load(SMALL_HALL.read_text(encoding="utf-8"))
    data["services"][2]["service_time"]["mean"] = -8
    headers = {**WRITE, "Content-Type": "application/x-yaml"}
    broken = client.post("/api/upload?name=broken.yaml", content=yaml.safe_dump(data).encode(), headers=headers)
    assert broken.status_code == 422
    # each problem with its Chinese wording, for the page in Chinese
    assert ["services[2].service_time.mean", "must be > 0, got -8", "必须大于 0，实际为 -8"] in broken.json()["problems"]
    assert client.get("/api/state").json()["hall"]["source"] == "small_hall.yaml"  # still open
    big = client.post("/api/upload?name=big.yaml", content=b"#" * (512 * 1024 + 1), headers=headers)
    assert big.status_code == 413
    extends = client.post("/api/upload", content=b"extends: ../../lanling.yaml\n", headers=headers)
    assert extends.json()["problems"][0][0] == "extends"
    latin = client.post("/api/upload", content="name: é".encode("latin-1"), headers=headers)
    [(path, message, chinese)] = latin.json()["problems"]
    assert path == "" and message.startswith("unknown text encoding: not UTF-8") and "GB18030" in chinese
    gbk = client.post("/api/upload?name=gbk.yaml", content=SMALL_HALL.read_text(encoding="utf-8").encode("gb18030"),
                      headers=headers)  # a hall saved by Notepad on a Chinese Windows
    assert gbk.status_code == 200 and gbk.json()["hall"]["name"] == yaml.safe_load(SMALL_HALL.read_text())["name"]
    good = client.post("/api/upload?name=../../evil name.yml", content=SMALL_HALL.read_bytes(), headers=headers)
    assert good.status_code == 200 and good.json()["hall"]["source"] == "evil_name.yaml"
    work = client.app.state.hall.workdir
    assert sorted(p.name.split("-", 2)[-1] for p in (work / "uploads").iterdir()) == ["evil_name.yaml", "gbk.yaml"]
    assert not (work.parent / "evil name.yml").exists()


def test_loopback_host_names_only_and_writes_need_the_app_header(client):
    assert client.get("/api/state", headers={"Host": "attacker.example:8765"}).status_code == 403
    assert client.get("/api/state", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.post("/api/run", json={}).status_code == 403  # no X-Servicehall header


def test_bound_elsewhere_the_token_is_required(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from webapp.server import create_app

    app = create_app(tmp_path / "work", scenario=SMALL_HALL, workers=1, token="s3cret")
    with TestClient(app, base_url="http://192.0.2.10:8765", follow_redirects=False) as c:
        assert c.get("/").status_code == 403
        assert c.get("/?token=wrong").status_code == 403
        r = c.get("/?token=s3cret&lang=zh")
        assert r.status_code == 303 and "token" not in r.headers["location"]
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/api/state").status_code == 200  # the cookie now


def test_replay_data_follows_the_engine_records(client):
    run(client, days=3)
    data = client.get("/api/replay?day=1").json()
    results = client.app.state.hall.session.last.results
    visits = results.visits[results.visits["replication"] == 1]
    for z in data["zones"]:
        levels = z["queue_levels"]
        assert min(levels, default=0) >= 0 and (not levels or levels[-1] == 0)
        assert z["queue_times"] == sorted(z["queue_times"])
        served = visits[(visits["zone"] == z["id"]) & (visits["outcome"] == "served")]
        assert len(z["served_times"]) == len(served)
        assert sum(len(s[0]) for s in z["service"].values()) == len(served)
        assert set(z["service"]) <= set(z["window_labels"])
    assert data["open"] == 8 * 60 + 30 and data["end"] >= 12 * 60 + 30
    assert client.get("/api/replay?day=3").status_code == 422


def test_exports_are_what_the_engine_reads(client, tmp_path):
    client.put("/api/staffing", json={"grid": {"tax": [1, 2, 3, 4, 4, 3, 2, 1]}}, headers=WRITE)
    text = client.get("/export/scenario.yaml").text
    exported = sim.scenario_from_dict(yaml.safe_load(text))
    assert exported.staff_per_period("tax") == [1, 2, 3, 4, 4, 3, 2, 1]
    csv = client.get("/export/staffing.csv")
    assert csv.headers["content-disposition"] == 'attachment; filename="small_hall-staffing.csv"'
    (tmp_path / "plan.csv").write_text(csv.text, encoding="utf-8")
    assert sim.read_staffing_csv(tmp_path / "plan.csv", exported)["tax"] == [1, 2, 3, 4, 4, 3, 2, 1]
    assert client.get("/export/report.html").status_code == 404  # no run yet
    run(client, days=2)
    replay = client.get("/export/replay.html?lang=zh").text
    assert "<script src" not in replay and "REPLAY_DATA" in replay and "模拟一日回放" in replay


def test_lunch_rule_endpoint_applies_or_names_the_zone(client):
    ok = client.post("/api/lunch", json={"zones": ["realestate"], "start": "10:30", "end": "12:30",
                                         "max_off": 2, "minutes": 60}, headers=WRITE)
    assert ok.status_code == 200
    assert ok.json()["staffing"]["realestate"] == [3, 3, 3, 3, 1, 1, 2, 2]
    assert ok.json()["lunch_rules"]["realestate"]["max_off"] == 2
    bad = client.post("/api/lunch", json={"zones": ["realestate"], "start": "10:30", "end": "12:30",
                                          "max_off": 1, "minutes": 60}, headers=WRITE)
    assert bad.status_code == 422 and bad.json()["problems"][0][0] == "zone 'realestate'"


def test_cli_help_does_not_import_the_web_framework():
    code = ("import sys, contextlib, io; from servicehall.cli import build_parser, main; build_parser().format_help()\n"
            "loaded = sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'jinja2') if m in sys.modules)\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit): main(['app', '--help'])\n"
            "print(loaded, all(o in out.getvalue() for o in ('--host', '--lang', '--workdir')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[] True", out.stderr


def test_every_problem_the_app_reports_reads_in_chinese(client):
    """Each kind of bad input a manager can give the app - an upload, a grid, a lunch rule, a run's
    or the optimizer's settings - comes back with its Chinese wording (sim.i18n.PROBLEMS_ZH), values
    and field paths kept."""
    import re

    headers = {**WRITE, "Content-Type": "application/x-yaml"}
    text = SMALL_HALL.read_text(encoding="utf-8")

    def upload(body: str | bytes):
        return client.post("/api/upload?name=bad.yaml", content=body if isinstance(body, bytes) else body.encode(),
                           headers=headers)

    answers = [
        upload(b"#" * (512 * 1024 + 1)), upload("name: é".encode("latin-1")), upload("extends: lanling.yaml\n"),
        upload("name: x\nzones: [a, b\n"), upload("name: x\nname: y\n"), upload("# nothing\n"),
        upload(text.replace('open: "08:30"', 'open: "25:00"')),
        upload(text.replace("arrivals: {per_day: 40, profile: day}", "arrivals: {per_day: 40}")),
        upload(text.replace("dist: lognormal, mean: 12", "dist: lognormall, mean: 12")),
        client.put("/api/staffing", json={"grid": [1, 2]}, headers=WRITE),
        client.put("/api/staffing", json={"grid": {"nowhere": [1] * 8, "tax": [1, 2], "social": [9] + [1] * 7,
                                                   "realestate": ["x"] + [1] * 7}}, headers=WRITE),
        client.post("/api/lunch", json={"zones": ["nowhere"]}, headers=WRITE),
        client.post("/api/lunch", json={"start": "12:15", "end": "11:00", "max_off": -1, "minutes": 45},
                    headers=WRITE),
        client.post("/api/lunch", json={"start": "25:00", "end": "noon"}, headers=WRITE),
        client.post("/api/lunch", json={"start": "11:30", "end": "12:00", "minutes": 60}, headers=WRITE),
        client.post("/api/lunch", json={"zones": ["realestate"], "start": "10:30", "end": "12:30", "max_off": 1},
                    headers=WRITE),
        client.post("/api/run", json={"replications": 500}, headers=WRITE),
        client.post("/api/run", json={"seed": -1}, headers=WRITE),
        client.post("/api/optimize", json={"method": "guess"}, headers=WRITE),
        *(client.post("/api/optimize", json={"target": target}, headers=WRITE)
          for target in ("fast please", "wait<=15", "wait<=15@180%", "wait<=15@2")),
    ]
    seen = set()
    for answer in answers:
        assert answer.status_code in (413, 422), answer.text
        assert answer.json()["problems"], answer.text
        for path, english, chinese in answer.json()["problems"]:
            assert re.search(r"[\u4e00-\u9fff]", chinese), (path, english)
            seen.add(english)
    assert len(seen) >= 25, sorted(seen)


def test_a_job_poll_may_wait_for_the_end_of_the_job(client):
    """``GET /api/jobs/ID?wait=S``: answered as soon as the job ends, else after *S* seconds with its
    progress (the page's long poll); *S* is checked."""
    import time

    job = client.post("/api/run", json={"replications": 200}, headers=WRITE).json()
    t0 = time.perf_counter()
    running = client.get(f"/api/jobs/{job['id']}?wait=0.3").json()
    assert running["state"] == "running" and time.perf_counter() - t0 >= 0.29
    client.post(f"/api/jobs/{job['id']}/cancel", headers=WRITE)
    t0 = time.perf_counter()
    ended = client.get(f"/api/jobs/{job['id']}?wait=2").json()
    assert ended["state"] == "cancelled" and time.perf_counter() - t0 < 1.5
    t0 = time.perf_counter()
    assert client.get(f"/api/jobs/{job['id']}?wait=2").json()["state"] == "cancelled"
    assert time.perf_counter() - t0 < 0.5      # an ended job answers at once
    for bad in ("-1", "2.5", "soon"):
        assert client.get(f"/api/jobs/{job['id']}?wait={bad}").status_code == 422
