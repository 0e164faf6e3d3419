"""Search across consultations and published submissions (SQLite FTS5, PostgreSQL full text)."""
