"""The web app driven in headless Chromium, as a hall manager would use it.

One server and one browser per test session (conftest); each test opens the
reference hall anew, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import sim

from .conftest import ROOT, SMALL_HALL, run, tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def zone_kpi(page, zone: str, kpi: str) -> float:
    """The mean shown in the per-zone KPI table (``12.3 ± 0.4`` or ``91.0% ± 1.2``)."""
    text = page.text_content(f"#zone-kpis tr[data-zone='{zone}'] td[data-kpi='{kpi}']")
    return float(re.match(r"[-\d.]+", text).group())


def set_cells(page, zone: str, values: dict[int, int]) -> None:
    for k, v in values.items():
        cell = page.locator(f"#grid input[data-zone='{zone}'][data-k='{k}']")
        cell.fill(str(v))
        cell.press("Tab")  # change event: the grid row goes to the server
        page.wait_for_function("([z, k, v]) => window.App.hall.staffing[z][k] === v", arg=[zone, k, v])


def test_the_floor_diagram_groups_zones_by_floor_and_colours_them_after_a_run(page):
    assert page.text_content("#threshold") == "alarm at more than 20 waiting"
    assert page.eval_on_selector_all("#floors .floor", "fs => fs.map(f => f.dataset.floor)") == ["3", "2", "1"]
    assert page.locator("#floors .floor[data-floor='2'] .zone").count() == 5
    assert page.locator("#floors .zone.ok, #floors .zone.warn, #floors .zone.bad").count() == 0  # no run yet
    run(page, days=5)
    assert page.locator("#floors .zone.ok, #floors .zone.warn, #floors .zone.bad").count() >= 20
    assert "visitors a day" in page.text_content("#hall-summary")
    page.select_option("#hall-period", "3")  # 10:00, the morning peak: waits and queues of that half hour
    tile = page.locator("#floors .zone[data-zone='comprehensive']")
    assert "queue" in tile.text_content() and "wait" in tile.text_content()
    peak = float(re.search(r"wait ([\d.]+)", tile.text_content()).group(1))
    page.select_option("#hall-period", "0")  # 08:30, the hall has just opened
    early = float(re.search(r"wait ([\d.]+)", page.text_content("#floors .zone[data-zone='comprehensive']")).group(1))
    assert early < peak


def test_change_a_zones_staff_run_and_see_the_kpi_change(page):
    run(page, days=10)
    tab(page, "results")
    before = zone_kpi(page, "tax", "mean_wait")
    assert page.locator("#heatmap tr[data-zone='tax'] td[title]").count() == 18
    tab(page, "staffing")
    set_cells(page, "tax", {k: 15 for k in range(2, 7)})  # 13 -> 15 staff at the morning peak
    assert page.locator("#grid td.changed").count() == 5
    tab(page, "results")
    assert page.is_visible("#stale")  # the KPIs shown are of the old grid until the next run
    seconds = run(page, days=10)
    after = zone_kpi(page, "tax", "mean_wait")
    assert after < before, (before, after)
    assert not page.is_visible("#stale")
    assert seconds < 30
    # The heatmap cell carries the 95% interval of its mean.
    cell = page.locator("#heatmap tr[data-zone='tax'] td[title]").nth(3)
    low, mean, high = (float(cell.get_attribute(f"data-{k}")) for k in ("low", "mean", "high"))
    assert low <= mean <= high and "95%" in cell.get_attribute("title")
    cell.click()  # shown below the map too (touch screens have no hover)
    assert page.text_content("#heat-cell") == cell.get_attribute("title")


def test_a_long_run_shows_progress_and_can_be_cancelled(page):
    page.fill("#replications", "200")
    page.click("#run-btn")
    page.wait_for_selector("#cancel-btn:visible")
    page.wait_for_function("/ [1-9][0-9]*\\/200/.test(document.querySelector('#progress-text').textContent)")
    # The page stays usable while the run goes on: another view, a grid edit answered by the server.
    tab(page, "staffing")
    set_cells(page, "tax", {0: 4})
    assert page.evaluate("window.App.job.state") == "running"
    page.click("#cancel-btn")
    page.wait_for_function("document.querySelector('#progress').dataset.state === 'cancelled'")
    assert page.text_content("#progress-text") == "Cancelled"
    assert page.is_hidden("#cancel-btn") and page.is_enabled("#run-btn")
    assert page.evaluate("window.App.results") is None  # a cancelled run leaves no results


def test_paste_a_block_from_a_spreadsheet_and_apply_a_lunch_rule(page):
    tab(page, "staffing")
    block = "7\t7\t7\n4\t4\t4\n"  # two zones x three periods, as a spreadsheet copies them
    page.evaluate("""block => {
        const input = document.querySelector("#grid input[data-zone='enterprise'][data-k='0']");
        const data = new DataTransfer(); data.setData('text/plain', block);
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", block)
    page.wait_for_function("window.App.hall.staffing.enterprise[2] === 7")
    staffing = page.evaluate("window.App.hall.staffing")
    assert staffing["enterprise"][:4] == [7, 7, 7, 5] and staffing["realestate"][:4] == [4, 4, 4, 9]
    page.uncheck("#lunch-all")
    page.select_option("#lunch-zones", ["tax"])
    page.fill("#lunch-k", "7")
    page.click("#lunch-apply")
    page.wait_for_function("window.App.hall.lunch_rules.tax !== undefined")
    # 13 staff, two one-hour waves between 11:30 and 13:30: 7 then 6 off.
    assert page.evaluate("window.App.hall.staffing.tax.slice(6, 10)") == [6, 6, 7, 7]
    assert page.locator("#grid tr[data-zone='tax'] td.lunch").count() == 4
    page.fill("#lunch-k", "3")  # 13 staff cannot all eat with 3 off at once in two waves
    page.click("#lunch-apply")
    page.wait_for_selector("#problem-list li[data-path=\"zone 'tax'\"]")
    assert "at least 7 off at once" in page.text_content("#problem-list")


def test_copy_the_grid_to_a_spreadsheet_and_paste_it_back_anywhere(page, app_server):
    tab(page, "staffing")
    set_cells(page, "tax", {0: 9, 17: 8})
    edited = page.evaluate("window.App.hall.staffing")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server["url"].rstrip("/"))
    page.click("#copy-grid")
    text = page.evaluate("navigator.clipboard.readText()")
    lines = [line.split("\t") for line in text.splitlines()]
    assert lines[0][:3] == ["zone", "08:30", "09:00"] and len(lines) == 1 + len(edited)
    assert ["税务区", "9"] == lines[1 + list(edited).index("tax")][:2]
    page.click("#reset-btn")
    page.wait_for_function("window.App.hall.staffing.tax[0] === 13")
    # Pasted back at some other cell, with its headings: every value lands in its own zone and half hour.
    page.evaluate("""block => {
        const input = document.querySelector("#grid input[data-zone='social_security'][data-k='5']");
        const data = new DataTransfer(); data.setData('text/plain', block);
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)
    page.wait_for_function("window.App.hall.staffing.tax[0] === 9")
    assert page.evaluate("window.App.hall.staffing") == edited


def test_broken_upload_shows_each_error_at_its_field_and_large_files_are_refused(page, tmp_path):
    data = yaml.safe_load(SMALL_HALL.read_text(encoding="utf-8"))
    data["services"][2]["service_time"]["mean"] = -8
    data["zones"][1]["windows"] = "three"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    page.set_input_files("#upload", str(broken))
    page.wait_for_selector("#problem-list")
    paths = page.eval_on_selector_all("#problem-list li", "items => items.map(li => li.dataset.path)")
    assert "services[2].service_time.mean" in paths and "zones[1].windows" in paths
    item = page.text_content("#problem-list li[data-path='services[2].service_time.mean']")
    assert "-8" in item
    assert page.evaluate("window.App.hall.source") == "lanling.yaml"  # the open hall stays open

    page.set_input_files("#upload", files=[{"name": "huge.yaml", "mimeType": "application/x-yaml",
                                            "buffer": b"# padding\n" * 60_000}])
    page.wait_for_function("document.querySelector('#problem-list') && "
                           "document.querySelector('#problem-list').textContent.includes('KiB')")
    assert "512 KiB" in page.text_content("#problem-list")

    page.click("#lang-btn")  # in Chinese, the same problems read in Chinese
    page.set_input_files("#upload", str(broken))
    page.wait_for_function("document.querySelector('#problem-list') && "
                           "document.querySelector('#problem-list').textContent.includes('实际为')")
    assert "必须大于 0，实际为 -8" in page.text_content("#problem-list li[data-path='services[2].service_time.mean']")
    page.click("#lang-btn")

    page.set_input_files("#upload", str(SMALL_HALL))
    page.wait_for_function("window.App.hall.source === 'small_hall.yaml'")
    assert page.is_hidden("#problems")


def test_compare_a_change_against_the_saved_baseline(page):
    run(page, days=10)  # the first run of the hall becomes its baseline
    tab(page, "compare")
    page.wait_for_selector("#compare-table")
    assert page.text_content("#compare-changes").startswith("Staffing changes: 0")
    tab(page, "staffing")
    set_cells(page, "realestate", {k: 13 for k in range(2, 8)})
    run(page, days=10)
    tab(page, "compare")
    page.wait_for_selector("#compare-table tr[data-zone='realestate']")
    cell = page.locator("#compare-table tr[data-zone='realestate'] td[data-kpi='mean_wait']")
    assert cell.get_attribute("class") == "better", cell.text_content()
    diff = float(re.match(r"[-+\d.]+", cell.text_content()).group())
    assert diff < 0
    assert "→" in cell.get_attribute("title")  # baseline -> this run
    assert page.text_content("#compare-changes").startswith("Staffing changes: 6")


def test_accept_an_optimized_plan_into_the_grid(page):
    page.set_input_files("#upload", str(SMALL_HALL))
    page.wait_for_function("window.App.hall.source === 'small_hall.yaml'")
    tab(page, "optimize")
    page.select_option("#opt-method", "sipp")
    page.fill("#opt-reps", "5")
    page.click("#opt-run")
    page.wait_for_selector("#opt-accept", timeout=60000)
    assert "verification" in page.text_content("#opt-log")
    plan = page.evaluate("window.App.optimized.plan")
    page.click("#opt-accept")
    page.wait_for_selector("#view-staffing.active")
    assert page.evaluate("window.App.hall.staffing") == plan
    run(page, days=10)
    assert page.evaluate("window.App.results.info.replications") == 10


def test_replay_a_day_with_queues_alarms_and_moves_and_export_it_offline(page, tmp_path, browser):
    run(page, days=5)
    tab(page, "replay")
    page.wait_for_selector("#replay-play")
    assert page.text_content("#replay-clock") == "08:30"
    page.select_option("#replay-speed", "60")
    page.click("#replay-play")
    page.wait_for_function("document.querySelector('#replay-clock').textContent >= '08:33'")
    page.click("#replay-play")  # pause
    paused = page.text_content("#replay-clock")
    page.wait_for_timeout(300)
    assert page.text_content("#replay-clock") == paused
    # Seek to the first move on alarm: the receiving zone's queue is over the threshold and flagged.
    data = page.evaluate("fetch('/api/replay?day=0').then(r => r.json())")
    assert data["moves"], "the reference hall moves staff on alarm"
    first = data["moves"][0]
    receiver = data["zones"][first["to"]]["id"]
    page.evaluate("t => window.App.replay.seek(t)", first["time"])
    tile = page.locator(f"#replay-stage .zone[data-zone='{receiver}']")
    assert int(tile.locator(".qnum").text_content()) > data["threshold"]
    assert "alarm" in tile.get_attribute("class") and tile.locator(".badge").is_visible()
    assert page.locator("#replay-moves li").count() == 1
    assert "→" in page.text_content("#replay-moves li")
    # Windows open and close with the grid: fewer tax windows are open at lunch than at the peak.
    lit = "#replay-stage .zone[data-zone='tax'] .win.open, #replay-stage .zone[data-zone='tax'] .win.busy"
    page.evaluate("t => window.App.replay.seek(t)", 10 * 60)
    peak = page.locator(lit).count()
    page.evaluate("t => window.App.replay.seek(t)", 12 * 60 + 45)
    assert page.locator(lit).count() < peak
    page.evaluate("t => window.App.replay.seek(t)", 8 * 60 + 30)
    assert page.locator("#replay-moves li").count() == 0

    with page.expect_download() as info:
        page.click("#replay-export")
    path = tmp_path / "replay.html"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "<script src" not in text and "http://" not in text and "https://" not in text
    offline = browser.new_context()
    # Offline: anything but the file itself is refused.
    offline.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    other = offline.new_page()
    other.goto(path.as_uri())
    other.select_option("#replay-speed", "60")
    other.click("#replay-play")
    other.wait_for_function("document.querySelector('#replay-clock').textContent >= '08:35'")
    offline.close()


def test_switch_language_keeps_zone_names_and_reports_follow(page, app_server):
    assert page.text_content("#tabs button[data-tab='staffing']") == "Staffing"
    page.click("#lang-btn")
    assert page.text_content("#tabs button[data-tab='staffing']") == "排班"
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert "税务区" in page.text_content("#floors")  # zone names as the scenario gives them
    assert "2 楼" in page.text_content("#floors")
    run(page, days=3)
    assert "每天约" in page.text_content("#hall-summary")
    tab(page, "export")
    assert page.get_attribute("#export-report", "href").endswith("lang=zh")
    assert page.get_attribute("#export-replay", "href").endswith("lang=zh")
    assert page.text_content("#export-staffing") == "排班（CSV：zone,start,staff）"
    page.goto(app_server["url"])  # the choice is remembered
    page.wait_for_selector("body[data-ready='1']")
    assert page.text_content("#tabs button[data-tab='staffing']") == "排班"
    page.click("#lang-btn")
    assert page.text_content("#tabs button[data-tab='staffing']") == "Staffing"


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_the_app_writes_only_inside_its_working_folder(page, app_server, tmp_path):
    scenarios = _snapshot(ROOT / "scenarios")
    # Upload, run, export everything: the writes an app session makes.
    page.set_input_files("#upload", str(SMALL_HALL))
    page.wait_for_function("window.App.hall.source === 'small_hall.yaml'")
    run(page, days=3)
    for url in ("/export/scenario.yaml", "/export/staffing.csv", "/export/replay.html?lang=en"):
        status = page.evaluate("u => fetch(u).then(r => r.status)", url)
        assert status == 200, url
    report = page.evaluate("fetch('/export/report.html?lang=zh').then(r => r.text())")  # plots: matplotlib's cache
    assert "各专区结果" in report and "税务区" in report and '<html lang="zh-Hans">' in report
    assert list(app_server["outside"].iterdir()) == []
    assert list(app_server["home"].iterdir()) == []
    assert _snapshot(ROOT / "scenarios") == scenarios
    uploads = list((app_server["work"] / "uploads").iterdir())
    assert any(p.name.endswith("small_hall.yaml") for p in uploads)
    # What the exports give back is what the engine reads.
    text = page.evaluate("fetch('/export/scenario.yaml').then(r => r.text())")
    exported = sim.scenario_from_dict(yaml.safe_load(text))
    assert exported.zone_ids == sim.load_scenario(SMALL_HALL).zone_ids
    csv_text = page.evaluate("fetch('/export/staffing.csv').then(r => r.text())")
    (tmp_path / "staffing.csv").write_text(csv_text, encoding="utf-8")
    grid = page.evaluate("window.App.hall.staffing")
    assert sim.read_staffing_csv(tmp_path / "staffing.csv", exported) == grid
