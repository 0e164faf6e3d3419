"""Configuration classes for consult.

``create_app(config)`` accepts one of these classes (or its dotted name). Development is the
default: SQLite under ``instance/``, mail printed to the log, rate limits kept in memory.
Production reads its secrets from the environment and refuses to start without them.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CONSULT_INSTANCE", BASE_DIR / "instance"))

# Secrets that must never reach production: the development default and common stand-ins.
INSECURE_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development-only-secret"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret")
    INSTANCE_PATH = str(INSTANCE_DIR)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'consult.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    # Whole request (form + files), in bytes; each upload has its own, smaller limit.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
    MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

    # Flask-Babel: Indonesian first, English on request; times shown in WIB.
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "consult" / "translations")
    LANGUAGES = ("id", "en")
    # Messages outside a request (CLI, jobs). Exports always use BABEL_DEFAULT_LOCALE.
    CLI_LOCALE = "en"

    # Flask-WTF: a long time limit, because people write long submissions on slow phones.
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Flask-Limiter: in memory unless a storage URI is given (Redis in production).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"  # 0 only for load benchmarks
    RATELIMIT_HEADERS_ENABLED = True
    SUBMISSION_RATE_LIMIT = "20 per hour"
    # backstop per network address (stored hashed): generous, since many share one address
    SUBMISSION_ADDRESS_RATE_LIMIT = "300 per hour"
    DRAFT_MAIL_RATE_LIMIT = "5 per hour"  # draft links e-mailed, per visitor and per address
    LOGIN_RATE_LIMIT = "10 per minute"
    # flags: per visitor (account or device cookie), and the default number that holds an item
    FLAG_RATE_LIMIT = "10 per hour"
    FLAG_ADDRESS_RATE_LIMIT = "200 per hour"
    FLAG_THRESHOLD = 3
    COMMENT_RATE_LIMIT = "20 per hour"  # comments and replies, per account (or device)
    COMMENT_ADDRESS_RATE_LIMIT = "300 per hour"
    VOTE_RATE_LIMIT = "600 per hour"
    # the JSON API (consult/api): per token, or per address without one
    API_RATE_LIMIT = "1200 per hour"
    API_SUBMIT_RATE_LIMIT = "300 per hour"
    API_TITLE = "consult API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # failed sign-ins per account, whatever device or address they come from
    LOGIN_ACCOUNT_RATE_LIMIT = "20 per hour"
    REGISTER_RATE_LIMIT = "10 per hour"  # refused forms do not count
    RESET_RATE_LIMIT = "10 per hour"
    RESET_ACCOUNT_RATE_LIMIT = "3 per hour"  # reset links sent to one address
    REGISTER_ACCOUNT_RATE_LIMIT = "3 per hour"  # registrations (and "someone tried" mails) for one address
    # sign-in, registration and reset from one network address (a backstop: many people share one)
    ACCOUNT_ADDRESS_RATE_LIMIT = "100 per hour"

    # Flask-Mail. MAIL_SUPPRESS_SEND prints each message to the log instead of sending it.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "konsultasi@localhost")
    MAIL_SUPPRESS_SEND = True

    # reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none)
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600  # seconds: "keep me signed in" lasts 30 days

    # Public references look like KTB-2026-000123.
    SUBMISSION_REFERENCE_PREFIX = os.environ.get("SUBMISSION_REFERENCE_PREFIX", "KTB")
    SITE_NAME = os.environ.get("SITE_NAME", "Konsultasi Publik Kabupaten Lampung Utara")
    CONTACT_ADDRESS = os.environ.get("CONTACT_ADDRESS", "")
    # the site's public address, for links in mail sent from the command line (digests)
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000")  # shown in the footer and privacy notice
    # Suggestions for the region field (the 23 kecamatan of Lampung Utara); free text is allowed.
    REGIONS = (
        "Abung Barat", "Abung Kunang", "Abung Pekurun", "Abung Selatan", "Abung Semuli",
        "Abung Surakarta", "Abung Tengah", "Abung Timur", "Abung Tinggi", "Blambangan Pagar",
        "Bukit Kemuning", "Bunga Mayang", "Hulu Sungkai", "Kotabumi", "Kotabumi Selatan",
        "Kotabumi Utara", "Muara Sungkai", "Sungkai Barat", "Sungkai Jaya", "Sungkai Selatan",
        "Sungkai Tengah", "Sungkai Utara", "Tanjung Raja",
    )
    # Where the demo seed looks for real Polis open data (skipped when absent).
    SHARED_DATA_DIR = os.environ.get("CONSULT_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data"))
    # Background jobs: a thread in this process unless Redis is configured (production issue).
    REDIS_URL = os.environ.get("REDIS_URL")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json": one JSON object per log line
    JOBS_INLINE = False


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, debug on, mail to the log."""

    DEBUG = True


class TestingConfig(Config):
    """The test suite: the database URI is set by the fixtures; no limits, mail kept in memory."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    JOBS_INLINE = True
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    """Production: DATABASE_URL and a real SECRET_KEY come from the environment."""

    # cookies only over HTTPS; COOKIE_SECURE=0 only for a loopback test server without TLS
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "1") != "0"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"  # also turns on HSTS
    MAIL_SUPPRESS_SEND = os.environ.get("MAIL_SUPPRESS_SEND", "") == "1"
    # Host names the site answers to (Flask refuses others with 400), so a forged Host header
    # cannot put another domain into e-mailed links (password reset, receipts, drafts), the
    # page cache or og:url. Default: SITE_URL's host name when SITE_URL is set.
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or (
        [urlparse(os.environ["SITE_URL"]).hostname] if os.environ.get("SITE_URL") else None)

    @classmethod
    def check(cls) -> None:
        """Refuse to start on settings that are unsafe in production.

        Raises:
            RuntimeError: SECRET_KEY is missing, a known stand-in, or shorter than 32 characters,
                or DATABASE_URL is not set.
        """
        secret = os.environ.get("SECRET_KEY", "")
        if secret.lower() in INSECURE_SECRETS or len(secret) < 32:
            raise RuntimeError(
                "Production needs a real SECRET_KEY (32+ random characters) in the environment, "
                "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL in the environment.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
