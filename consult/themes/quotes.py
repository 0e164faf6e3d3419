"""Representative verbatim quotes for a theme."""
from __future__ import annotations

from .preprocess import Processed
from .types import Quote

MAX_QUOTE_CHARS = 320
MIN_QUOTE_WORDS = 4
MIN_SUMMARY_WORDS = 5


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
    owners: list[str] | None = None,
) -> list[Quote]:
    """Up to ``limit`` quotes from distinct documents, skipping repeats of the same wording.

    ``candidates`` are indices of quotable texts, most representative first; ``owners[i]``, when
    given, names the document text ``i`` belongs to (paragraphs of one submission share an owner),
    and at most one quote is taken per owner.
    """
    quotes: list[Quote] = []
    seen: set[str] = set()
    used: set[str] = set()
    for i in candidates:
        if owners is not None:
            if owners[i] in used:
                continue
        quote = best_sentence(ids[i], texts[i], processed[i], weights)
        if quote is None:
            continue
        fingerprint = " ".join(quote.text.casefold().split())
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        if owners is not None:
            used.add(owners[i])
        quotes.append(quote)
        if len(quotes) >= limit:
            break
    return quotes


def summarise(
    candidates: list[int],
    ids: list[str],
    texts: list[str],
    processed: list[Processed],
    phrase_keys: list[tuple[str, ...]],
    weights: dict[str, float],
    limit: int = 3,
    owners: list[str] | None = None,
) -> list[Quote]:
    """A short extractive summary: for each key phrase in turn, the sentence that best carries it.

    For the phrase, among sentences of ``candidates`` (quotable documents, most central first)
    that contain all its stems, the one with the highest theme weight per word (favouring
    sentences of 6–40 words) is taken, at most one sentence per document (``owners[i]`` names the
    document of text ``i`` when several texts are paragraphs of one) and no repeated wording.
    Every sentence is verbatim (``texts[i][start:end]``, trimmed to ``MAX_QUOTE_CHARS``) and cites
    its document. No paraphrase is ever produced.

    Returns:
        Up to ``limit`` :class:`Quote` objects, in the order of the phrases they carry.
    """
    sentences = []  # (candidate rank, doc index, sentence index, stems, n words)
    for rank, i in enumerate(candidates):
        by_sentence: dict[int, list] = {}
        for tok in processed[i].tokens:
            by_sentence.setdefault(tok.sentence, []).append(tok)
        for s_index, toks in by_sentence.items():
            stems = {t.stem for t in toks if not t.stop}
            sentences.append((rank, i, s_index, stems, len(toks)))
    out: list[Quote] = []
    used_docs: set = set()
    owner = (lambda i: owners[i]) if owners is not None else (lambda i: i)
    seen: set[str] = set()
    for key in phrase_keys:
        if len(out) >= limit:
            break
        best, best_score = None, 0.0
        for rank, i, s_index, stems, n_words in sentences:
            if owner(i) in used_docs or not set(key) <= stems or n_words < MIN_SUMMARY_WORDS:
                continue  # a heading ("Talent management.") is not a summary sentence
            score = sum(weights.get(s, 0.0) for s in stems) / (n_words ** 0.5)
            if not 6 <= n_words <= 40:
                score *= 0.5
            score *= 1.0 / (1.0 + 0.01 * rank)
            if score > best_score:
                best, best_score = (i, s_index), score
        if best is None:
            continue
        i, s_index = best
        proc = processed[i]
        start, end = proc.sentences[s_index] if s_index < len(proc.sentences) else (0, len(texts[i]))
        start, end = _trim(texts[i], start, end)
        fingerprint = " ".join(texts[i][start:end].casefold().split())
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        used_docs.add(owner(i))
        out.append(Quote(document_id=ids[i], text=texts[i][start:end], start=start, end=end))
    return out
