"""Backing up and restoring the database: SQLite (embedded default) and PostgreSQL.

SQLite: the backup uses SQLite's online backup API (``sqlite3.Connection.backup``), which copies
a consistent snapshot page by page while the site keeps running and writing. A restore checks
the backup (``PRAGMA integrity_check`` and the Alembic revision), keeps the current database
aside and puts the backup in its place; it refuses while a process serves the site.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot while the site runs) and
``pg_restore --clean --if-exists --no-owner`` (refused while other sessions use the database);
both come with Debian's ``postgresql-client``.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ..errors import DomainError


class BackupError(DomainError):
    """The database cannot be backed up or restored as asked."""


# database file → open lock file held (shared) by this serving process
_HELD: dict[str, int] = {}


def lock_path(database: Path) -> Path:
    """The lock file beside the database that serving processes hold and a restore checks."""
    return database.with_name(database.name + ".lock")


def guard_while_serving(app) -> None:
    """Make every process that serves requests hold a shared lock beside the SQLite database,
    so :func:`restore` can refuse to replace the file under a running site. No-op for other
    databases."""
    try:
        database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupError:
        return

    @app.before_request
    def _hold_lock():
        key = str(database)
        if key not in _HELD:
            fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_SH)
            _HELD[key] = fd


def sqlite_path(uri: str) -> Path:
    """The file of a ``sqlite:///…`` SQLAlchemy URL.

    Raises:
        BackupError: not a file-based SQLite URL (PostgreSQL is backed up with ``pg_dump``).
    """
    if not uri.startswith("sqlite:///") or uri in ("sqlite://", "sqlite:///:memory:"):
        raise BackupError("only the embedded SQLite database is backed up here; for PostgreSQL use pg_dump "
                          "(see the README)")
    return Path(uri[len("sqlite:///"):])


def _libpq(uri: str) -> str:
    """A SQLAlchemy PostgreSQL URL as a libpq one (``postgresql://…``) for pg_dump/pg_restore."""
    from sqlalchemy.engine import make_url

    return make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)


def _is_postgres(uri: str) -> bool:
    return uri.startswith("postgresql")


def _run(command: list[str]) -> None:
    import subprocess

    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def backup(uri: str, target: str | Path | None = None, *, folder: str | Path | None = None) -> Path:
    """Back up the database ``uri`` to ``target`` (see :func:`backup_sqlite`; for PostgreSQL a
    ``pg_dump`` custom-format file, default ``folder/consult-YYYYmmdd-HHMMSS.dump``).

    Raises:
        BackupError: the target exists, the database is missing, or pg_dump failed.
    """
    if not _is_postgres(uri):
        return backup_sqlite(uri, target, folder=folder)
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = Path(folder or "backups") / f"consult-{stamp}.dump"
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(uri)])
    return target


def backup_sqlite(uri: str, target: str | Path | None = None, *, folder: str | Path | None = None) -> Path:
    """Copy the live database to ``target`` (default ``folder/consult-YYYYmmdd-HHMMSS.sqlite3``,
    ``folder`` defaulting to ``backups/`` beside the database).

    Returns:
        The path of the backup file.

    Raises:
        BackupError: not SQLite, the database is missing, or the target exists.
    """
    source = sqlite_path(uri)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
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
    """Replace the database ``uri`` with ``backup_file`` (see :func:`restore_sqlite`; for
    PostgreSQL ``pg_restore --clean``, refused while other sessions are connected).

    Returns:
        Where the previous SQLite database was kept, or the backup file for PostgreSQL.

    Raises:
        BackupError: a damaged backup, a running site, or pg_restore failed.
    """
    if not _is_postgres(uri):
        return restore_sqlite(uri, backup_file)
    _run(["pg_restore", "--list", str(backup_file)])  # a readable custom-format dump
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.connect() as conn:
        others = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    if others:
        raise BackupError(f"{others} other sessions use this database: stop the site first, then restore")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq(uri)}", str(backup_file)])
    return Path(backup_file)


def restore_sqlite(uri: str, backup_file: str | Path) -> Path:
    """Replace the database with ``backup_file`` after checking it; the current database (and its
    WAL files) is kept next to it as ``….before-restore-YYYYmmdd-HHMMSS``. Stop the site first;
    run ``flask db upgrade`` afterwards if the backup is older than the code.

    Returns:
        Where the previous database was kept (or the database path when there was none).

    Raises:
        BackupError: see :func:`check` and :func:`sqlite_path`; or a process is serving the
            site on this database (it holds the lock of :func:`guard_while_serving`).
    """
    target = sqlite_path(uri)
    check(backup_file)
    lock = os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(lock)
        raise BackupError("the site is running on this database: stop it first, then restore") from exc
    try:
        return _replace(target, backup_file)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


def _replace(target: Path, backup_file: str | Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
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
