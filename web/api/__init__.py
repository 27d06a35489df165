"""The JSON API under /api/: every action of the pages, for integrations, described by
the OpenAPI document at /api/openapi.json (openapi.py). Token authentication, the
pages' permissions and JSON errors naming the wrong fields are in base.py; the routes
in tasks.py, dossiers.py, routes.py and supervision.py; docs/api.md for users. Each
view's endpoint is its operationId in the document."""

from web.api import dossiers, routes, supervision, tasks  # noqa: F401  (register their routes on `bp`)
from web.api.base import bp

__all__ = ["bp"]
