"""Representative verbatim quotes for a theme."""
from __future__ import annotations

from .preprocess import Processed
from .types import Quote

MAX_QUOTE_CHARS = 320
MIN_QUOTE_WORDS = 4


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shorten ``text[start:end]`` to at most MAX_QUOTE_CHARS, ending at a word boundary."""
    if end - start <= MAX_QUOTE_CHARS:
        return start, end
    cut = text.rfind(" ", start, start + MAX_QUOTE_CHARS)
    if cut <= start:
        cut = start + MAX_QUOTE_CHARS
    while cut > start and not text[cut - 1].isalnum():
        cut -= 1
    return start, cut


def best_sentence(doc_id: str, text: str, proc: Processed, weights: dict[str, float]) -> Quote | None:
    """The sentence of one document that best expresses the theme.

    Args:
        weights: stem → weight of that stem in the theme.

    Returns:
        A :class:`Quote` whose text is ``text[start:end]`` (a whole sentence, or its first
        ``MAX_QUOTE_CHARS`` characters cut at a word boundary), or ``None`` if the document has
        no words.
    """
    by_sentence: dict[int, list] = {}
    for tok in proc.tokens:
        by_sentence.setdefault(tok.sentence, []).append(tok)
    best, best_score = None, -1.0
    for index, toks in by_sentence.items():
        stems = {t.stem for t in toks if not t.stop}
        score = sum(weights.get(s, 0.0) for s in stems)
        if len(toks) < MIN_QUOTE_WORDS:
            score *= 0.3  # prefer a real sentence over a fragment
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None
    start, end = proc.sentences[best] if best < len(proc.sentences) else (0, len(text))
    start, end = _trim(text, start, end)
    return Quote(document_id=doc_id, text=text[start:end], start=start, end=end)


def pick_quotes(
    candidates: list[int],
    ids: list[str],
    texts: list[str],
    processed: list[Processed],
    weights: dict[str, float],
    limit: int = 3,
) -> list[Quote]:
    """Up to ``limit`` quotes from distinct documents, skipping repeats of the same wording.

    ``candidates`` are indices of quotable documents, most representative first.
    """
    quotes: list[Quote] = []
    seen: set[str] = set()
    for i in candidates:
        quote = best_sentence(ids[i], texts[i], processed[i], weights)
        if quote is None:
            continue
        fingerprint = " ".join(quote.text.casefold().split())
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        quotes.append(quote)
        if len(quotes) >= limit:
            break
    return quotes
