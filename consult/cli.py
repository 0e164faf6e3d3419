"""The ``flask --app wsgi consult …`` command group.

Each feature keeps its commands in its own ``cli.py``; this module gathers them. Commands are
thin: one service call, one commit. A :class:`~consult.errors.DomainError` becomes a one-line
message and exit status 1, after a rollback, so nothing is written half-way.
"""
from __future__ import annotations

import functools

import click
from flask.cli import AppGroup, with_appcontext

from .errors import DomainError, ValidationFailed
from .extensions import db

consult_cli = AppGroup("consult", help="Consultation platform commands.")


def domain_errors(func):
    """Decorator: roll back and turn a DomainError into ``click.ClickException`` (exit 1)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            db.session.rollback()
            messages = "; ".join(f"{k + ': ' if k else ''}{m}" for k, ms in exc.errors.items() for m in ms)
            raise click.ClickException(messages) from exc
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from exc

    return wrapper


def _register() -> None:
    from .accounts.cli import apply_retention, create_user
    from .analysis.cli import analyse, worker
    from .consultations.cli import add_document
    from .demo.cli import seed_demo
    from .exports.cli import export, export_submissions
    from .search.cli import reindex
    from .site.cli import backup_command, moderation_digest, restore_command
    from .submissions.cli import import_csv, import_polis

    for command in (create_user, apply_retention, backup_command, restore_command, moderation_digest, worker, analyse, add_document, seed_demo, export, export_submissions, import_csv, import_polis, reindex):
        command.callback = with_appcontext(command.callback)  # as AppGroup.command would
        consult_cli.add_command(command)


_register()
