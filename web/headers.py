"""What every response says about itself: the security headers (Flask-Talisman), no
caching of anything but static files, and the client's address behind a reverse proxy."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts only from this site or inline with the request's nonce; styles from this site
# (inline style attributes allowed: the diagram viewer sets them on its SVG); nothing may
# frame the pages, and forms post only here.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_headers(app: Flask, *, secure_cookies: bool, proxy_hops: int) -> None:
    Talisman(
        app,
        force_https=False,  # TLS ends at the reverse proxy (docs/deployment.md)
        strict_transport_security=secure_cookies,
        session_cookie_secure=secure_cookies,
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
    app.after_request(_no_store)
    if proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxy_hops,  # type: ignore[method-assign]
                                x_proto=proxy_hops, x_host=proxy_hops)


def _no_store(response: Response) -> Response:
    """Pages, papers and the API carry citizens' data: no browser or proxy keeps them."""
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response
