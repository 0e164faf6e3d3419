"""``flask consult add-document``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..cli import domain_errors
from ..extensions import db
from . import queries, services


@click.command("add-document")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", default=None, help="Title shown on the consultation page (default: file name).")
@domain_errors
def add_document(slug, file, title):
    """Attach a PDF or DOCX draft-policy document to a consultation."""
    consultation = queries.get_by_slug(slug, include_drafts=True)
    with open(file, "rb") as stream:
        document = services.add_document(
            consultation, stream=stream, filename=file.name, title=title or file.stem,
            upload_dir=current_app.config["UPLOAD_DIR"], max_bytes=current_app.config["MAX_DOCUMENT_BYTES"],
        )
    db.session.commit()
    click.echo(f"Added {document.filename} ({document.size_bytes} bytes) to {slug}")
