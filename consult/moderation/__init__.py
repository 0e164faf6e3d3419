"""Moderation: automatic holds (``rules``), and later the queue, flags and audit log.

``consult.moderation.rules`` is pure Python (no Flask, no database): the checks that hold a
submission for review — personal data, abusive language, link spam, floods — and the redaction
of what they find.
"""
