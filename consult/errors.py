"""Domain errors raised by services, and the HTTP error pages.

Services raise these; views and CLI commands translate them: a view puts
``ValidationFailed.errors`` back on its form, a CLI command prints the message and exits non-zero.
"""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError


class DomainError(Exception):
    """A rule of the consultation workflow refused the operation.

    ``message`` is a user-facing sentence (it may be a lazy translation).
    """

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = message


class ValidationFailed(DomainError):
    """Input broke a rule that the form alone could not check.

    Args:
        errors: field name → list of messages; the key ``""`` holds errors that belong to no field.
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        first = next((m for msgs in errors.values() for m in msgs), _l("Invalid input."))
        super().__init__(first)


class NotAllowed(DomainError):
    """The actor may not do this (maps to HTTP 403)."""


class NotFound(DomainError):
    """The named object does not exist (maps to HTTP 404; one line and exit 1 in the CLI)."""


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for the HTTP errors a visitor can meet."""

    def page(code: int, title, message):
        from flask import request

        from .api.problems import is_api_request, problem_response

        if is_api_request():  # the JSON API: problem+json, no web wording
            return problem_response(code, None, "")
        if request.url_rule is None and getattr(request, "routing_exception", None) is not None \
                and type(request.routing_exception).__name__ == "SecurityError":
            return f"{code} {title}: this site does not answer to that host name.\n", code, {
                "Content-Type": "text/plain; charset=utf-8"}  # no URL can be built for an untrusted host
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(400)
    def bad_request(e):
        return page(400, _l("Bad request"), _l("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return page(400, _l("The form has expired"),
                    _l("For your security the form expired. Go back, reload the page and try again."))

    @app.errorhandler(NotAllowed)
    @app.errorhandler(403)
    def forbidden(e):
        return page(403, _l("Not allowed"), _l("You do not have permission to see this page."))

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(e):
        return page(404, _l("Page not found"), _l("We could not find that page."))

    @app.errorhandler(405)
    def wrong_method(e):
        from .api.problems import is_api_request, problem_response

        if is_api_request():
            return problem_response(405, None, "", headers={"Allow": ", ".join(sorted(e.valid_methods or []))})
        return page(405, _l("Not allowed"), _l("This page cannot be used that way."))

    @app.errorhandler(413)
    def too_large(e):
        return page(413, _l("Too large"),
                    _l("What you sent (text and files together) is larger than the site accepts. "
                       "Go back, shorten it or choose a smaller file, and try again."))

    @app.errorhandler(429)
    def too_many(e):
        return page(429, _l("Too many requests"),
                    _l("Many requests came in a short time. Please try again later; the limit is "
                       "lifted within an hour at most."))

    @app.errorhandler(500)
    def server_error(e):
        app.logger.exception("Server error on %s", request.path)
        return page(500, _l("Something went wrong"),
                    _l("The error has been recorded. Please try again in a moment."))
