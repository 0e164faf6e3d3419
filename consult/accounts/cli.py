"""``flask consult create-user``."""
from __future__ import annotations

import click

from ..cli import domain_errors
from ..consultations.queries import get_by_slug
from ..extensions import db
from . import services
from .models import Role


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "moderator", "drafter"]), required=True,
              help="admin is site-wide; moderator and drafter need --consultation.")
@click.option("--consultation", "slugs", multiple=True, metavar="SLUG",
              help="Consultation the role applies to (repeatable).")
@click.option("--name", default=None, help="Display name.")
@click.option("--password", default=None,
              help="Password (at least 10 characters). Asked for when creating a user; for an existing "
                   "user it replaces the old one only when given.")
@domain_errors
def create_user(email, role, slugs, name, password):
    """Create a staff user, or grant a role (and set the password) of an existing one."""
    if role != "admin" and not slugs:
        raise click.UsageError("--consultation SLUG is required for moderator and drafter")
    consultations = [get_by_slug(slug, include_drafts=True) for slug in slugs]
    user = services.get_by_email(email)
    created = user is None
    if created:
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = services.create_user(email, password, name=name, is_admin=(role == "admin"))
    else:
        if password is not None:
            services.set_password(user, password)  # the password given replaces the old one
        if role == "admin":
            user.is_admin = True
    for consultation in consultations:
        if role != "admin":
            services.grant_role(user, consultation, Role(role))
    db.session.commit()
    where = f" on {', '.join(slugs)}" if slugs and role != "admin" else ""
    click.echo(f"{'Created' if created else 'Updated'} {user.email}: {role}{where}")


@click.command("apply-retention")
@domain_errors
def apply_retention():
    """Anonymise respondents' personal data where a consultation's retention period has passed
    (run daily, e.g. from cron or the worker's scheduler)."""
    from .privacy import apply_retention as run

    done = run()
    db.session.commit()
    if not done:
        click.echo("Nothing to anonymise.")
    for slug, n in done.items():
        click.echo(f"{slug}: anonymised the personal data of {n} submissions")
