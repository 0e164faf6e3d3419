"""The charts of a consultation's results: themes by stakeholder type, submissions over time,
kecamatan, and closed questions (SVG from :mod:`consult.common.charts`, with text alternatives).

Counts pass the visibility gate for the audience (drafters: everything analysed; public:
published only); kecamatan and closed-question cells under five respondents are suppressed.
"""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from ..common import charts
from ..common.visibility import Audience
from ..consultations.models import QuestionKind
from ..submissions.models import STAKEHOLDER_LABELS, StakeholderType
from ..submissions.queries import choice_counts, counts_by_region, counts_over_time, suppress
from .queries import RunView

GROUPS = [(t.value, str(STAKEHOLDER_LABELS[t])) for t in StakeholderType]


def consultation_charts(consultation, view: RunView | None, audience: Audience) -> dict[str, Markup]:
    """``{"themes", "over_time", "regions", "questions"}`` → chart Markup (empty when no data).

    ``view`` is the run as ``audience`` sees it (``None``: no finished analysis; no theme chart).
    """
    out = {"themes": Markup(""), "questions": Markup("")}
    groups = GROUPS + [("unknown", _("Not stated"))]
    if view is not None:
        multi = len(view.sections) > 1
        rows = [((f"{section.title[:18]}… · " if multi else "") + theme.label, theme.by_stakeholder_type)
                for section in view.sections for theme in section.themes]
        out["themes"] = charts.stacked_bar_chart(rows, groups, _("Themes by stakeholder type (voices)"),
                                                 table_label=_("The numbers as a table"), total_label=_("Total"))
    out["over_time"] = charts.column_chart(counts_over_time(consultation, audience), _("Submissions over time"),
                                           value_label=_("Submissions"), table_label=_("The numbers as a table"))
    out["regions"] = charts.bar_chart(
        counts_by_region(consultation, audience, other=_("Other kecamatan (fewer than five each)"),
                         unknown=_("Not given")),
        _("Submissions by kecamatan"), value_label=_("Submissions"), table_label=_("The numbers as a table"))
    tallies = choice_counts(consultation, audience)
    parts = []
    for question in consultation.questions:
        if question.kind is QuestionKind.open or question.id not in tallies:
            continue
        counts = tallies[question.id]
        options = list(question.options or []) or sorted(counts)
        parts.append(charts.bar_chart([(o, suppress(counts.get(o, 0))) for o in options], question.text,
                                      value_label=_("Respondents"), table_label=_("The numbers as a table")))
    out["questions"] = Markup("").join(parts)
    return out
