"""Forms of site administration."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..common.forms import BaseForm


class SettingsForm(BaseForm):
    """The site's name, logo, receipt prefix, default language, time zone and contact."""

    site_name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=120)])
    reference_prefix = StringField(_l("Prefix of receipt references (2–8 capital letters, e.g. KTB)"),
                                   validators=[DataRequired(), Length(max=8)])
    default_language = SelectField(_l("Default language"), choices=[SelectChoice("id", "Bahasa Indonesia"),
                                                                    SelectChoice("en", "English")])
    time_zone = SelectField(_l("Time zone"), choices=[SelectChoice("Asia/Jakarta", "WIB (Asia/Jakarta)"),
                                                      SelectChoice("Asia/Makassar", "WITA (Asia/Makassar)"),
                                                      SelectChoice("Asia/Jayapura", "WIT (Asia/Jayapura)")])
    contact = StringField(_l("Contact address (e-mail or postal, shown at the bottom of every page)"),
                          validators=[Optional(), Length(max=300)])
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class PageForm(BaseForm):
    """A legal or help page in both languages (Markdown)."""

    title_id = StringField(_l("Title (Bahasa Indonesia)"), validators=[DataRequired(), Length(max=200)])
    body_id = TextAreaField(_l("Text (Bahasa Indonesia, Markdown)"), validators=[Optional(), Length(max=100_000)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    body_en = TextAreaField(_l("Text (English, Markdown)"), validators=[Optional(), Length(max=100_000)])
