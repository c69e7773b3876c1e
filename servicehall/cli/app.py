"""``servicehall app``: the what-if web app for hall managers, in the browser.

The web framework is imported inside :func:`run`, so ``servicehall --help`` and
the other commands do not pay for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .errors import UserError
from .options import nonneg_int, positive_int


def port(text: str) -> int:
    value = nonneg_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, got {value}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="start the what-if web app (staffing grid, KPIs, compare, optimize, replay)",
                       description="Start a local web app to open a hall, edit its staffing, run it and compare. "
                                   "Bound to 127.0.0.1 by default; bound elsewhere, it requires the random token "
                                   "in the address it prints.")
    p.add_argument("scenario", nargs="?", help="scenario YAML file to open at start (default: pick one in the app)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=port, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the app (default zh, 简体中文)")
    p.add_argument("--workdir", default="servicehall-app",
                   help="working folder: the only place the app writes (uploads, caches); default ./servicehall-app")
    p.add_argument("--workers", type=positive_int, default=None, help="processes for replications (default: all cores)")
    p.set_defaults(func=run)


def confine_writes(workdir: Path) -> None:
    """Send this process's temporary files and caches into *workdir*, and write no bytecode."""
    for sub in ("tmp", "cache"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(workdir / "tmp")
    os.environ["TMPDIR"] = str(workdir / "tmp")
    # Matplotlib (the HTML report) keeps its font cache in MPLCONFIGDIR, by default under the home folder.
    os.environ.setdefault("MPLCONFIGDIR", str(workdir / "cache" / "matplotlib"))
    sys.dont_write_bytecode = True


def run(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    from sim import default_workers
    from webapp.security import is_loopback, new_token
    from webapp.server import create_app

    if not args.host.strip():
        # bind() takes "" for every interface; say so rather than guess
        raise UserError("--host: empty; give 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
    workdir = Path(args.workdir).resolve()
    if workdir.exists() and not workdir.is_dir():
        raise UserError(f"--workdir {args.workdir}: exists and is not a folder; give a folder path")
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--workdir: cannot create {workdir}: {exc.strerror or exc}") from None
    confine_writes(workdir)
    token = None if is_loopback(args.host) else new_token()
    app = create_app(workdir, scenario=args.scenario, lang=args.lang, token=token,
                     workers=args.workers or default_workers())
    # Bind first so that the address printed is the real one (with --port 0, the port picked).
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        raise UserError(f"--host/--port: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    sock.listen(128)  # connections wait in the backlog until the server accepts them: the address works at once
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"servicehall app: open {url}  (working folder {workdir}; Ctrl+C stops)", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
