"""The analysis pipeline: split → vectorise → LSA → k-means → key phrases, labels, quotes.

Each document is cut into units: a short submission is one unit, a long one (a position paper)
one unit per paragraph, so one submission can carry several themes. Units become TF-IDF vectors
over stems and stem bigrams (:mod:`consult.themes.vectorise`), are reduced by latent semantic
analysis and grouped by k-means (:mod:`consult.themes.cluster`), with the number of themes chosen
by silhouette when not given. Units far from every centre, with no usable words, or left in a
group too small to be a theme are reported as unassigned rather than forced into a theme.
Placeholders ("-", "tidak ada", "n/a") are never analysed, counted or quoted.

Themes are then described from a bounded sample of their most central units: key phrases by
class-based TF-IDF (:mod:`consult.themes.phrases`), verbatim quotes (:mod:`consult.themes.quotes`)
and counts per stakeholder type. Work beyond the samples is linear in the input.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from consult.text.language import detect_language, language_family
from consult.text.normalise import is_placeholder
from consult.text.stopwords import all_stopwords

from .campaigns import detect_campaigns
from .cluster import MIN_SIMILARITY, cluster
from .phrases import build_index, key_phrases
from .preprocess import preprocess
from .quotes import pick_quotes, summarise
from .types import Document, Quote, Theme, ThemeResult
from .vectorise import char_ngrams, content_words, fit_space, stopwords_for

Progress = Callable[[str, float], None]

MIN_DOCUMENTS_TO_CLUSTER = 6
SPLIT_MIN_WORDS = 80  # a document with more content words than this is split into paragraphs
UNIT_MIN_WORDS = 20  # paragraphs are merged with the next one until they have this many
DESCRIBE_SAMPLE = 30  # most central units per theme used to find key phrases and quotes
KEY_PHRASES = 5
MIN_QUOTABLE_SAMPLE = 10  # quotable units added beyond the central sample when it has fewer
# character 4-grams help where word statistics are sparse (small inputs); beyond this many units
# the words alone carry enough evidence, and the 4-grams would cost more than the rest together
CHAR_MAX_UNITS = 20_000


@dataclass(frozen=True)
class Unit:
    """A stretch ``text[start:end]`` of document ``doc`` analysed on its own."""

    doc: int
    start: int
    end: int


class _Clock:
    """Seconds spent per stage, for ``diagnostics["stage_seconds"]``."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        """Add the seconds since the last lap to ``stage``."""
        now = time.perf_counter()
        self.laps[stage] = round(self.laps.get(stage, 0.0) + now - self.last, 3)
        self.last = now


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, max(0.0, min(1.0, fraction)))


def split_units(index: int, text: str, words: list[str]) -> list[Unit]:
    """Cut one document into units: itself, or its paragraphs when it is long.

    Paragraphs are separated by line breaks; short ones are merged with the next so each unit
    has about ``UNIT_MIN_WORDS`` content words.
    """
    if len(words) <= SPLIT_MIN_WORDS or "\n" not in text:
        return [Unit(index, 0, len(text))]
    stops = all_stopwords()
    units: list[Unit] = []
    start = None
    count = 0
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if start is None:
            start = line_start
        count += len(content_words(line, stops))
        if count >= UNIT_MIN_WORDS:
            units.append(Unit(index, start, line_start + len(line)))
            start, count = None, 0
    if start is not None:
        end = len(text.rstrip())
        if units and count < UNIT_MIN_WORDS // 2:
            units[-1] = Unit(index, units[-1].start, end)  # a short tail joins the paragraph before
        else:
            units.append(Unit(index, start, end))
    return units or [Unit(index, 0, len(text))]


def analyse(
    documents: Iterable[Document],
    *,
    n_themes: int | None = None,
    seed: int = 0,
    previous: ThemeResult | list[Theme] | dict | None = None,
    progress: Progress | None = None,
) -> ThemeResult:
    """Group documents into themes.

    Args:
        documents: the texts to analyse; ids must be unique.
        n_themes: number of themes wanted, capped so each theme can have its minimum size (2
            units, 3 from 100 units up); ``None`` chooses it by silhouette.
        seed: random seed; the same input and seed give the same result.
        previous: an earlier result (or its ``model``) for the same question; themes that
            mostly keep their members keep their ids, and the drafter's edit markers in a model
            (pinned themes, locked labels, documents fixed to or excluded from a theme) are kept.
        progress: called as ``progress(stage, fraction)`` with stage in ``preprocess``,
            ``vectorise``, ``cluster``, ``describe`` and fraction in [0, 1].

    Returns:
        A :class:`ThemeResult`; every input id is in at least one theme or in ``unassigned``,
        never both. A long document may be in several themes; ``assignments()`` gives its main one.

    Raises:
        ValueError: duplicate document ids, or ``n_themes`` < 1.
    """
    from .model import EditMarkers, apply_markers, build_model, match_previous

    started = time.perf_counter()
    docs = list(documents)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    if n_themes is not None and n_themes < 1:
        raise ValueError("n_themes must be at least 1")
    n = len(docs)
    diagnostics: dict = {"n_documents": n}
    if n == 0:
        return ThemeResult([], [], 0, diagnostics, model=build_model(None, [], {}))
    markers = EditMarkers.from_previous(previous)

    # 1. words, languages, units
    texts = [d.text for d in docs]
    languages: list[str] = []
    units: list[Unit] = []
    unit_words: list[list[str]] = []
    unit_languages: list[str] = []
    for i, doc in enumerate(docs):
        if i % 500 == 0:
            _report(progress, "preprocess", i / n)
        language = doc.language or detect_language(doc.text)
        languages.append(language)
        if is_placeholder(doc.text):
            continue
        stops = stopwords_for(language)
        words = content_words(doc.text, stops)
        if not words:
            continue
        for unit in split_units(i, doc.text, words):
            units.append(unit)
            if unit.end - unit.start == len(doc.text):
                unit_words.append(words)
                unit_languages.append(language)
            else:  # a paragraph of a long submission has its own language
                part = doc.text[unit.start:unit.end]
                part_language = detect_language(part)
                part_language = language if part_language == "other" else part_language
                unit_words.append(content_words(part, stopwords_for(part_language)))
                unit_languages.append(part_language)
    _report(progress, "preprocess", 1.0)
    clock = _Clock()

    # 2. form letters: only each campaign's representative is clustered; copies follow it
    with_words = sorted({unit.doc for unit in units})
    campaigns = detect_campaigns([docs[i] for i in with_words])
    index_of = {doc_id: i for i, doc_id in enumerate(ids)}
    copies: dict[int, list[int]] = {}  # representative → its other copies
    copy_of: dict[int, str] = {}  # every campaign member → campaign id
    for campaign in campaigns:
        rep = index_of[campaign.representative_id]
        copies[rep] = [index_of[d] for d in campaign.document_ids if d != campaign.representative_id]
        for d in campaign.document_ids:
            copy_of[index_of[d]] = campaign.id
    followers = {i for group in copies.values() for i in group}
    diagnostics["n_campaigns"] = len(campaigns)
    clock.lap("campaigns")

    # 3. pinned themes keep their documents out of the clustering
    pinned_docs = markers.pinned_documents(set(ids))
    pool = [u for u, unit in enumerate(units) if ids[unit.doc] not in pinned_docs and unit.doc not in followers]

    # 4. vectorise and cluster
    unit_labels = np.full(len(units), -1)
    unit_sim = np.zeros(len(units))
    space = None
    centres_tfidf: dict[int, dict[str, float]] = {}
    thresholds: dict[int, float] = {}
    _report(progress, "vectorise", 0.0)
    if pool:
        space, X = fit_space([unit_words[u] for u in pool], [unit_languages[u] for u in pool])
        nonzero = np.flatnonzero(X.getnnz(axis=1) > 0)
        clock.lap("vectorise")
        C = char_ngrams([unit_words[u] for u in pool]) if len(pool) <= CHAR_MAX_UNITS else None
        if C is not None:
            from scipy.sparse import hstack
            from sklearn.preprocessing import normalize

            XC = normalize(hstack([X.astype(np.float32), C]).tocsr())
        else:
            XC = X
        clock.lap("char n-grams")
        diagnostics["n_features"] = space.n_features
        _report(progress, "vectorise", 1.0)
        min_size = 2 if len(nonzero) < 100 else 3
        if not len(nonzero):
            diagnostics["method"] = "no words to group"
            diagnostics["k"] = 0
        elif len(nonzero) < MIN_DOCUMENTS_TO_CLUSTER or n_themes == 1:
            unit_labels[[pool[j] for j in nonzero]] = 0
            unit_sim[[pool[j] for j in nonzero]] = 1.0
            diagnostics["method"] = "single theme (asked)" if n_themes == 1 else "single theme (few documents)"
            diagnostics["k"] = 1 if len(nonzero) else 0
        else:
            row_of_doc: dict[str, list[int]] = defaultdict(list)
            for row, j in enumerate(nonzero):
                row_of_doc[ids[units[pool[j]].doc]].append(row)
            previous_groups = [[r for d in dict.fromkeys(t.document_ids + t.fixed) if d not in t.excluded
                                for r in row_of_doc.get(d, ())] for t in markers.themes if not t.pinned]
            result = cluster(XC[nonzero], n_themes=n_themes, seed=seed, min_size=min_size, progress=progress,
                             previous_groups=previous_groups)
            for row, j in enumerate(nonzero):
                unit_labels[pool[j]] = result.labels[row]
                unit_sim[pool[j]] = result.similarity[row]
            diagnostics.update(result.diagnostics)
        pool_labels = unit_labels[np.asarray(pool)]
        for label in sorted(set(int(v) for v in pool_labels if v >= 0)):
            rows = np.flatnonzero(pool_labels == label)
            centres_tfidf[label] = _centroid(X[rows], space)
            thresholds[label] = _threshold(X[rows], centres_tfidf[label], space)
    _report(progress, "cluster", 1.0)
    clock.lap("cluster")

    # 5. from units to documents: a document is in each theme one of its units is in; campaign
    # copies are in the themes of their representative
    groups: dict[int, dict[int, float]] = defaultdict(dict)  # label → doc → best similarity
    weight: dict[int, Counter] = defaultdict(Counter)  # doc → label → words in that theme
    for u, unit in enumerate(units):
        label = int(unit_labels[u])
        if label < 0:
            continue
        best = groups[label].get(unit.doc, -1.0)
        groups[label][unit.doc] = max(best, float(unit_sim[u]))
        weight[unit.doc][label] += len(unit_words[u])
    for label, members_ in groups.items():
        for rep in [i for i in members_ if i in copies]:
            for i in copies[rep]:
                if ids[i] not in pinned_docs:
                    members_[i] = members_[rep] - 1e-6
                    weight[i][label] += weight[rep][label]
    primary = {i: max(w, key=lambda lab: (w[lab], -lab)) for i, w in weight.items()}
    raw = [{"key": label, "members": sorted(m, key=lambda i: (-m[i], i))} for label, m in groups.items()]
    raw.sort(key=lambda t: (-len(t["members"]), t["key"]))
    for theme in raw:
        theme["document_ids"] = [ids[i] for i in theme["members"]]
        theme["centroid"] = centres_tfidf.get(theme["key"], {})
        theme["threshold"] = thresholds.get(theme["key"], MIN_SIMILARITY)
    pinned = markers.pinned_themes(pinned_docs, ids)
    if space is not None:
        text_of = dict(zip(ids, texts))
        for theme in pinned:
            if theme["document_ids"]:
                theme["centroid"] = _centroid(space.transform([text_of[d] for d in theme["document_ids"]]), space)
    raw += pinned
    match_previous(raw, markers)
    apply_markers(raw, markers, docs, space)

    # 6. describe each theme from its most central units (one per campaign)
    units_of: dict[int, list[int]] = defaultdict(list)
    for u, unit in enumerate(units):
        units_of[unit.doc].append(u)
    described = []
    for step, theme in enumerate(raw):
        members = [index_of[d] for d in theme["document_ids"]]
        if not members:
            continue
        theme["members"] = members
        label_key = theme.get("key")
        sample: list[int] = []
        quotable_in_sample = 0
        for i in members:
            if i in followers:
                continue
            # the most central units, and enough quotable ones to find phrases and quotes in
            if len(sample) >= DESCRIBE_SAMPLE and (quotable_in_sample >= MIN_QUOTABLE_SAMPLE or not docs[i].quotable):
                continue
            own = [u for u in units_of[i] if int(unit_labels[u]) == label_key] or units_of[i][:1]
            sample.extend(own)
            quotable_in_sample += len(own) if docs[i].quotable else 0
            if len(sample) >= DESCRIBE_SAMPLE and quotable_in_sample >= MIN_QUOTABLE_SAMPLE:
                break
        if not sample:
            sample = [u for i in members[:DESCRIBE_SAMPLE] for u in units_of[i][:1]]
        theme["sample"] = sample
        described.append(theme)
    # emphasis compares groups by distinct texts: a campaign is one voice there, or a form letter
    # sent 3,000 times would set the baseline every other group is measured against
    analysed_docs = {units[u].doc for u in range(len(units))}
    totals = Counter(docs[i].stakeholder_type or "unknown" for i in analysed_docs if i not in followers)
    sample_units = sorted({u for t in described for u in t["sample"]})
    position = {u: j for j, u in enumerate(sample_units)}
    unit_texts = [texts[units[u].doc][units[u].start:units[u].end] for u in sample_units]
    stems = space.word_stem if space is not None else None
    processed = [preprocess(t, language_family(unit_languages[u]), stems, stopwords_for(unit_languages[u]))
                 for t, u in zip(unit_texts, sample_units)]
    index = build_index(processed, unit_texts)
    clock.lap("describe: phrase index")
    quotable = [docs[units[u].doc].quotable for u in sample_units]
    mean_size = (sum(len(t["sample"]) for t in described) / len(described)) if described else 1.0
    owners = [ids[units[u].doc] for u in sample_units]
    themes: list[Theme] = []
    for step, theme in enumerate(described):
        rows = [position[u] for u in theme["sample"]]
        phrases = key_phrases(index, rows, quotable, len(sample_units), mean_size, limit=KEY_PHRASES)
        weights: dict[str, float] = {}
        for _surface, _inside, score, key in phrases:
            for stem_ in key:
                weights[stem_] = weights.get(stem_, 0.0) + score
        unit_ids = [str(r) for r in range(len(sample_units))]
        local = pick_quotes([r for r in rows if quotable[r]], unit_ids, unit_texts, processed, weights,
                            owners=owners)
        quotes = [_shift(q, units[sample_units[int(q.document_id)]], ids) for q in local]
        members = theme["members"]
        lowered = {i: texts[i].lower() for i in members}
        sources = {}
        for surface, inside, _score, key in phrases:
            forms = {index.surface(key, r).lower() for r in inside}
            sources[surface] = [ids[i] for i in members if any(f in lowered[i] for f in forms)]
        summary = [_shift(q, units[sample_units[int(q.document_id)]], ids) for q in summarise(
            [r for r in rows if quotable[r]], unit_ids, unit_texts, processed, [p[3] for p in phrases], weights,
            owners=owners)]
        stakeholder = Counter(docs[i].stakeholder_type or "unknown" for i in members)
        label = theme.get("locked_label") or label_from_phrases([p[0] for p in phrases])
        themes.append(Theme(
            id=theme["id"], label=label, key_phrases=[p[0] for p in phrases], key_phrase_sources=sources,
            document_ids=theme["document_ids"], quotes=quotes,
            by_stakeholder_type=dict(sorted(stakeholder.items())),
            distinct_texts=sum(1 for i in members if i not in followers),
            campaign_ids=sorted({copy_of[i] for i in members if i in copy_of}, key=lambda c: int(c[1:])),
            stakeholder_emphasis=stakeholder_emphasis(
                Counter(docs[i].stakeholder_type or "unknown" for i in members if i not in followers), totals),
            summary=summary,
        ))
        theme["label"] = label
        theme["key_phrases"] = [p[0] for p in phrases]
        _report(progress, "describe", (step + 1) / max(1, len(described)))

    clock.lap("describe: themes")
    placed = {d for t in themes for d in t.document_ids}
    key_to_id = {t["key"]: t["id"] for t in described if t.get("key") is not None}
    by_id = {t.id: set(t.document_ids) for t in themes}
    primary_ids = {}
    for i, lab in primary.items():
        theme_id = key_to_id.get(lab)
        if theme_id and ids[i] in by_id.get(theme_id, ()) and len(weight[i]) > 1:
            primary_ids[ids[i]] = theme_id
    unassigned = [doc_id for doc_id in ids if doc_id not in placed]
    diagnostics.update({
        "n_themes": len(themes),
        "n_unassigned": len(unassigned),
        "n_units": len(units),
        "primary": primary_ids,
        "seconds": round(time.perf_counter() - started, 3),
        "stage_seconds": {"preprocess": round(clock.started - started, 3), **clock.laps},
    })
    diagnostics["languages"] = dict(Counter(languages))
    _report(progress, "describe", 1.0)
    return ThemeResult(themes, unassigned, n, diagnostics, model=build_model(space, described, markers.extra),
                       campaigns=campaigns, languages=dict(zip(ids, languages)))


def stakeholder_emphasis(in_theme: Counter, totals: Counter, *, ratio: float = 2.0, minimum: int = 3) -> dict[str, float]:
    """Stakeholder groups that raise a theme far more often than everyone else.

    For group ``g``: rate inside = share of g's documents in the theme; rate outside = share of
    all other documents in the theme. Returns ``{g: inside / outside}`` (rounded to 0.1) for groups
    with at least ``minimum`` documents in the theme and a ratio of at least ``ratio``; ``"unknown"``
    is never flagged. A group with documents in the theme while no one else has any gets ``inf``.
    """
    out: dict[str, float] = {}
    theme_total = sum(in_theme.values())
    grand_total = sum(totals.values())
    for group, count in in_theme.items():
        if group == "unknown" or count < minimum or not totals[group]:
            continue
        inside = count / totals[group]
        others = grand_total - totals[group]
        outside = (theme_total - count) / others if others else 0.0
        value = inside / outside if outside else float("inf")
        if value >= ratio:
            out[group] = round(value, 1) if value != float("inf") else value
    return dict(sorted(out.items()))


def _centroid(rows, space, limit: int = 300) -> dict[str, float]:
    """The mean TF-IDF row of a theme, as its ``limit`` heaviest features (feature → weight)."""
    if rows.shape[0] == 0:
        return {}
    mean = np.asarray(rows.mean(axis=0)).ravel()
    top = np.argsort(-mean)[:limit]
    names = space.feature_names()
    return {names[i]: round(float(mean[i]), 6) for i in top if mean[i] > 0}


def _threshold(rows, centroid: dict[str, float], space) -> float:
    """The cosine a new document needs to join a theme: the 10th percentile of its members'."""
    if rows.shape[0] == 0 or not centroid:
        return MIN_SIMILARITY
    vec = np.zeros(space.n_features)
    for f, w in centroid.items():
        vec[space.vocabulary[f]] = w
    vec /= np.linalg.norm(vec) or 1.0
    sims = rows @ vec
    return max(0.05, float(np.percentile(sims, 10)))


def _shift(quote: Quote, unit: Unit, ids: list[str]) -> Quote:
    """A quote found in a unit's text, moved to its document's offsets."""
    return Quote(document_id=ids[unit.doc], text=quote.text,
                 start=quote.start + unit.start, end=quote.end + unit.start)


def label_from_phrases(phrases: list[str]) -> str:
    """A short label from the best key phrases: up to three joined by " · ", first letter capital.

    Returns ``"—"`` when there is no phrase (a theme of non-quotable texts only).
    """
    if not phrases:
        return "—"
    picked = phrases[:3]
    text = " · ".join(picked)
    return text[0].upper() + text[1:]


__all__ = ["MIN_SIMILARITY", "analyse", "label_from_phrases", "split_units"]
