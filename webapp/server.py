"""The FastAPI application: pages, the JSON API the page calls, and the exports.

Everything the app writes goes into its working folder (*workdir*): uploaded
scenarios under ``uploads/``. Exports are sent to the browser, never written
elsewhere. Long work (simulations, optimizations) runs as a job
(:mod:`webapp.jobs`) that the page polls.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Optional

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import sim
from sim.i18n import LANGS, catalog, check_lang

from .jobs import Busy, Job, JobRunner
from .lunch import LunchRule, LunchRuleError
from .payloads import compare_payload, hall_payload, optimize_payload, results_core, results_payload
from .replay import replay_data, replay_html, script_json
from .security import Guard
from .session import HallSession, Run

MAX_UPLOAD = 512 * 1024  # bytes: the reference hall is 20 KiB; a scenario is text, not data
MAX_REPLICATIONS = 200
OPT_METHODS = ("sipp", "mol", "lag", "simulation")
DEFAULT_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


class AppState:
    """What the app holds between requests: the working folder, the open hall and the job runner."""

    def __init__(self, workdir: Path, scenarios_dir: Path, lang: str, workers: int, max_upload: int):
        self.workdir = workdir
        self.uploads = workdir / "uploads"
        self.scenarios_dir = scenarios_dir
        self.lang = check_lang(lang)
        self.max_upload = max_upload
        self.jobs = JobRunner(workers)
        self.session: Optional[HallSession] = None
        self.lock = threading.RLock()  # one request at a time changes the session
        self._bundled: Optional[tuple] = None

    def bundled(self) -> list[dict]:
        """The scenario files shipped with the app (``scenarios/*.yaml``) that load, by file name.

        Validating a hall takes a while, so the list is kept until a file changes.
        """
        if not self.scenarios_dir.is_dir():
            return []
        paths = sorted(self.scenarios_dir.glob("*.yaml"))
        key = tuple((p.name, p.stat().st_mtime_ns) for p in paths)
        if self._bundled is None or self._bundled[0] != key:
            out = []
            for path in paths:
                try:
                    out.append({"file": path.name, "name": sim.load_scenario(path).name})
                except sim.InputError:
                    continue
            self._bundled = (key, out)
        return self._bundled[1]


def _problems(exc: sim.InputError) -> list[list[str]]:
    return [[p, m] for p, m in exc.problems]


def _error(status: int, message: str, problems=()) -> JSONResponse:
    return JSONResponse({"error": message, "problems": [list(p) for p in problems]}, status_code=status)


def _int(body: dict, key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{key}: must be a whole number from {low} to {high}, got {value!r}")
    return value


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing more than *limit* bytes (ValueError) before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise OverflowError()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise OverflowError()
    return bytes(body)


def safe_name(name: str) -> str:
    """A plain file name for an upload (no folders, no odd characters), ending in ``.yaml``."""
    stem = re.sub(r"[^\w.-]+", "_", Path(name or "scenario").name, flags=re.UNICODE).strip("._") or "scenario"
    stem = re.sub(r"\.(ya?ml)$", "", stem, flags=re.IGNORECASE)[:80]
    return f"{stem}.yaml"


def create_app(workdir: str | Path, scenario: Optional[str | Path] = None, lang: str = "en",
               token: Optional[str] = None, workers: int = 2, scenarios_dir: Optional[str | Path] = None,
               max_upload: int = MAX_UPLOAD) -> FastAPI:
    """The web app working in *workdir* (created when missing).

    *scenario*: a scenario file to open at start; *lang*: the default language
    (``en``/``zh``); *token*: required in the URL or cookie (None: loopback Host
    names only, see :mod:`webapp.security`); *workers*: processes for replications;
    *scenarios_dir*: the bundled halls (default: the repository's ``scenarios/``);
    *max_upload*: the largest scenario upload in bytes.
    Raises InputError when *scenario* is invalid.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    state = AppState(workdir, Path(scenarios_dir or DEFAULT_SCENARIOS), lang, workers, max_upload)
    if scenario is not None:
        path = Path(scenario)
        state.session = HallSession(sim.load_scenario(path), path.name)

    @asynccontextmanager
    async def lifespan(_app):
        def warm_up():
            state.jobs.warm_up()
            state.bundled()  # validating the bundled halls takes a while: not on the first page load

        threading.Thread(target=warm_up, daemon=True).start()
        yield
        state.jobs.shutdown()

    app = FastAPI(title="servicehall", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.hall = state
    app.add_middleware(Guard, token=token)
    static = resources.files("webapp").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    templates = Jinja2Templates(directory=str(resources.files("webapp").joinpath("templates")))

    def session_or_404() -> HallSession:
        if state.session is None:
            raise LookupError("open a hall first")
        return state.session

    @app.exception_handler(LookupError)
    async def _lookup(_request, exc):
        return _error(404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(ValueError)
    async def _value(_request, exc):
        return _error(422, str(exc))

    # -- pages -----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, lang: Optional[str] = None):
        chosen = check_lang(lang or request.cookies.get("lang") or state.lang)
        return templates.TemplateResponse(request, "index.html", {
            "lang": chosen, "catalogs_json": script_json({code: catalog(code) for code in LANGS}),
            "max_upload": state.max_upload,
        })

    # -- the hall and its grid -------------------------------------------------------------------
    def state_payload() -> dict:
        job = state.jobs.current
        return {"hall": hall_payload(state.session) if state.session else None,
                "bundled": state.bundled(), "job": job.as_dict() if job else None,
                "max_upload": state.max_upload}

    @app.get("/api/state")
    def get_state():
        with state.lock:
            return state_payload()

    @app.post("/api/open")
    async def open_bundled(request: Request):
        body = await request.json()
        files = {b["file"] for b in state.bundled()}
        name = body.get("file")
        if name not in files:
            return _error(404, f"no bundled hall {name!r}")
        with state.lock:
            path = state.scenarios_dir / name
            state.session = HallSession(sim.load_scenario(path), name)
            return state_payload()

    @app.post("/api/upload")
    async def upload(request: Request, name: str = "scenario.yaml"):
        try:
            raw = await read_limited(request, state.max_upload)
        except OverflowError:
            return _error(413, "too_large", [["", f"the file is larger than {state.max_upload // 1024} KiB"]])
        file = safe_name(name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _error(422, "invalid", [["", "the file is not UTF-8 text"]])
        if re.search(r"^extends\s*:", text, flags=re.MULTILINE):
            return _error(422, "invalid", [["extends", "not supported in an upload: upload the complete scenario "
                                                       "(bundled halls can be opened directly)"]])
        state.uploads.mkdir(parents=True, exist_ok=True)
        path = state.uploads / f"{time.strftime('%Y%m%d-%H%M%S')}-{file}"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = sim.load_scenario(path)
        except sim.InputError as exc:
            path.unlink(missing_ok=True)  # keep only halls that open
            return _error(422, "invalid", _problems(exc))
        with state.lock:
            state.session = HallSession(scenario, file)
            return state_payload()

    @app.put("/api/staffing")
    async def put_staffing(request: Request):
        body = await request.json()
        grid = body.get("grid")
        if not isinstance(grid, dict):
            return _error(422, "invalid", [["grid", "must map zone ids to lists of staff per period"]])
        with state.lock:
            session = session_or_404()
            problems = session.set_grid(grid)
            if problems:
                return _error(422, "invalid", problems)
            return hall_payload(session)

    @app.post("/api/staffing/reset")
    def reset_staffing():
        with state.lock:
            session = session_or_404()
            session.reset()
            return hall_payload(session)

    @app.post("/api/lunch")
    async def lunch(request: Request):
        body = await request.json()
        with state.lock:
            session = session_or_404()
            zones = body.get("zones") or list(session.scenario.zone_ids)
            unknown = [z for z in zones if z not in session.staffing]
            if unknown:
                return _error(422, "invalid", [["lunch.zones", f"unknown zone {z!r}"] for z in unknown])
            rule = LunchRule(start=str(body.get("start", "11:30")), end=str(body.get("end", "13:30")),
                             max_off=body.get("max_off", 1), minutes=body.get("minutes", 60))
            try:
                session.apply_lunch(zones, rule)
            except LunchRuleError as exc:
                return _error(422, "invalid", _problems(exc))
            return hall_payload(session)

    # -- runs ----------------------------------------------------------------------------------
    @app.post("/api/run")
    async def run(request: Request):
        body = await request.json()
        replications = _int(body, "replications", 30, 1, MAX_REPLICATIONS)
        seed = _int(body, "seed", 0, 0, 2**31 - 1)
        with state.lock:
            session = session_or_404()
            try:
                scenario = session.current_scenario()
            except sim.InputError as exc:
                return _error(422, "invalid", _problems(exc))
            grid = {z: list(v) for z, v in session.staffing.items()}

        def work(job: Job):
            job.total = replications
            return sim.simulate(scenario, replications=replications, seed=seed, executor=state.jobs.executor(),
                                workers=1 if state.jobs.workers == 1 else None, progress=job.progress)

        def done(job: Job, results):
            run = Run(results, grid, job.seconds)
            run.cache["results"] = results_core(run, session.periods)  # in the job's thread, not a request's
            with state.lock:
                if state.session is session:
                    session.record(run)

        try:
            job = state.jobs.submit("run", work, done)
        except Busy:
            return _error(409, "busy")
        return job.as_dict()

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: int):
        job = state.jobs.jobs.get(job_id)
        if job is None:
            return _error(404, "no such job")
        return job.as_dict()

    @app.post("/api/jobs/{job_id}/cancel")
    def cancel_job(job_id: int):
        if job_id not in state.jobs.jobs:
            return _error(404, "no such job")
        return state.jobs.cancel(job_id).as_dict()

    @app.get("/api/results")
    def get_results():
        with state.lock:
            session = session_or_404()
            payload = results_payload(session)
        if payload is None:
            return _error(404, "no_results")
        return payload

    @app.post("/api/baseline")
    def set_baseline():
        with state.lock:
            session = session_or_404()
            if session.last is None:
                return _error(404, "no_results")
            session.save_baseline()
            return hall_payload(session)

    @app.get("/api/compare")
    def get_compare():
        with state.lock:
            return compare_payload(session_or_404())

    # -- the optimizer -------------------------------------------------------------------------
    @app.post("/api/optimize")
    async def start_optimize(request: Request):
        body = await request.json()
        method = body.get("method", "sipp")
        if method not in OPT_METHODS:
            return _error(422, "invalid", [["method", f"must be one of {', '.join(OPT_METHODS)}, got {method!r}"]])
        target = str(body.get("target") or "wait<=15@80%")
        replications = _int(body, "replications", 10, 2, MAX_REPLICATIONS)
        import optimize

        try:
            optimize.parse_targets(target)
        except optimize.TargetError as exc:
            return _error(422, "invalid", [["target", str(exc)]])
        with state.lock:
            session = session_or_404()
            scenario = session.current_scenario()

        def work(job: Job):
            return optimize.optimize_staffing(scenario, target, method=method, replications=replications,
                                              baselines=False, executor=state.jobs.executor(),
                                              workers=1 if state.jobs.workers == 1 else None, progress=job.say)

        def done(_job: Job, result):
            with state.lock:
                if state.session is session:
                    session.optimized = result

        try:
            job = state.jobs.submit("optimize", work, done)
        except Busy:
            return _error(409, "busy")
        return job.as_dict()

    @app.get("/api/optimize")
    def get_optimize():
        with state.lock:
            payload = optimize_payload(session_or_404())
        if payload is None:
            return _error(404, "no_plan")
        return payload

    @app.post("/api/optimize/accept")
    def accept_optimize():
        with state.lock:
            session = session_or_404()
            payload = optimize_payload(session)
            if payload is None:
                return _error(404, "no_plan")
            problems = session.set_grid(payload["plan"])
            if problems:
                return _error(422, "invalid", problems)
            return hall_payload(session)

    # -- the replay and the exports --------------------------------------------------------------
    def last_run():
        session = session_or_404()
        if session.last is None:
            raise LookupError("no_results")
        return session.last

    @app.get("/api/replay")
    def get_replay(day: int = 0):
        with state.lock:
            run = last_run()
        return replay_data(run, day)

    def download(body: str | bytes, filename: str, media: str) -> Response:
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    def stem() -> str:
        source = session_or_404().source
        return re.sub(r"\.(ya?ml)$", "", source, flags=re.IGNORECASE) or "scenario"

    @app.get("/export/scenario.yaml")
    def export_scenario():
        with state.lock:
            scenario = session_or_404().current_scenario()
            name = stem()
        text = yaml.safe_dump(sim.scenario_to_dict(scenario), allow_unicode=True, sort_keys=False, width=110)
        return download(text, f"{name}.yaml", "application/x-yaml; charset=utf-8")

    @app.get("/export/staffing.csv")
    def export_staffing():
        with state.lock:
            session = session_or_404()
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["zone", "start", "staff"])
            for zone, row in session.staffing.items():
                for start, staff in zip(session.periods, row):
                    writer.writerow([zone, start, staff])
            name = stem()
        return download(out.getvalue(), f"{name}-staffing.csv", "text/csv; charset=utf-8")

    @app.get("/export/report.html")
    def export_report(lang: str = "en"):
        with state.lock:
            run = last_run()
            name = stem()
        import sim.report

        html = sim.report.report_html(run.results, lang=check_lang(lang))
        return download(html, f"{name}-report.html", "text/html; charset=utf-8")

    @app.get("/export/replay.html")
    def export_replay(day: int = 0, lang: str = "en"):
        with state.lock:
            run = last_run()
            name = stem()
        return download(replay_html(replay_data(run, day), lang), f"{name}-replay-day{day + 1}.html",
                        "text/html; charset=utf-8")

    return app
