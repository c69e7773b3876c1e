"""Shared fixtures of the web app's tests: an in-process client, and for the browser
tests one real server (``servicehall app`` in a subprocess) and one headless Chromium
per test session (per xdist worker).

The browser tests need ``/usr/bin/chromium`` and the ``playwright`` package; without
them they are skipped on a developer's machine but fail under CI (``CI=true``),
whose ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANLING = ROOT / "scenarios" / "lanling.yaml"
SMALL_HALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WRITE = {"X-Servicehall": "1"}


@pytest.fixture
def client(tmp_path):
    """A TestClient of an app working in ``tmp_path/work`` with the small example hall open
    (replications run in the job's thread: no process pool inside a test worker)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about httpx versions
        from fastapi.testclient import TestClient

    from webapp.server import create_app

    app = create_app(tmp_path / "work", scenario=SMALL_HALL, workers=1)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def need_browser() -> None:
    """Skip (or fail under CI) when Chromium or Playwright is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """``servicehall app`` on a free port, working in its own folder, started from another
    folder with its own HOME: ``{"url", "work", "outside", "home", "process"}``."""
    need_browser()
    base = tmp_path_factory.mktemp("app")
    dirs = {name: base / name for name in ("work", "outside", "home")}
    for d in dirs.values():
        d.mkdir()
    # PYTHONPATH: the server runs this checkout's code, not whatever copy is installed in the
    # environment (started from another folder, it would otherwise import the installed one).
    env = {**os.environ, "HOME": str(dirs["home"]), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("MPLCONFIGDIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "servicehall", "app", str(LANLING), "--port", "0", "--lang", "en",
         "--workers", "2", "--workdir", str(dirs["work"])],
        cwd=dirs["outside"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise RuntimeError(f"the app did not start: {line}{proc.stderr.read()[-3000:]}")
    url = line.split("open ", 1)[1].split()[0]
    yield {"url": url, "process": proc, **dirs}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser(app_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_server):
    """A fresh page on the app with the reference hall opened anew (so tests do not depend
    on each other's edits), in English; page errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server["url"] + "?lang=en")
    page.wait_for_selector("body[data-ready='1']")
    open_hall(page, "lanling.yaml")
    yield page
    context.close()
    assert not errors, errors


def open_hall(page, file: str) -> None:
    """Open the bundled hall *file* anew (its grid as in the file, no runs, no baseline)."""
    page.select_option("#bundled", file)
    with page.expect_response("**/api/open"):
        page.click("#open-btn")
    page.wait_for_function("file => window.App.hall && window.App.hall.source === file && !window.App.hall.has_run",
                           arg=file)


def run(page, days: int = 30) -> float:
    """Press Run and wait for the results on the page; returns the seconds it took."""
    page.fill("#replications", str(days))
    before = page.evaluate("window.App.results ? window.App.results.info.finished : 0")
    page.click("#run-btn")
    page.wait_for_function("b => window.App.results && window.App.results.info.finished !== b && "
                           "document.querySelector('#progress').dataset.state === 'done'", arg=before, timeout=60000)
    return page.evaluate("window.App.results.info.seconds")


def tab(page, name: str) -> None:
    page.click(f"#tabs button[data-tab='{name}']")
    page.wait_for_selector(f"#view-{name}.active")
