"""Safe Markdown: markdown-it-py renders, nh3 (the Ammonia sanitiser) cleans.

Consultation bodies are written by staff, but they are still sanitised, so a pasted script or
an ``onerror`` attribute can never run in a respondent's browser.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str | None) -> str:
    """Render Markdown to sanitised HTML (a ``str``; mark it safe in templates).

    Raw HTML in the source is escaped, then the output is cleaned by nh3 with a small allow-list;
    links get ``rel="noopener noreferrer nofollow"``. Level-1 headings become ``h2`` so the page
    keeps one ``h1``.
    """
    if not source:
        return ""
    html = _md.render(source).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
