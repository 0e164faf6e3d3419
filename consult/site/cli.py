"""``flask consult backup``, ``restore`` and ``moderation-digest``."""
from __future__ import annotations

import click
from flask import current_app

from ..cli import domain_errors


@click.command("backup")
@click.option("--output", "output", default=None,
              help="File to write (default: backups/consult-<time>.sqlite3 beside the SQLite file, or ./backups/….dump).")
@domain_errors
def backup_command(output):
    """Back up the database (SQLite online backup, or pg_dump), safely while the site runs."""
    from .backup import backup

    path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], output)
    click.echo(f"Backed up to {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@domain_errors
def restore_command(backup_file, yes):
    """Replace the database with BACKUP_FILE (stop the site first)."""
    from .backup import _is_postgres, check, restore

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    revision = "?" if _is_postgres(uri) else check(backup_file)
    if not yes:
        click.confirm(f"Replace the database with {backup_file} (revision {revision})? Stop the site first.",
                      abort=True)
    kept = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], backup_file)
    click.echo(f"Restored {backup_file} (revision {revision}); the previous database is kept at {kept}. "
               "Run `flask --app wsgi db upgrade` if the backup is older than this version.")


@click.command("moderation-digest")
@domain_errors
def moderation_digest():
    """E-mail each moderator the number of items waiting in each of their consultations
    (run daily, e.g. from cron); nobody is mailed when nothing waits."""
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):  # links in the mail
        sent = send_digests()
    click.echo(f"Sent {sent} digests.")


def send_digests() -> int:
    """Mail every active moderator with waiting items a digest; returns how many were sent."""
    from flask import render_template, url_for

    from ..accounts.models import ConsultationRole, Role, User
    from ..common.mail import send_mail
    from ..extensions import db
    from ..moderation.services import waiting_count
    from .settings import get

    sent = 0
    for user in db.session.scalars(db.select(User)):
        if not user.is_active:
            continue
        rows = []
        for grant in db.session.scalars(db.select(ConsultationRole).where(
                ConsultationRole.user_id == user.id, ConsultationRole.role == Role.moderator)):
            n = waiting_count(grant.consultation)
            if n:
                rows.append((grant.consultation, n,
                             url_for("moderation.show_queue", slug=grant.consultation.slug, _external=True)))
        if rows:
            send_mail(user.email, f"{get('site_name')}: {sum(n for _c, n, _u in rows)} menunggu moderasi / "
                                  "waiting for moderation", render_template("emails/digest.txt", rows=rows))
            sent += 1
    return sent
