"""Structured logs: with ``LOG_FORMAT=json`` every log record is one JSON object per line
(time in UTC, level, logger, message, and the request's method, path and id when there is one),
ready for a log collector; otherwise the usual text lines."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
        ``message``, and ``method``/``path``/``request_id`` inside a request."""
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if has_request_context():
            entry.update(method=request.method, path=request.path, request_id=g.get("request_id"))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app) -> None:
    """Give every request an id (``X-Request-ID`` in and out) and, with ``LOG_FORMAT=json``,
    write the app's and the server's logs as JSON lines."""

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    if app.config.get("LOG_FORMAT") == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        for name in ("", app.logger.name, "gunicorn.error"):
            logger = logging.getLogger(name)
            logger.handlers = [handler]
        app.logger.propagate = False
