"""Executors named on the command line."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Optional

from .errors import UserError

SCHEDULER_TIMEOUT = 10.0   # seconds to reach a Dask scheduler


@contextlib.contextmanager
def open_executor(address: Optional[str]) -> Iterator[Optional[Executor]]:
    """Yield a ``concurrent.futures``-style executor for *address*, or None for the local pool.

    ``dask://HOST:PORT`` connects to a running Dask scheduler.
    """
    if address is None:
        yield None
        return
    if not address.startswith("dask://"):
        raise UserError(f"--executor: expected dask://HOST:PORT, got {address!r}")
    try:
        from distributed import Client
    except ImportError:
        raise UserError("--executor: Dask is not installed; pip install 'servicehall[dask]'") from None
    host, _, port = address[len("dask://"):].rpartition(":")
    if not host or not port.isdigit():
        raise UserError(f"--executor: expected dask://HOST:PORT, got {address!r}")
    try:
        # a plain connection first: where nothing listens it is refused at once, while Dask's
        # client keeps retrying until its timeout
        socket.create_connection((host.strip("[]"), int(port)), timeout=SCHEDULER_TIMEOUT).close()
        client = Client(f"tcp://{host}:{port}", timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise UserError(f"--executor: cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
