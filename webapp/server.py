"""The FastAPI application: pages, the JSON API the page calls, and the exports.

Everything the app writes goes into its working folder (*workdir*): uploaded
scenarios under ``uploads/``. Exports are sent to the browser, never written
elsewhere. Long work (simulations, optimizations) runs as a job
(:mod:`webapp.jobs`) that the page polls.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

import sim
from sim.i18n import LANGS, catalog, check_lang
from sim.textfile import decode_text

from .exports import add_export_routes
from .jobs import Busy, Job
from .lunch import LunchRule, LunchRuleError
from .payloads import compare_payload, hall_payload, optimize_payload, results_core, results_payload
from .replay import script_json
from .security import Guard
from .session import HallSession, Run
from .state import (
    DEFAULT_SCENARIOS,
    MAX_JOB_WAIT,
    MAX_REPLICATIONS,
    MAX_UPLOAD,
    OPT_METHODS,
    AppState,
    error,
    problems_of,
    read_limited,
    safe_name,
    whole,
)

JSONBody = Annotated[dict, Body()]
"""A JSON object in the request body (FastAPI parses it; the endpoint then runs in a worker thread)."""


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
        return error(404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(ValueError)
    async def _value(_request, exc):
        return error(422, str(exc))

    @app.exception_handler(sim.InputError)
    async def _input(_request, exc):
        return error(422, "invalid", problems_of(exc))

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
    def open_bundled(body: JSONBody):
        files = {b["file"] for b in state.bundled()}
        name = body.get("file")
        if not isinstance(name, str) or name not in files:
            return error(404, f"no bundled hall {name!r}")
        with state.lock:
            path = state.scenarios_dir / name
            state.session = HallSession(sim.load_scenario(path), name)
            return state_payload()

    @app.post("/api/upload")
    async def upload(request: Request, name: str = "scenario.yaml"):
        try:
            raw = await read_limited(request, state.max_upload)
        except OverflowError:
            return error(413, "too_large", [["", f"the file is larger than {state.max_upload // 1024} KiB"]])
        file = safe_name(name)
        try:
            text = decode_text(raw, file)
        except sim.InputError as exc:
            return error(422, "invalid", problems_of(exc))
        if re.search(r"^extends\s*:", text, flags=re.MULTILINE):
            return error(422, "invalid", [["extends", "not supported in an upload: upload the complete scenario "
                                                       "(bundled halls can be opened directly)"]])
        # Validating and taking the lock can take a while: off the event loop, which keeps answering polls.
        return await run_in_threadpool(open_upload, text, file)

    def open_upload(text: str, file: str):
        state.uploads.mkdir(parents=True, exist_ok=True)
        path = state.uploads / f"{time.strftime('%Y%m%d-%H%M%S')}-{file}"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = sim.load_scenario(path)
        except sim.InputError as exc:
            path.unlink(missing_ok=True)  # keep only halls that open
            return error(422, "invalid", problems_of(exc))
        with state.lock:
            state.session = HallSession(scenario, file)
            return state_payload()

    @app.put("/api/staffing")
    def put_staffing(body: JSONBody):
        grid = body.get("grid")
        if not isinstance(grid, dict):
            return error(422, "invalid", [["grid", "must map zone ids to lists of staff per period"]])
        with state.lock:
            session = session_or_404()
            problems = session.set_grid(grid)
            if problems:
                return error(422, "invalid", problems)
            return hall_payload(session)

    @app.post("/api/staffing/reset")
    def reset_staffing():
        with state.lock:
            session = session_or_404()
            session.reset()
            return hall_payload(session)

    @app.post("/api/lunch")
    def lunch(body: JSONBody):
        with state.lock:
            session = session_or_404()
            zones = body.get("zones") or list(session.scenario.zone_ids)
            unknown = [z for z in zones if z not in session.staffing]
            if unknown:
                return error(422, "invalid", [["lunch.zones", f"unknown zone {z!r}"] for z in unknown])
            rule = LunchRule(start=str(body.get("start", "11:30")), end=str(body.get("end", "13:30")),
                             max_off=body.get("max_off", 1), minutes=body.get("minutes", 60))
            try:
                session.apply_lunch(zones, rule)
            except LunchRuleError as exc:
                return error(422, "invalid", problems_of(exc))
            return hall_payload(session)

    # -- runs ----------------------------------------------------------------------------------
    @app.post("/api/run")
    def run(body: JSONBody):
        replications = whole(body, "replications", 30, 1, MAX_REPLICATIONS)
        seed = whole(body, "seed", 0, 0, 2**31 - 1)
        with state.lock:
            session = session_or_404()
            try:
                scenario = session.current_scenario()
            except sim.InputError as exc:
                return error(422, "invalid", problems_of(exc))
            grid = {z: list(v) for z, v in session.staffing.items()}

        def work(job: Job):
            job.total = replications
            return sim.simulate(scenario, replications=replications, seed=seed, executor=state.jobs.executor(),
                                workers=1 if state.jobs.workers == 1 else None, progress=job.progress)

        def done(job: Job, results):
            run = Run(results, grid, job.seconds or 0.0)
            run.cache["results"] = results_core(run, session.periods)  # in the job's thread, not a request's
            with state.lock:
                if state.session is session:
                    session.record(run)

        try:
            job = state.jobs.submit("run", work, done)
        except Busy:
            return error(409, "busy")
        return job.as_dict()

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: int, wait: Annotated[float, Query(ge=0, le=MAX_JOB_WAIT)] = 0.0):
        """The job; with *wait* (seconds), answered when the job ends or after *wait*, whichever
        comes first (the page's long poll; a sync route runs in a thread, so the server keeps answering)."""
        job = state.jobs.jobs.get(job_id)
        if job is None:
            return error(404, "no such job")
        job.wait_end(wait)
        return job.as_dict()

    @app.post("/api/jobs/{job_id}/cancel")
    def cancel_job(job_id: int):
        if job_id not in state.jobs.jobs:
            return error(404, "no such job")
        return state.jobs.cancel(job_id).as_dict()

    @app.get("/api/results")
    def get_results():
        with state.lock:
            session = session_or_404()
            payload = results_payload(session)
        if payload is None:
            return error(404, "no_results")
        return payload

    @app.post("/api/baseline")
    def set_baseline():
        with state.lock:
            session = session_or_404()
            if session.last is None:
                return error(404, "no_results")
            session.save_baseline()
            return hall_payload(session)

    @app.get("/api/compare")
    def get_compare():
        with state.lock:
            return compare_payload(session_or_404())

    # -- the optimizer -------------------------------------------------------------------------
    @app.post("/api/optimize")
    def start_optimize(body: JSONBody):
        method = body.get("method", "sipp")
        if method not in OPT_METHODS:
            return error(422, "invalid", [["method", f"must be one of {', '.join(OPT_METHODS)}, got {method!r}"]])
        target = str(body.get("target") or "wait<=15@80%")
        replications = whole(body, "replications", 10, 2, MAX_REPLICATIONS)
        import optimize

        try:
            optimize.parse_targets(target)
        except optimize.TargetError as exc:
            return error(422, "invalid", [["target", str(exc)]])
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
            return error(409, "busy")
        return job.as_dict()

    @app.get("/api/optimize")
    def get_optimize():
        with state.lock:
            payload = optimize_payload(session_or_404())
        if payload is None:
            return error(404, "no_plan")
        return payload

    @app.post("/api/optimize/accept")
    def accept_optimize():
        with state.lock:
            session = session_or_404()
            payload = optimize_payload(session)
            if payload is None:
                return error(404, "no_plan")
            problems = session.set_grid(payload["plan"])
            if problems:
                return error(422, "invalid", problems)
            return hall_payload(session)

    add_export_routes(app, state, session_or_404)

    return app
