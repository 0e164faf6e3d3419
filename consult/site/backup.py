"""Backing up and restoring the embedded SQLite database.

The backup uses SQLite's online backup API (``sqlite3.Connection.backup``), which copies a
consistent snapshot page by page while the site keeps running and writing. A restore checks the
backup (``PRAGMA integrity_check`` and the Alembic revision), keeps the current database aside
and puts the backup in its place; it is meant to run while the site is stopped.
"""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from ..errors import DomainError


class BackupError(DomainError):
    """The database cannot be backed up or restored as asked."""


def sqlite_path(uri: str) -> Path:
    """The file of a ``sqlite:///…`` SQLAlchemy URL.

    Raises:
        BackupError: not a file-based SQLite URL (PostgreSQL is backed up with ``pg_dump``).
    """
    if not uri.startswith("sqlite:///") or uri in ("sqlite://", "sqlite:///:memory:"):
        raise BackupError("only the embedded SQLite database is backed up here; for PostgreSQL use pg_dump "
                          "(see the README)")
    return Path(uri[len("sqlite:///"):])


def backup(uri: str, target: str | Path | None = None, *, folder: str | Path | None = None) -> Path:
    """Copy the live database to ``target`` (default ``folder/consult-YYYYmmdd-HHMMSS.sqlite3``).

    Returns:
        The path of the backup file.

    Raises:
        BackupError: not SQLite, the database is missing, or the target exists.
    """
    source = sqlite_path(uri)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target is None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        target = Path(folder or source.parent / "backups") / f"consult-{stamp}.sqlite3"
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    return target


def check(path: str | Path) -> str:
    """Check a backup file: SQLite's integrity check, and the Alembic revision it holds.

    Returns:
        The backup's Alembic revision.

    Raises:
        BackupError: unreadable, damaged, or not a database of this application.
    """
    try:
        with sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} is damaged: {result}")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable database of this application: {exc}") from exc
    if row is None:
        raise BackupError(f"{path} holds no migration revision")
    return row[0]


def restore(uri: str, backup_file: str | Path) -> Path:
    """Replace the database with ``backup_file`` after checking it; the current database (and its
    WAL files) is kept next to it as ``….before-restore-YYYYmmdd-HHMMSS``. Stop the site first;
    run ``flask db upgrade`` afterwards if the backup is older than the code.

    Returns:
        Where the previous database was kept (or the database path when there was none).

    Raises:
        BackupError: see :func:`check` and :func:`sqlite_path`.
    """
    target = sqlite_path(uri)
    check(backup_file)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    if target.exists():
        with sqlite3.connect(target) as live, sqlite3.connect(kept) as copy:
            live.backup(copy)
        copy.close()
        live.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    tmp = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(backup_file, tmp)
    tmp.replace(target)
    return kept if kept.exists() else target
