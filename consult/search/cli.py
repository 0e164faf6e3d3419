"""``flask consult reindex``: rebuild the search index."""
from __future__ import annotations

import click


@click.command("reindex")
def reindex():
    """Rebuild the search index from the database (published consultations, quotable submissions)."""
    from .services import rebuild

    click.echo(f"Indexed {rebuild()} items.")
