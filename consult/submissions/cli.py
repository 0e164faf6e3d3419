"""``flask consult import-csv`` and ``import-polis``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..cli import domain_errors
from ..consultations.queries import get_by_slug
from ..extensions import db
from ..site import settings as site_settings
from . import importers


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@click.command("import-csv")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--slug", required=True, help="Existing consultation to import into.")
@click.option("--text-column", required=True, help="Column holding the submission text.")
@click.option("--question", "question_key", default=None,
              help="Key of an open question the text answers (default: the general free text).")
@click.option("--stakeholder-column", default=None,
              help="Column with the stakeholder type: citizen, academic, professional_body, civil_servant, "
                   "government_unit, other, or an Indonesian alias (warga, akademisi, asosiasi, ASN, OPD, lainnya…).")
@click.option("--name-column", default=None, help="Column with the respondent's name.")
@click.option("--organisation-column", default=None, help="Column with the organisation.")
@click.option("--date-column", default=None, help="Column with the date (ISO 8601 or epoch; naive = WIB).")
@click.option("--consent/--no-consent", default=False,
              help="Whether respondents agreed to be quoted (default: no; counted but never quoted).")
@domain_errors
def import_csv(file, slug, text_column, question_key, stakeholder_column, name_column, organisation_column,
               date_column, consent):
    """Import submissions from a CSV file (one per row) into a consultation."""
    consultation = get_by_slug(slug, include_drafts=True)
    report = importers.import_csv(
        file, consultation, text_column=text_column, question_key=question_key,
        stakeholder_column=stakeholder_column, name_column=name_column,
        organisation_column=organisation_column, date_column=date_column, consent=consent,
        secret=current_app.config["SECRET_KEY"],
        reference_prefix=site_settings.get("reference_prefix"),
    )
    db.session.commit()
    click.echo(f"Imported {_n(report.created, 'submission')} into {slug} "
               f"({_n(report.skipped, 'blank row')} skipped)")


@click.command("import-polis")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--slug", required=True, help="Slug of the new consultation.")
@click.option("--title", default=None, help="Title (default: the Polis topic).")
@domain_errors
def import_polis(folder, slug, title):
    """Create a consultation from a Polis open-data conversation folder (comments.csv)."""
    report = importers.import_polis(
        folder, slug=slug, title=title, secret=current_app.config["SECRET_KEY"],
        reference_prefix=site_settings.get("reference_prefix"),
    )
    db.session.commit()
    click.echo(f"Imported {_n(report.created, 'Polis comment')} into {slug} ({report.skipped} blank skipped)")
