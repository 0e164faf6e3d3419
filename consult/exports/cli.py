"""``flask consult export``."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from ..cli import domain_errors
from ..consultations.queries import get_by_slug
from .builders import theme_summary
from .writers import WRITERS


@click.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), required=True, help="File format.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-' for standard output).")
@domain_errors
def export(slug, fmt, output):
    """Export the theme summary of the latest analysis."""
    consultation = get_by_slug(slug, include_drafts=True)
    data = WRITERS[fmt].write(theme_summary(consultation))
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    folder = output.resolve().parent
    if not folder.is_dir():
        raise click.ClickException(f"folder does not exist: {folder}")
    # write to a temporary file, then rename: a failed export never leaves a half-written file
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; an export is an ordinary file
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    click.echo(f"Wrote {output} ({len(data)} bytes)")


@click.command("export-submissions")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), required=True, help="File format.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-' for standard output).")
@domain_errors
def export_submissions(slug, fmt, output):
    """Export every analysed submission, one row each (streamed; flat memory)."""
    from ..common.types import utcnow
    from .submissions import stream_csv, stream_json, stream_xlsx, submission_rows

    consultation = get_by_slug(slug, include_drafts=True)
    rows = submission_rows(consultation)
    if fmt == "json":
        chunks = stream_json(rows, {"consultation": slug, "generated_at": utcnow().isoformat(timespec="seconds")})
    else:
        chunks = (stream_csv if fmt == "csv" else stream_xlsx)(rows)
    if str(output) == "-":
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        return
    handle, temp = tempfile.mkstemp(dir=output.resolve().parent, prefix=f".{output.name}.", suffix=".tmp")
    size = 0
    try:
        with os.fdopen(handle, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    click.echo(f"Wrote {output} ({size} bytes)")
