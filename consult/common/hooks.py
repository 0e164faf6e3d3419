"""Extension points through which higher features add to pages of lower ones.

A lower feature (submissions) must not import a higher one (analysis); instead the higher one
registers a provider here when the app starts, and the lower page renders whatever providers
return. This keeps the import direction of ARCHITECTURE.md.
"""
from __future__ import annotations

from typing import Callable

# provider(submission) -> (template name, context dict) or None
RECEIPT_PANELS: list[Callable] = []


def register_receipt_panel(provider: Callable) -> Callable:
    """Add a panel to the respondent's receipt page (idempotent; usable as a decorator)."""
    if provider not in RECEIPT_PANELS:
        RECEIPT_PANELS.append(provider)
    return provider


def receipt_panels(submission) -> list[tuple[str, dict]]:
    """The panels every provider offers for ``submission``, in registration order."""
    out = []
    for provider in RECEIPT_PANELS:
        panel = provider(submission)
        if panel:
            out.append(panel)
    return out


# provider(consultation) -> (template name, context dict) or None; public content only
CONSULTATION_PANELS: list[Callable] = []


def register_consultation_panel(provider: Callable) -> Callable:
    """Add a panel to a consultation's public page (idempotent; usable as a decorator). A
    provider must return public content only: the page is cached for anonymous visitors."""
    if provider not in CONSULTATION_PANELS:
        CONSULTATION_PANELS.append(provider)
    return provider


def consultation_panels(consultation) -> list[tuple[str, dict]]:
    """The panels every provider offers for ``consultation``, in registration order."""
    return [panel for provider in CONSULTATION_PANELS if (panel := provider(consultation))]
