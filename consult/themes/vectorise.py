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
URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
MAX_STEMMED = 3_000
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
    """The lower-case non-stopword words of ``text`` (two letters or more), in order."""
    stops = all_stopwords() if stops is None else stops
    text = URL.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text))).lower().replace("’", "'")
    return [w for w in WORD.findall(text) if len(w) > 1 and w not in stops and w.split("'")[0] not in stops]


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


def fit_space(words: list[list[str]], languages: list[str]) -> tuple[FeatureSpace, list[list[str]]]:
    """Fit a feature space on tokenised documents.

    Args:
        words: per document, its content words (:func:`content_words`).
        languages: per document, its language code (:func:`consult.text.language.detect_language`):
            words mostly in English documents get the English stemmer, words mostly in Javanese
            or Sundanese documents a light stem (the Indonesian stemmer is slowest and least
            useful on them), the rest the Indonesian stemmer.

    Returns:
        ``(space, features)``: the fitted space and each document's raw feature list. Features
        in fewer than ``min_df`` documents (2 from 20 documents up, else 1) or, from 50
        documents up, in more than 60 % of them are left out.
    """
    n = len(words)
    min_df = 2 if n >= 20 else 1
    df: Counter = Counter()
    english: Counter = Counter()
    regional: Counter = Counter()
    for doc_words, language in zip(words, languages):
        unique = set(doc_words)
        df.update(unique)
        if language == "en":
            english.update(unique)
        elif language in REGIONAL:
            regional.update(unique)
    frequent = [w for w, c in df.most_common() if c >= min_df]
    word_stem: dict[str, str] = {}
    for rank, w in enumerate(frequent):
        language = "en" if english[w] * 2 > df[w] else "id"
        full = language == "en" or (rank < MAX_STEMMED and regional[w] * 2 <= df[w])
        word_stem[w] = stem(w, language) if full else light_stem(w, language)
    features = [_features(doc_words, word_stem) for doc_words in words]
    feature_df: Counter = Counter()
    for feats in features:
        feature_df.update(set(feats))
    max_df = 0.6 * n if n >= 50 else n
    kept = sorted(f for f, c in feature_df.items() if min_df <= c <= max_df)
    vocabulary = {f: i for i, f in enumerate(kept)}
    counts = np.asarray([feature_df[f] for f in kept], dtype=np.float64)
    idf = np.log((1 + n) / (1 + counts)) + 1.0
    used_stems = {part for f in kept for part in f.split(" ")}
    word_stem = {w: s for w, s in word_stem.items() if s in used_stems}
    return FeatureSpace(word_stem, vocabulary, idf), features


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
