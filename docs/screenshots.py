"""Screenshots of each view of the web app, for the README and docs/app.md.

Starts ``servicehall app`` on the reference hall, drives it in headless Chromium
as a manager would (run, change the real-estate zone's morning staff, apply a lunch
rule, run again, look at the KPIs, compare, optimize with the fast SIPP method,
replay a day, export, upload a broken file, start a long run and cancel it) and saves
one PNG per view into ``docs/images/app-*.png``, in simplified Chinese (the app's
default) plus the hall view in English. Views taller than the screen are taken
with a taller window, so the lunch rule, the per-zone table and all three floors show.

Needs ``/usr/bin/chromium`` (``apt-get install chromium fonts-noto-cjk``) and the
``playwright`` package (``pip install -e '.[test]'``). Run from the repository
root: ``python3 docs/screenshots.py`` (about a minute).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start(workdir: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "servicehall", "app", str(ROOT / "scenarios" / "lanling.yaml"), "--port", "0",
         "--workdir", str(workdir)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise SystemExit(f"the app did not start: {line}")
    return proc, line.split("open ", 1)[1].split()[0].rstrip("/")


def shoot(page, name: str, height: int = 900) -> None:
    """The top *height* pixels of the page (1440 wide) as ``docs/images/app-NAME.png``."""
    path = OUT / f"app-{name}.png"
    page.set_viewport_size({"width": 1440, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 900})
    print(f"wrote {path.relative_to(ROOT)}")


def tab(page, name: str) -> None:
    page.click(f"#tabs button[data-tab='{name}']")
    page.wait_for_selector(f"#view-{name}.active")


def run(page) -> None:
    before = page.evaluate("window.App.results ? window.App.results.info.finished : 0")
    page.click("#run-btn")
    page.wait_for_function("b => window.App.results && window.App.results.info.finished !== b", arg=before,
                           timeout=120000)
    page.wait_for_timeout(200)


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        proc, base = start(Path(work))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
                page.goto(base + "/?lang=zh")
                page.wait_for_selector("body[data-ready='1']")
                run(page)
                page.select_option("#hall-period", "3")  # 10:00, the morning peak
                page.wait_for_timeout(100)
                shoot(page, "hall")
                # More tax staff at the peak, a staggered lunch everywhere it fits.
                tab(page, "staffing")
                for k in range(2, 7):
                    cell = page.locator(f"#grid input[data-zone='realestate'][data-k='{k}']")
                    cell.fill("12")
                    cell.press("Tab")
                    page.wait_for_function("k => window.App.hall.staffing.realestate[k] === 12", arg=k)
                page.uncheck("#lunch-all")
                page.select_option("#lunch-zones", ["tax", "realestate", "social_security", "medical_insurance"])
                page.fill("#lunch-k", "7")
                page.click("#lunch-apply")
                page.wait_for_function("window.App.hall.lunch_rules.tax !== undefined")
                shoot(page, "staffing", height=1180)  # the grid, and the lunch rule below it
                run(page)
                tab(page, "results")
                page.set_viewport_size({"width": 1440, "height": 1640})
                page.hover("#heatmap tr[data-zone='realestate'] td[data-mean] >> nth=3")  # 10:00: its interval
                shoot(page, "kpis", height=1640)  # the heatmap and the per-zone table
                tab(page, "compare")
                page.wait_for_selector("#compare-table")
                shoot(page, "compare")
                tab(page, "optimize")
                page.select_option("#opt-method", "sipp")
                page.fill("#opt-reps", "10")
                page.click("#opt-run")
                page.wait_for_selector("#opt-accept", timeout=180000)
                shoot(page, "optimize")
                tab(page, "replay")
                page.wait_for_selector("#replay-play")
                first = page.evaluate("fetch('/api/replay?day=0').then(r => r.json()).then(d => d.moves[0].time)")
                page.evaluate("t => window.App.replay.seek(t + 1)", first)
                shoot(page, "replay", height=1240)  # all three floors
                tab(page, "export")
                shoot(page, "export", height=420)
                tab(page, "hall")
                broken = Path(work) / "broken.yaml"
                text = (ROOT / "scenarios" / "examples" / "small_hall.yaml").read_text(encoding="utf-8")
                broken.write_text(text.replace("mean: 12, cv: 0.5", "mean: -12, cv: 0.5")
                                  .replace("windows: 3, staff: 2", "windows: three, staff: 2"), encoding="utf-8")
                page.set_input_files("#upload", str(broken))
                page.wait_for_selector("#problem-list")
                shoot(page, "upload-error")
                # A long run: the progress bar and the Cancel button (then cancelled).
                page.fill("#replications", "200")
                page.click("#run-btn")
                page.wait_for_function("/ [1-9][0-9]*\\/200/.test(document.querySelector('#progress-text').textContent)")
                shoot(page, "running", height=420)
                page.click("#cancel-btn")
                page.wait_for_function("document.querySelector('#progress').dataset.state === 'cancelled'")
                page.fill("#replications", "30")
                page.goto(base + "/?lang=en")
                page.wait_for_selector("body[data-ready='1']")
                page.evaluate("localStorage.setItem('servicehall.lang', 'zh')")  # leave the default as it was
                shoot(page, "hall-en")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
