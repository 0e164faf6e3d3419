"""Legal and help pages for everyone; site settings and page editing for admins."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..common.files import FileRejected, store_upload
from ..common.forms import apply_errors, committed
from ..common.visibility import not_a_surface
from ..errors import ValidationFailed
from ..extensions import db
from . import pages, settings
from .forms import PageForm, SettingsForm

bp = Blueprint("site", __name__)  # public: /p/<slug>, /site/logo
admin_bp = Blueprint("site_admin", __name__)  # /staff/admin/settings, /staff/admin/pages/<slug>

MAX_LOGO_BYTES = 1024 * 1024


@bp.route("/p/<slug>")
@not_a_surface("site.show_page", "a legal or help page written by admins (no user content)")
def show_page(slug: str):
    """The privacy notice, participation rules, accessibility statement … in the interface language."""
    page = pages.get_page(slug)
    if page is None:
        abort(404)
    english = str(get_locale()) == "en"
    return render_template("site/page.html", page=page, title=page.title_en if english else page.title_id,
                           body=page.body_en if english else page.body_id)


@bp.route("/site/logo")
@not_a_surface("site.logo", "the site's logo image")
def logo():
    """The uploaded logo (404 when none)."""
    name = settings.get("logo")
    if not name:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@admin_bp.before_request
@login_required
def _admins_only():
    if not current_user.is_admin:
        abort(403)


@admin_bp.route("/settings", methods=["GET", "POST"])
def edit_settings():
    """Site name, logo, receipt prefix, default language, time zone and contact address."""
    form = SettingsForm()
    if request.method == "GET":
        for key in ("site_name", "reference_prefix", "default_language", "time_zone", "contact"):
            getattr(form, key).data = settings.get(key)
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in
                  ("site_name", "reference_prefix", "default_language", "time_zone", "contact")}
        try:
            upload = form.logo.data
            if form.remove_logo.data:
                values["logo"] = None
            elif upload is not None and getattr(upload, "filename", ""):
                try:
                    stored = store_upload(upload.stream, upload.filename, current_app.config["UPLOAD_DIR"],
                                          MAX_LOGO_BYTES, kinds=("png", "jpg"))
                except FileRejected as exc:
                    raise ValidationFailed({"logo": [exc.message]}) from exc
                values["logo"] = stored.stored_name
            settings.save(values, current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("site_admin.edit_settings"))
    return render_template("site/settings.html", form=form, page_slugs=pages.SLUGS,
                           page_titles={slug: pages.get_page(slug) for slug in pages.SLUGS})


@admin_bp.route("/pages/<slug>", methods=["GET", "POST"])
def edit_page(slug: str):
    """Edit a legal or help page in both languages."""
    page = pages.get_page(slug)
    if page is None:
        abort(404)
    form = PageForm(obj=page) if request.method == "GET" else PageForm()
    if form.validate_on_submit():
        if committed(form, lambda: pages.save_page(slug, title_id=form.title_id.data, title_en=form.title_en.data,
                                                   body_id=form.body_id.data, body_en=form.body_en.data,
                                                   actor=current_user)):
            flash(_("Saved."), "success")
            return redirect(url_for("site.show_page", slug=slug))
    return render_template("site/edit_page.html", form=form, slug=slug)
