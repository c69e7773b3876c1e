"""What the app holds between requests, and the small helpers its routes share."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Optional

from fastapi import Request
from fastapi.responses import JSONResponse

import sim
from optimize.methods import METHODS
from sim.i18n import check_lang, problem_rows

from .jobs import JobRunner
from .session import HallSession

MAX_UPLOAD = 512 * 1024  # bytes: the reference hall is 20 KiB; a scenario is text, not data
MAX_REPLICATIONS = 200
MAX_JOB_WAIT = 2.0
"""Longest a job poll may wait for the job's end, seconds."""
OPT_METHODS = METHODS                # the optimizer's own list: one definition
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


def problems_of(exc: sim.InputError) -> list[list[str]]:
    """``[[field path, message], ...]`` of an input error, as the page lists them."""
    return [[p, m] for p, m in exc.problems]


def error(status: int, message: str, problems=()) -> JSONResponse:
    """An error answer: ``{"error": message, "problems": [[path, message, message in Chinese], ...]}``
    (the page shows the one of its language; the Chinese is the English where no wording matches)."""
    return JSONResponse({"error": message, "problems": problem_rows(problems)}, status_code=status)


def whole(body: dict, key: str, default: int, low: int, high: int) -> int:
    """The whole number *body[key]* (default *default*) from *low* to *high*; InputError (the
    problem at *key*) otherwise."""
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise sim.InputError("<request>", key, f"must be a whole number from {low} to {high}, got {value!r}")
    return value


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing more than *limit* bytes (OverflowError) before reading it all."""
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
