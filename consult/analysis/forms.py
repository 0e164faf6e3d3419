"""Forms of the drafter's analysis page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from ..common.forms import BaseForm


class RunAnalysisForm(BaseForm):
    """Run the analysis again, optionally with a fixed number of themes per question."""

    n_themes = IntegerField(_l("Number of themes per question (empty: choose automatically)"),
                            validators=[Optional(), NumberRange(min=1, max=40)])
