"""A short-lived cache of whole public pages for anonymous visitors (a "micro-cache").

Pages that show no submission text — the home page and a consultation's page, which show counts
— are rendered once per ``seconds`` per worker process and language, then served from memory.
Signed-in users, requests carrying flashed messages, and responses that set a cookie are never
cached or served from the cache. When an entry expires, one request re-renders it while the
others are served the expired copy ("stale while revalidate"), so a busy page is never rendered by
every thread at once; a copy more than ``STALE_FOR`` seconds past its expiry is never served. A
count may therefore lag by ``seconds`` (default 2) plus one render; no text ever passes through
the cache, so the visibility gate's rule for text is unaffected.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

MAX_ENTRIES = 512
STALE_FOR = 10.0
_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[float, int, list, bytes]] = OrderedDict()
_refreshing: set[tuple] = set()


def _serve(hit: tuple[float, int, list, bytes], state: str):
    response = make_response(hit[3], hit[1])
    response.headers.clear()
    response.headers.extend(hit[2])
    response.headers["X-Cache"] = state
    return response


def clear() -> None:
    """Forget every cached page (tests; after settings change in this process)."""
    with _lock:
        _entries.clear()
        _refreshing.clear()


def public_page_cache(seconds: float = 2.0):
    """Decorator for a view whose page holds no submission text: cache its anonymous GET
    responses for ``seconds`` (per host, path, query string and interface language)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            from flask import current_app

            cacheable = (request.method == "GET" and not current_user.is_authenticated
                         and "_flashes" not in session and not current_app.config.get("TESTING"))
            if not cacheable:
                return view(*args, **kwargs)
            key = (request.host, request.path, request.query_string, str(get_locale()))
            now = time.monotonic()
            with _lock:
                hit = _entries.get(key)
                if hit is not None and hit[0] > now:
                    _entries.move_to_end(key)
                    return _serve(hit, "HIT")
                if hit is not None and key in _refreshing and hit[0] + STALE_FOR > now:
                    return _serve(hit, "STALE")  # another thread is re-rendering it
                _refreshing.add(key)
            try:
                response = make_response(view(*args, **kwargs))
                if response.status_code == 200 and "Set-Cookie" not in response.headers and not response.is_streamed:
                    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
                    with _lock:
                        _entries[key] = (time.monotonic() + seconds, response.status_code, headers, response.get_data())
                        _entries.move_to_end(key)
                        while len(_entries) > MAX_ENTRIES:
                            _entries.popitem(last=False)
            finally:
                with _lock:
                    _refreshing.discard(key)
            response.headers["X-Cache"] = "MISS"
            return response

        return wrapper

    return decorator
