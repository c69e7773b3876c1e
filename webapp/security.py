"""Who may talk to the app: loopback Host names, a token when bound elsewhere, no cross-site writes.

* Bound to a loopback address (the default), requests must name a loopback host
  (``127.0.0.1``, ``localhost``, ``[::1]``) in their Host header, which defeats DNS
  rebinding: a web page elsewhere cannot make the browser talk to the app.
* Bound to any other address, a random token is required: ``?token=...`` in the
  URL the command prints, after which the app sets an HttpOnly cookie.
* Every request that changes something (not GET/HEAD) must carry the header
  ``X-Servicehall: 1``, which a cross-site form cannot send and a cross-site
  script can send only after a CORS preflight the app never grants.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Optional

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse

COOKIE = "servicehall_token"
WRITE_HEADER = "x-servicehall"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A random URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


def _host_name(header: str) -> str:
    if header.startswith("["):  # [::1]:8000
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard(BaseHTTPMiddleware):
    """The checks of this module's docstring; *token* None means loopback-only mode."""

    def __init__(self, app, token: Optional[str] = None):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next):
        if self.token is None:
            if not is_loopback(_host_name(request.headers.get("host", ""))):
                return PlainTextResponse("forbidden host", status_code=403)
        else:
            given = request.query_params.get("token")
            cookie = request.cookies.get(COOKIE, "")
            if given is not None and hmac.compare_digest(given, self.token):
                # Drop the token from the address bar (and from the history) once the cookie is set.
                response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                return response
            if not hmac.compare_digest(cookie, self.token):
                return PlainTextResponse("a valid token is required: open the address the app printed",
                                         status_code=403)
        if request.method not in ("GET", "HEAD") and request.headers.get(WRITE_HEADER) != "1":
            return JSONResponse({"error": "missing X-Servicehall header"}, status_code=403)
        return await call_next(request)
