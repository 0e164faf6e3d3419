"""consult — a participatory consultation platform for stakeholder forums.

``create_app`` is the application factory. Flask is imported inside it, so importing
``consult.themes`` (the pure analysis engine) never loads Flask.
"""
from __future__ import annotations

__version__ = "0.1.0"


def create_app(config=None, overrides: dict | None = None):
    """Build the Flask application.

    Args:
        config: a config class, or its name (``"development"``, ``"testing"``,
            ``"production"``); ``None`` takes the name from ``CONSULT_CONFIG`` (default
            ``development``). A mapping here is taken as ``overrides`` on that default.
        overrides: settings applied on top of the class, before any extension reads them.

    Returns:
        The configured :class:`flask.Flask` app.

    Raises:
        RuntimeError: production settings are unsafe (see ``ProductionConfig.check``).
    """
    import os
    from pathlib import Path

    from flask import Flask

    from config import CONFIGS, ProductionConfig

    root = Path(__file__).resolve().parent.parent
    overrides = dict(overrides or {})
    if config is None or isinstance(config, dict):
        overrides = {**(config or {}), **overrides}
        config = os.environ.get("CONSULT_CONFIG", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    if config is ProductionConfig:
        ProductionConfig.check()

    app = Flask(
        __name__,
        instance_path=overrides.get("INSTANCE_PATH", config.INSTANCE_PATH),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_COUNT"):
        # behind PROXY_COUNT reverse proxies: trust their X-Forwarded-For/-Proto/-Host
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    if not app.testing:
        # INFO and up reach the console: request problems, jobs, and (in development) the
        # mail that is printed instead of sent.
        import logging

        app.logger.setLevel(logging.INFO)
    register_extensions(app)
    register_blueprints(app)
    from .api.setup import init_api
    from .errors import register_error_handlers

    init_api(app)
    register_error_handlers(app)
    register_jinja(app)
    register_cli(app)
    register_security_headers(app)
    from .common import logs
    from .site.backup import guard_while_serving

    logs.init_app(app)
    guard_while_serving(app)
    register_health(app)
    return app


def register_health(app) -> None:
    """``/healthz``: 200 when the app answers and the database does, else 503 (for the reverse
    proxy, the orchestrator and the load balancer)."""
    from flask import jsonify
    from sqlalchemy import text

    from .common.visibility import not_a_surface
    from .extensions import db, limiter

    @app.route("/healthz")
    @limiter.exempt
    @not_a_surface("healthz", "the health check (no content)")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 — any database failure means unhealthy
            app.logger.error("health check: database unreachable: %s", exc)
            db.session.rollback()
            return jsonify({"status": "error", "database": "unreachable"}), 503
        return jsonify({"status": "ok", "database": "ok"})


# Scripts, styles, images and fonts only from this site; no inline script or style, no plug-ins,
# no framing by other sites, forms post only here.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")


def register_security_headers(app) -> None:
    """Headers every response carries: a strict Content Security Policy (no inline script), no
    MIME sniffing, no framing by other sites, a short referrer, no powerful browser features,
    and HSTS when the site runs on HTTPS (``PREFERRED_URL_SCHEME = "https"``)."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("PREFERRED_URL_SCHEME") == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_extensions(app) -> None:
    """Bind every extension of ``consult.extensions`` to ``app``."""
    from pathlib import Path

    from .common import i18n, visitors
    from .common import mail as mail_setup
    from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)
    from .search.models import include_object
    from .search.services import init_app as search_init_app

    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True, include_object=include_object)
    search_init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    mail.init_app(app)
    mail_setup.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    i18n.init_app(app)
    visitors.init_app(app)

    from .accounts.models import User

    @login_manager.user_loader
    def load_user(identifier: str):
        """The user of a session or remember cookie ``<id>:<session_token>``; ``None`` when the
        token no longer matches (password changed, signed out, account deleted and id reused)."""
        import hmac

        user_id, _sep, token = (identifier or "").partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_token, token):
            return None
        return user

    # Import every model so the metadata is complete (migrations, relationships by name), and
    # every module that registers a background job.
    from . import models
    from .analysis import jobs as analysis_jobs

    app.extensions["consult_modules"] = (models, analysis_jobs)


def _sqlite_pragmas(app) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from .extensions import db

    with app.app_context():
        engine: Engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_blueprints(app) -> None:
    """Register each feature's blueprint."""
    from .accounts.admin import bp as admin_bp
    from .accounts.routes import bp as accounts_bp
    from .analysis.routes import bp as analysis_bp
    from .consultations.authoring import bp as authoring_bp
    from .consultations.routes import bp as consultations_bp
    from .discussion.routes import bp as discussion_bp
    from .exports.routes import bp as exports_bp
    from .exports.routes import public_bp as open_data_bp
    from .forums.routes import bp as forums_bp
    from .search.routes import bp as search_bp
    from .moderation.routes import bp as moderation_bp
    from .moderation.routes import public_bp as moderation_public_bp
    from .site.routes import admin_bp as site_admin_bp
    from .site.routes import bp as site_bp
    from .submissions.routes import bp as submissions_bp

    app.register_blueprint(consultations_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(discussion_bp)
    app.register_blueprint(accounts_bp, url_prefix="/auth")
    app.register_blueprint(analysis_bp, url_prefix="/staff")
    app.register_blueprint(exports_bp, url_prefix="/staff")
    app.register_blueprint(open_data_bp)
    app.register_blueprint(forums_bp, url_prefix="/staff")
    app.register_blueprint(search_bp)
    app.register_blueprint(moderation_bp, url_prefix="/staff")
    app.register_blueprint(moderation_public_bp)
    app.register_blueprint(admin_bp, url_prefix="/staff/admin")
    app.register_blueprint(authoring_bp, url_prefix="/staff")
    app.register_blueprint(site_bp)
    app.register_blueprint(site_admin_bp, url_prefix="/staff/admin")


def register_jinja(app) -> None:
    """Template filters and globals: Markdown, dates in WIB, labels."""
    from .common import jinja

    jinja.init_app(app)


def register_cli(app) -> None:
    """Add the ``flask consult …`` command group."""
    from .cli import consult_cli

    app.cli.add_command(consult_cli)
