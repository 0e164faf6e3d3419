"""Consultations: the topic, its documents and questions, and its open/close window."""
