"""``flask consult seed-demo``."""
from __future__ import annotations

import click
from flask import current_app

from ..cli import domain_errors
from ..extensions import db
from .seed import DEMO_PASSWORD
from .seed import seed_demo as seed


@click.command("seed-demo")
@click.option("--no-analysis", is_flag=True, help="Do not run the theme analysis after seeding.")
@domain_errors
def seed_demo(no_analysis):
    """Create the demo consultations and users (skips what already exists)."""
    cfg = current_app.config
    report = seed(secret=cfg["SECRET_KEY"], reference_prefix=cfg["SUBMISSION_REFERENCE_PREFIX"],
                  upload_dir=cfg["UPLOAD_DIR"], max_bytes=cfg["MAX_DOCUMENT_BYTES"],
                  shared_data_dir=cfg["SHARED_DATA_DIR"], analyse=not no_analysis)
    db.session.commit()
    for slug in report.consultations:
        click.echo(f"Created consultation {slug}")
    for slug in report.skipped:
        click.echo(f"Already present: {slug}")
    for email in report.users:
        click.echo(f"Created user {email} (password: {DEMO_PASSWORD})")
