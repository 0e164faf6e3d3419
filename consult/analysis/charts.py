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
from ..submissions.models import STAKEHOLDER_LABELS, StakeholderType
from ..submissions.queries import OTHER_GROUPS, Tally, choice_tallies, counts_by_region, counts_over_time, suppress
from .queries import RunView

def _groups() -> list[tuple[str, str]]:
    """(code, label) of every stakeholder type, in the language of the current request."""
    return [(t.value, str(STAKEHOLDER_LABELS[t])) for t in StakeholderType]


def consultation_charts(consultation, view: RunView | None, audience: Audience) -> dict[str, Markup]:
    """``{"themes", "over_time", "regions", "questions"}`` → chart Markup (empty when no data).

    ``view`` is the run as ``audience`` sees it (``None``: no finished analysis; no theme chart).
    """
    out = {"themes": Markup(""), "questions": Markup("")}
    groups = _groups() + [("unknown", _("Not stated"))]
    if view is not None:
        multi = len(view.sections) > 1
        rows = [((f"{section.title[:18]}… · " if multi else "") + theme.label,
                 theme.by_stakeholder_type if audience is Audience.ANALYSIS
                 else {k: suppress(n) for k, n in theme.by_stakeholder_type.items()})
                for section in view.sections for theme in section.themes]
        out["themes"] = charts.stacked_bar_chart(
            rows, groups, _("Themes by stakeholder type (voices)"), table_label=_("The numbers as a table"),
            total_label=_("Total"), totals=[theme.submission_count for section in view.sections for theme in section.themes])
    out["over_time"] = charts.column_chart(counts_over_time(consultation, audience), _("Submissions over time"),
                                           value_label=_("Submissions"), table_label=_("The numbers as a table"))
    out["regions"] = charts.bar_chart(
        counts_by_region(consultation, audience, other=_("Other kecamatan (fewer than five each)"),
                         unknown=_("Not given")),
        _("Submissions by kecamatan"), value_label=_("Submissions"), table_label=_("The numbers as a table"))
    parts = []
    for tally in choice_tallies(consultation, audience):
        parts.append(charts.bar_chart(list(tally.overall.items()), tally.question.text,
                                      value_label=_("Respondents"), table_label=_("The numbers as a table")))
        parts.append(_crosstab(tally))
    out["questions"] = Markup("").join(parts)
    return out


def _crosstab(tally: Tally) -> Markup:
    """The question's answers by stakeholder type and by kecamatan, as two tables."""
    from markupsafe import escape

    labels = dict(_groups()) | {OTHER_GROUPS: _("Other groups (fewer than five each)")}
    html = []
    for caption, groups in ((_("By stakeholder type"), tally.by_type), (_("By kecamatan"), tally.by_region)):
        if not groups:
            continue
        head = "".join(f'<th scope="col">{escape(o)}</th>' for o in tally.options)
        body = "".join(f'<tr><th scope="row">{escape(labels.get(g, g))}</th>'
                       + "".join(f"<td>{escape(str(cells[o]))}</td>" for o in tally.options) + "</tr>"
                       for g, cells in groups)
        html.append(f'<table class="crosstab"><caption>{escape(caption)}</caption><thead><tr><td></td>{head}</tr>'
                    f"</thead><tbody>{body}</tbody></table>")
    return Markup("".join(html))
