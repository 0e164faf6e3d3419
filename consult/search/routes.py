"""The public search page."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from ..common.visibility import public_surface
from . import services

bp = Blueprint("search", __name__)

MAX_QUERY = 200
LIMIT = 30


@bp.route("/search")
@public_surface("search.search")
def search():
    """Search consultations and published submissions (``?q=``); quotable text only."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    hits = services.search(query, limit=LIMIT) if query else []
    return render_template("search/results.html", query=query, hits=hits, limit=LIMIT,
                           words=bool(services.words_of(query)))
