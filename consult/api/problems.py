"""Errors as ``application/problem+json`` (RFC 9457), with stable machine codes.

Every error under ``/api/`` — raised by an API view (:class:`Problem`), by request validation
(HTTP 422 from webargs) or by Flask itself (404, 405, 429 …) — is answered as::

    {"type": "https://consult.example/api/v1/problems#<code>", "title": "...", "status": 404,
     "code": "not_found", "detail": "...", "errors": {"field": ["message", ...]}}

``code`` is stable across releases; ``title`` and ``detail`` are English for developers.
"""
from __future__ import annotations

from flask import jsonify, request, url_for

# HTTP status → the code used when nothing more specific applies
STATUS_CODES = {400: "bad_request", 401: "token_required", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "invalid_input", 429: "rate_limited", 500: "server_error"}
TITLES = {400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Payload too large", 415: "Unsupported media type",
          422: "Invalid input", 429: "Too many requests", 500: "Server error"}


class Problem(Exception):
    """An API error to answer as problem+json.

    Args:
        status: HTTP status (400–599).
        code: stable machine code, e.g. ``consultation_not_open``.
        detail: a sentence for the developer.
        errors: field name → messages, for input errors.
        headers: extra response headers (e.g. ``WWW-Authenticate``).
    """

    def __init__(self, status: int, code: str, detail: str = "", *, errors: dict | None = None,
                 headers: dict | None = None):
        super().__init__(detail or code)
        self.status, self.code, self.detail, self.errors, self.headers = status, code, detail, errors, headers or {}


def is_api_request() -> bool:
    """Whether this request is for the JSON API (its errors are problem+json)."""
    return request.path.startswith("/api/")


def problem_response(status: int, code: str | None = None, detail: str = "", *, errors: dict | None = None,
                     headers: dict | None = None):
    """The problem+json response for ``status`` (code defaults from :data:`STATUS_CODES`)."""
    code = code or STATUS_CODES.get(status, "error")
    try:
        base = url_for("api_pages.problems", _external=True)
    except Exception:  # no request context that can build URLs (an untrusted host)
        base = "/api/v1/problems"
    body = {"type": f"{base}#{code}", "title": TITLES.get(status, "Error"), "status": status, "code": code}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register(app) -> None:
    """Answer :class:`Problem`, and every HTTP error under ``/api/`` that the HTML error pages
    (:mod:`consult.errors`) do not claim, as problem+json."""
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(Problem)
    def _problem(error: Problem):
        return problem_response(error.status, error.code, error.detail, errors=error.errors, headers=error.headers)

    @app.errorhandler(422)
    def _invalid(error):
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") or data.get("errors")
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in (
                "json", "query", "querystring", "form", "headers", "path", "view_args"):
            messages = next(iter(messages.values()))  # webargs nests the errors under the location
        if is_api_request():
            return problem_response(422, "invalid_input", "The request does not match the schema.",
                                    errors=messages if isinstance(messages, dict) else None,
                                    headers=data.get("headers"))
        return error

    @app.errorhandler(RecursionError)
    def _too_deep(error):  # a JSON body nested thousands deep
        if is_api_request():
            return problem_response(400, "bad_request", "The JSON is nested too deeply.")
        return "400 Bad request\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def _other(error: HTTPException):
        if error.code is None or error.code < 400 or not is_api_request():
            return error
        return problem_response(error.code, None, error.description or "")
