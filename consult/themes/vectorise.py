"""From texts to TF-IDF vectors over stems and stem bigrams, in time linear in the input.

The feature space is fitted once per analysis and can be saved as plain JSON (word → stem map,
feature vocabulary, inverse document frequencies), so new submissions can later be placed in the
same space (:func:`consult.themes.assign`) without refitting and without pickled library objects.

Words are lower-cased letter runs (NLTK's word pattern for Latin and other alphabets; digits and
punctuation are not words). Stopwords of every supported language are dropped. Only words that
occur in at least ``min_df`` documents are stemmed — the rest cannot become features anyway — and
only the ``MAX_STEMMED`` most frequent of them fully, because the Indonesian stemmer (PySastrawi,
Nazief–Adriani with the ECS extensions) costs about 0.1–0.7 ms per unseen word; rarer words get
a light stem (particles and possessives removed). A word is stemmed
as English (Snowball/Porter2) when most documents containing it are English, otherwise as
Indonesian; regional languages (Javanese, Sundanese) share Indonesian affixes closely enough.

Weights are scikit-learn's ``TfidfTransformer`` with sublinear term frequency (Salton & Buckley
1988) and smooth IDF, rows L2-normalised.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from consult.text.stopwords import all_stopwords, stopwords

from .preprocess import light_stem, stem

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# zero-width and format characters split nothing a reader can see; drop them before tokenising
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
# web and e-mail addresses are not words of the submission
# (anchored and possessive, so a 5 MB run of letters costs linear time, not quadratic)
URL = re.compile(r"(?:https?://|www\.)\S++|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+", re.IGNORECASE)
MAX_WORD = 40  # longer letter runs are not words (pasted hashes, CJK text without spaces)
MAX_STEMMED = 3_000
MAX_EMPTIED = 0.05  # share of documents the max_df rule may leave without any feature
MAX_FEATURES = 40_000  # at 100,000 documents stems and bigrams number ~650,000; LSA needs far fewer
FORMAT_VERSION = 1


REGIONAL = ("jv", "su", "ace")


@lru_cache(maxsize=None)
def stopwords_for(language: str | None) -> frozenset[str]:
    """Stopwords to drop from a document in ``language``: Indonesian and English always (they
    mix freely), plus the function words of a regional language (``"jv"``, ``"su"``) for text
    detected as that language only — some of them are content words in Indonesian."""
    stops = all_stopwords()
    if language in REGIONAL:
        stops = stops | stopwords(language)
    return stops


def content_words(text: str, stops: frozenset[str] | None = None) -> list[str]:
    """The lower-case non-stopword words of ``text`` (2 to ``MAX_WORD`` letters), in order."""
    stops = all_stopwords() if stops is None else stops
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).replace("’", "'")
    if "://" in text or "www." in text or "@" in text:
        text = URL.sub(" ", text)
    return [w for w in WORD.findall(text.lower())
            if 1 < len(w) <= MAX_WORD and w not in stops and ("'" not in w or w.split("'")[0] not in stops)]


def _features(words: list[str], word_stem: dict[str, str]) -> list[str]:
    stems = [word_stem[w] for w in words if w in word_stem]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:]) if a != b]


@dataclass
class FeatureSpace:
    """A fitted feature space.

    Attributes:
        word_stem: known word → its stem (the only words that can contribute features).
        vocabulary: feature (stem or ``"stem stem"`` bigram) → column index.
        idf: inverse document frequency per column, shape ``(n_features,)``.
    """

    word_stem: dict[str, str]
    vocabulary: dict[str, int]
    idf: np.ndarray

    @property
    def n_features(self) -> int:
        """Number of columns."""
        return len(self.vocabulary)

    def feature_names(self) -> list[str]:
        """Feature names in column order."""
        names = [""] * len(self.vocabulary)
        for f, i in self.vocabulary.items():
            names[i] = f
        return names

    def features(self, text: str) -> list[str]:
        """The raw features of one text (stems, then stem bigrams); unknown words are skipped."""
        return _features(content_words(text), self.word_stem)

    def transform(self, texts: list[str] | None = None, *, features: list[list[str]] | None = None):
        """TF-IDF rows for ``texts`` (or pre-computed ``features``) as a CSR matrix.

        Returns:
            ``scipy.sparse.csr_matrix`` of shape ``(len(texts), n_features)``, rows L2-normalised
            (a row with no known feature is all zeros).
        """
        from scipy.sparse import csr_matrix
        from sklearn.preprocessing import normalize

        if features is None:
            features = [self.features(t) for t in texts or []]
        indptr, indices, data = [0], [], []
        vocab = self.vocabulary
        for feats in features:
            counts = Counter(vocab[f] for f in feats if f in vocab)
            for col, count in counts.items():
                indices.append(col)
                data.append((1.0 + np.log(count)) * self.idf[col])
            indptr.append(len(indices))
        X = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
                       shape=(len(features), self.n_features))
        X.sort_indices()
        return normalize(X)

    def to_json(self) -> dict:
        """A JSON-serialisable dict (lists and strings only)."""
        ordered = sorted(self.vocabulary, key=self.vocabulary.get)
        return {"version": FORMAT_VERSION, "word_stem": self.word_stem, "features": ordered,
                "idf": [round(float(v), 6) for v in self.idf]}

    @classmethod
    def from_json(cls, data: dict) -> "FeatureSpace":
        """Rebuild a space saved by :meth:`to_json`.

        Raises:
            ValueError: the data is not a feature space of a known version.
        """
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a feature space of a supported version")
        return cls(dict(data["word_stem"]), {f: i for i, f in enumerate(data["features"])},
                   np.asarray(data["idf"], dtype=np.float64))


def fit_space(words: list[list[str]], languages: list[str]):
    """Fit a feature space on tokenised documents and weigh them in it.

    Args:
        words: per document, its content words (:func:`content_words`).
        languages: per document, its language code (:func:`consult.text.language.detect_language`):
            words mostly in English documents get the English stemmer, words mostly in Javanese
            or Sundanese documents a light stem (the Indonesian stemmer is slowest and least
            useful on them), the rest the Indonesian stemmer.

    Returns:
        ``(space, X)``: the fitted space and the documents' TF-IDF rows in it (CSR matrix
        ``(len(words), space.n_features)``, rows L2-normalised, all-zero for a document with no
        kept feature). Features in fewer than ``min_df`` documents (2 from 20 documents up, else
        1) or, from 50 documents up, in more than 60 % of them are left out, and only the
        ``MAX_FEATURES`` found in most documents are kept.

    Counting is done on integer ids with NumPy (one pass of Python over the tokens to number
    them), so 100,000 documents take seconds, not a minute.
    """
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    n = len(words)
    min_df = 2 if n >= 20 else 1
    max_df = 0.6 * n if n >= 50 else n
    index: dict[str, int] = {}
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=n)
    flat = np.fromiter((index.setdefault(w, len(index)) for doc in words for w in doc),
                       dtype=np.int64, count=int(lengths.sum()))
    doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    vocabulary_words = list(index)
    n_words = len(vocabulary_words)
    if n_words == 0:
        return FeatureSpace({}, {}, np.zeros(0)), csr_matrix((n, 0))
    pairs = np.unique(doc_of * n_words + flat)
    pair_word, pair_doc = pairs % n_words, pairs // n_words
    df = np.bincount(pair_word, minlength=n_words)
    is_en = np.fromiter((lang == "en" for lang in languages), dtype=bool, count=n)
    is_regional = np.fromiter((lang in REGIONAL for lang in languages), dtype=bool, count=n)
    en_df = np.bincount(pair_word, weights=is_en[pair_doc], minlength=n_words)
    regional_df = np.bincount(pair_word, weights=is_regional[pair_doc], minlength=n_words)

    # stems of the words frequent enough to matter, most frequent first (ties by spelling)
    frequent = [int(w) for w in np.flatnonzero(df >= min_df)]
    frequent.sort(key=lambda w: (-df[w], vocabulary_words[w]))
    stem_index: dict[str, int] = {}
    stem_of = np.full(n_words, -1, dtype=np.int64)
    word_stem: dict[str, str] = {}
    for rank, w in enumerate(frequent):
        word = vocabulary_words[w]
        language = "en" if en_df[w] * 2 > df[w] else "id"
        full = language == "en" or (rank < MAX_STEMMED and regional_df[w] * 2 <= df[w])
        stemmed = stem(word, language) if full else light_stem(word, language)
        word_stem[word] = stemmed
        stem_of[w] = stem_index.setdefault(stemmed, len(stem_index))
    stems = list(stem_index)
    n_stems = max(1, len(stems))

    # features: stems, and bigrams of consecutive stems (ids n_stems + a·n_stems + b)
    sid = stem_of[flat]
    valid = sid >= 0
    s_doc, s_ids = doc_of[valid], sid[valid]
    follows = (s_doc[1:] == s_doc[:-1]) & (s_ids[1:] != s_ids[:-1])
    feature = np.concatenate([s_ids, n_stems + s_ids[:-1][follows] * n_stems + s_ids[1:][follows]])
    feature_doc = np.concatenate([s_doc, s_doc[1:][follows]])
    span = n_stems + n_stems * n_stems
    keys, counts = np.unique(feature_doc * span + feature, return_counts=True)
    key_doc, key_feature = keys // span, keys % span
    features, feature_df = np.unique(key_feature, return_counts=True)
    ok = (feature_df >= min_df) & (feature_df <= max_df)
    # a word in most documents says little about any one theme — unless dropping it would leave
    # many documents with nothing (a question where most people answered "Setuju."): keep it then
    had = np.unique(key_doc[np.isin(key_feature, features[feature_df >= min_df])])
    kept_docs = np.unique(key_doc[np.isin(key_feature, features[ok])])
    if len(had) - len(kept_docs) > MAX_EMPTIED * n:
        ok = feature_df >= min_df
    features, feature_df = features[ok], feature_df[ok]
    if len(features) > MAX_FEATURES:  # the most widespread features carry the themes
        top = np.lexsort((features, -feature_df))[:MAX_FEATURES]
        features, feature_df = features[top], feature_df[top]

    def name(f: int) -> str:
        if f < n_stems:
            return stems[f]
        a, b = divmod(f - n_stems, n_stems)
        return f"{stems[a]} {stems[b]}"

    names = [name(int(f)) for f in features]
    order = sorted(range(len(names)), key=names.__getitem__)
    vocabulary = {names[j]: col for col, j in enumerate(order)}
    column = np.full(span, -1, dtype=np.int64) if span <= 50_000_000 else None
    kept_ids = features[order]
    idf = np.log((1 + n) / (1 + feature_df[order].astype(np.float64))) + 1.0
    if column is not None:
        column[kept_ids] = np.arange(len(kept_ids))
        cols = column[key_feature]
    else:  # very large stem vocabularies: look columns up by binary search instead
        sorter = np.argsort(kept_ids)
        pos = np.searchsorted(kept_ids, key_feature, sorter=sorter).clip(0, max(0, len(kept_ids) - 1))
        cols = np.where(kept_ids[sorter][pos] == key_feature, sorter[pos], -1) if len(kept_ids) else np.full(len(key_feature), -1)
    keep = cols >= 0
    data = (1.0 + np.log(counts[keep])) * idf[cols[keep]]
    X = csr_matrix((data, (key_doc[keep], cols[keep])), shape=(n, len(vocabulary)))
    X.sort_indices()
    if X.shape[1]:
        X = normalize(X)
    used_stems = {part for f in vocabulary for part in f.split(" ")}
    word_stem = {w: s_ for w, s_ in word_stem.items() if s_ in used_stems}
    return FeatureSpace(word_stem, vocabulary, idf), X


def char_ngrams(words: list[list[str]]):
    """TF-IDF over character 4-grams of the content words (word-bounded, scikit-learn's
    ``char_wb`` analyser), for clustering only.

    Character n-grams match words that share a root across affixes the stemmers miss
    (Javanese and Sundanese morphology, spelling variants, typos); on the labelled sets they
    raised AMI by 0.02–0.05 over stems alone. 4-grams alone cost a third of 3–5-grams at 100,000
    documents for the same quality.

    Returns:
        CSR matrix ``(len(words), ≤ 30,000)`` of float32, rows L2-normalised; ``None`` when no
        4-gram occurs in two documents.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(words)
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=2 if n >= 20 else 1,
                                 max_df=0.6 if n >= 50 else 1.0, sublinear_tf=True, max_features=30_000,
                                 dtype=np.float32, lowercase=False)
    try:
        return vectoriser.fit_transform([" ".join(w) for w in words])
    except ValueError:  # empty vocabulary
        return None
