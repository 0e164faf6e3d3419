"""Where analysed text comes from, and how engine offsets map back to it.

The engine sees one text per submission and section: the answer to a question, or for the
general section the free text followed by the text of an attached position paper. Offsets the
engine returns (quotes, summary sentences, a campaign copy's added text) are into that combined
text; :func:`locate` maps them back to their source (the free text, or an attachment's PDF page
or DOCX paragraph) so what is stored and shown cites where it was written.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..submissions.models import Submission

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Segment:
    """Where a stretch of an analysed text comes from.

    ``offset`` is its start in the combined document text; ``source`` is ``"text"`` or
    ``"attachment"``; ``page``/``paragraph`` locate attachment text.
    """

    offset: int
    length: int
    source: str
    page: int | None = None
    paragraph: int | None = None


def combined_text(submission: Submission) -> tuple[str, list[Segment]]:
    """The general free text of a submission followed by its attachment's text, with a map."""
    parts: list[tuple[str, str, int | None, int | None]] = []
    if submission.body:
        parts.append((submission.body, "text", None, None))
    if submission.attachment is not None:
        for seg in submission.attachment.segments or []:
            parts.append((seg["text"], "attachment", seg.get("page"), seg.get("paragraph")))
    text, segments, offset = [], [], 0
    for i, (part, source, page, paragraph) in enumerate(parts):
        if i:
            text.append(SEPARATOR)
            offset += len(SEPARATOR)
        segments.append(Segment(offset, len(part), source, page, paragraph))
        text.append(part)
        offset += len(part)
    return "".join(text), segments


def section_text(submission: Submission, question_id: int | None) -> tuple[str, list[Segment]]:
    """The text the engine analyses for ``submission`` in a section, with its segment map.

    ``question_id`` ``None`` is the general section (free text and attachment); otherwise the
    submission's answer to that question (empty when it gave none).
    """
    if question_id is None:
        return combined_text(submission)
    answer = submission.answer_for(question_id)
    text = (answer.text or "") if answer else ""
    return text, [Segment(0, len(text), "text")]


def locate(segments: list[Segment], start: int, end: int) -> tuple[Segment, int, int] | None:
    """Map ``[start, end)`` of a combined text to ``(segment, local start, local end)``.

    Returns ``None`` if the span crosses a segment boundary (never for the engine's sentence quotes,
    which do not cross blank lines).
    """
    for seg in segments:
        if seg.offset <= start and end <= seg.offset + seg.length:
            return seg, start - seg.offset, end - seg.offset
    return None


def locate_pieces(segments: list[Segment], start: int, end: int) -> list[tuple[Segment, int, int]]:
    """Like :func:`locate`, but a span that crosses segments is cut into one piece per segment.

    Used for a campaign copy's added text, which may run from the free text into an attachment;
    the separator between segments belongs to no source and is dropped. Empty pieces are left out.
    """
    pieces = []
    for seg in segments:
        lo, hi = max(start, seg.offset), min(end, seg.offset + seg.length)
        if lo < hi:
            pieces.append((seg, lo - seg.offset, hi - seg.offset))
    return pieces

