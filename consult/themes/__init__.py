"""Theme analysis engine — pure Python, no Flask, no SQLAlchemy.

Groups consultation submissions into policy themes, each explained by key phrases, verbatim
quotes and counts per stakeholder type. It runs the same in a web worker, the CLI or a notebook::

    from consult.themes import Document, analyse
    result = analyse([Document("KTB-2026-000001", "Mutasi harus transparan ..."), ...])
    for theme in result.themes:
        print(theme.label, len(theme.document_ids), theme.quotes[0].text)

Public API (stable): :class:`Document`, :func:`analyse`, :class:`ThemeResult`, :class:`Theme`,
:class:`Quote`, :func:`label_from_phrases`, :func:`assign`.
"""
from .engine import analyse, label_from_phrases
from .model import assign
from .types import Document, Quote, Theme, ThemeResult

__all__ = ["Document", "Quote", "Theme", "ThemeResult", "analyse", "assign", "label_from_phrases"]
