"""A stop asked of this process by a signal, recorded so that it cannot be lost.

Python runs a signal handler between two bytecodes of the main thread. When that
happens inside a finalizer (a ``__del__`` run by the garbage collector), the
exception the handler raises is printed as "Exception ignored" and dropped, and the
run would go on to commit its outputs. So the command line's handlers also record
the request here, and every commit of an output (:mod:`sim.output`) and every batch
the runner collects calls :func:`raise_if_stop_requested`.
"""

from __future__ import annotations

import signal


class Terminated(BaseException):
    """The process received SIGTERM or SIGHUP; unwinds like KeyboardInterrupt so outputs are cleaned."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_requested: list[int] = []


def request_stop(signum: int) -> None:
    """Record that signal *signum* asked this process to stop (called by signal handlers)."""
    _requested.append(signum)


def stop_requested() -> int | None:
    """The first signal that asked this process to stop, or None."""
    return _requested[0] if _requested else None


def clear_stop_request() -> None:
    """Forget recorded requests (a new command starts)."""
    _requested.clear()


def stop_exception(signum: int) -> BaseException:
    """What a stop by *signum* raises: KeyboardInterrupt for SIGINT, else Terminated."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def raise_if_stop_requested() -> None:
    """Raise the stop's exception if a signal asked this process to stop."""
    signum = stop_requested()
    if signum is not None:
        raise stop_exception(signum)
