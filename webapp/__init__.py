"""servicehall's what-if web app for hall managers (``servicehall app``).

A FastAPI application with server-rendered page templates and plain JavaScript
(no front-end build step): open a hall, edit its staffing grid, run it, read the
KPIs as a floor diagram and a heatmap, compare with a baseline, ask the optimizer,
replay a simulated day, export the results. See ``docs/app.md``.

Build the application with :func:`webapp.server.create_app`; nothing here imports
the web framework, so ``import webapp`` stays light.
"""

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    """:func:`webapp.server.create_app` (imports FastAPI on first use)."""
    from .server import create_app as build

    return build(*args, **kwargs)
