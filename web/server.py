"""The production server: the app under gunicorn (gthread workers), configured from the
settings. Each worker process builds its own app, database engine and caches
(web.db.services); what several processes share lives in the database.

Why gunicorn rather than waitress: workers are processes, so a request that runs a
diagram script or renders a paper holds one worker's interpreter, not the whole server's;
a stuck worker is killed and replaced after WORKER_TIMEOUT; SIGHUP replaces the workers
gracefully and SIGTERM lets running requests finish. waitress is one process of threads
with neither.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

# The access log names the request's path without its query string (searches carry
# citizens' names) and never a header; `%(L)s` is the request's duration in seconds.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'


def server_options(settings: dict[str, str], host: str, port: int) -> dict[str, Any]:
    """gunicorn's options for these settings (see docs/deployment.md)."""
    max_requests = int(settings["MAX_REQUESTS"])
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "worker_class": "gthread",
        "workers": int(settings["WORKERS"]),
        "threads": int(settings["THREADS"]),
        "timeout": round(float(settings["WORKER_TIMEOUT"])),
        "graceful_timeout": round(float(settings["GRACEFUL_TIMEOUT"])),
        "keepalive": 5,
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10,
        # request line and headers: gunicorn's own bounds, a little tighter
        "limit_request_line": 4094,
        "limit_request_fields": 60,
        "limit_request_field_size": 8190,
        "accesslog": settings["ACCESS_LOG"] or None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "proc_name": "lienthong",
        "control_socket_disable": True,  # a shared per-user socket; signals do its job
        # the client's address comes from web.headers' ProxyFix (PROXY_HOPS), not gunicorn
        "forwarded_allow_ips": "",
    }


class ProductionServer(BaseApplication):  # type: ignore[misc]
    """gunicorn serving `create_app()`, built anew in every worker."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from web.app import create_app

        return create_app()


def serve(settings: dict[str, str], host: str, port: int) -> None:
    """Run the production server until it is stopped (SIGTERM, SIGINT)."""
    ProductionServer(server_options(settings, host, port)).run()
