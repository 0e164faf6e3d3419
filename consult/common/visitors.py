"""Recognising a visitor without storing who they are.

A visitor is the signed-in account, or else a random device id in a signed cookie. Rate limits
key on this, never on a bare IP address: a kecamatan hall or a mobile carrier puts many people
behind one address.
"""
from __future__ import annotations

import secrets

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "consult_device"
MAX_AGE = 2 * 365 * 24 * 3600


def _serializer(app) -> URLSafeSerializer:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="consult-device")


def device_id() -> str:
    """This request's device id: from the signed cookie, or a new one set on the response."""
    if "device_id" not in g:
        from flask import current_app

        value = None
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                value = _serializer(current_app).loads(raw)
            except BadSignature:
                value = None
        if not value:
            value = secrets.token_urlsafe(16)
            g.new_device_id = value
        g.device_id = value
    return g.device_id


def visitor_key() -> str:
    """Rate-limit key: ``user:<id>``, else ``device:<id>``, else (no cookies) the address."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    if request.cookies.get(COOKIE) or "device_id" in g:
        return f"device:{device_id()}"
    return f"addr:{get_remote_address()}"


def _keyed(value: str) -> str:
    import hashlib
    import hmac

    from flask import current_app

    return hmac.new(current_app.config["SECRET_KEY"].encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def visitor_hash() -> str:
    """This visitor (:func:`visitor_key`, after making sure a device id exists) as a keyed
    HMAC-SHA-256 digest, 32 hex characters: stored with flags and submissions to tell one
    visitor's repeats apart without storing who they are."""
    if not (current_user and current_user.is_authenticated):
        device_id()
    return _keyed(visitor_key())


def device_hash() -> str:
    """This browser's device id (made if missing) as a keyed digest, signed in or not."""
    return _keyed(f"device:{device_id()}")


def account_hash() -> str | None:
    """The signed-in account as a keyed digest, or ``None``."""
    if current_user and current_user.is_authenticated:
        return _keyed(f"user:{current_user.id}")
    return None


def address_key() -> str:
    """Rate-limit key for a backstop per network address, kept only as a salted hash.

    Used with a generous limit: a kecamatan hall or a mobile carrier puts many people behind one
    address, so it only stops scripted floods that change cookies on every request.
    """
    return f"addr:{_keyed(get_remote_address() or '')}"


def init_app(app) -> None:
    """Set the device cookie on responses to visitors who do not have one yet."""

    @app.after_request
    def _set_device_cookie(response):
        value = g.pop("new_device_id", None)
        if value:
            response.set_cookie(COOKIE, _serializer(app).dumps(value), max_age=MAX_AGE,
                                httponly=True, samesite="Lax",
                                secure=app.config.get("SESSION_COOKIE_SECURE", False))
        return response
