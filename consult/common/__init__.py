"""Pieces shared by every feature: column types, mixins, the visibility gate, form helpers."""
