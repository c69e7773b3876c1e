"""The replay and the downloads: scenario YAML, staffing CSV, the HTML report, the offline replay.

Everything is sent to the browser; nothing is written on the server.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import yaml
from fastapi import FastAPI
from fastapi.responses import Response

import sim
from sim.i18n import check_lang

from .replay import replay_data, replay_html
from .session import HallSession
from .state import AppState


def add_export_routes(app: FastAPI, state: AppState, session_or_404: Callable[[], HallSession]) -> None:
    """``/api/replay`` and ``/export/*`` on *app*."""

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
