"""The web application and REST API: ``create_app(settings)`` (see ``server/app.py``)."""

from skillgap.server.app import create_app

__all__ = ["create_app"]
