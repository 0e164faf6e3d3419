"""Binding the API to the app: flask-smorest's ``Api`` (the OpenAPI document at
``/api/v1/openapi.json``), the problem+json error answers, and the API's web pages."""
from __future__ import annotations

from flask_smorest import Api


class ConsultApi(Api):
    """flask-smorest's ``Api`` without its app-wide JSON error handler: the HTML pages keep
    their error pages, and errors under ``/api/`` are problem+json (:mod:`.problems`), as the
    document says."""

    DEFAULT_ERROR_CONTENT_TYPE = "application/problem+json"

    def _register_responses(self):
        """Document every error answer as what is sent: problem+json (:class:`ProblemOut`)."""
        import http

        from flask_smorest.utils import prepare_response

        from .schemas import ProblemOut

        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"] = ProblemOut
                content_type = self.DEFAULT_ERROR_CONTENT_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details)", "schema": ProblemOut}
        prepare_response(response, self.spec, self.DEFAULT_ERROR_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self):
        from . import problems

        problems.register(self._app)

    def _register_pagination_header(self):
        """Document ``X-Pagination`` as what it is on the wire: a string holding JSON
        (flask-smorest documents it as an object, which a header value never is)."""
        if self.spec.openapi_version.major >= 3:
            self.spec.components.header("PAGINATION", {
                "description": "Pagination metadata as a JSON object: total, total_pages, first_page, last_page, "
                               "page, previous_page, next_page.",
                "schema": {"type": "string"}}, lazy=True)


def init_api(app) -> None:
    """Register the API blueprint, its OpenAPI document and web pages on ``app``."""
    from ..common.visibility import NOT_SURFACES
    from .routes import blp
    from .views import bp as pages_bp

    api = ConsultApi(app, spec_kwargs={
        "info": {"description": "Read consultations, published submissions, discussion, themes and responses; "
                                "submit on a respondent's behalf (partner channels); moderate and analyse (staff). "
                                "Errors are application/problem+json; GETs carry ETags.",
                 "license": {"name": "Open data: see each consultation's terms"}},
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                         "description": "A personal API token (cst_…)."})
    api.register_blueprint(blp)
    app.register_blueprint(pages_bp)
    app.extensions["consult_api"] = api
    NOT_SURFACES["api-docs.openapi_json"] = "the OpenAPI document of the API (no user content)"
