"""The public enquiry form (/inquiry): a firm tells the city what it needs; staff get a lead.

Nothing from an enquiry is ever shown on a public page or written to the demand log: the
form answers only "thank you". The form is CSRF-protected, bounded and throttled.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parks.errors import InvalidFirmProfileError
from parks.inventory.errors import InventoryError
from parks.inventory.leads import LIMITS, check_lead, create_lead
from webapp import get_store
from webapp.i18n import current_lang, render_message, render_messages
from webapp.pages import form_context
from webapp.problems import ShownProblem, show_problems
from webapp.profile_form import FIELDS, validate_profile_form

bp = Blueprint("inquiry", __name__)

MAX_FORM_FIELDS = 60


def _render(problems: list[ShownProblem], status: int) -> ResponseReturnValue:
    posted = {k: v[: LIMITS.get(k, 40) + 1] for k, v in request.form.items()}
    values = {f.name: posted[f.name] for f in FIELDS if f.name in posted}
    return (
        render_template(
            "public/inquiry.html",
            problems=problems,
            form=form_context(values),
            posted=posted,
            limits=LIMITS,
        ),
        status,
    )


@bp.get("/inquiry")
def inquiry() -> ResponseReturnValue:
    """Show the enquiry form."""
    return _render([], 200)


@bp.post("/inquiry")
def send_inquiry() -> ResponseReturnValue:
    """Record an enquiry as a lead, or list every problem with it (each by its field)."""
    form = request.form
    lang = current_lang()
    if len(form) > MAX_FORM_FIELDS:
        return _render([ShownProblem(_("The form has too many fields."))], 400)
    problems: list[ShownProblem] = []
    profile_values = {f.name: form.get(f.name, "")[:40] for f in FIELDS if f.name in form}
    profile = None
    try:
        profile = validate_profile_form(profile_values)
    except InvalidFirmProfileError as exc:
        problems += show_problems(exc, lang)
    text = {key: form.get(key, "")[: LIMITS[key] + 1] for key in LIMITS if key in form}
    lead = {
        "firm": text.get("firm", ""),
        "contact_name": text.get("contact_name", ""),
        "contact_email": text.get("contact_email"),
        "contact_phone": text.get("contact_phone"),
        "message": text.get("message"),
        "consent": form.get("consent") == "yes",
    }
    lead_problems = check_lead(**lead)[1]
    problems += [ShownProblem(render_message(m, lang)) for m in lead_problems]
    if problems or profile is None:
        return _render(problems, 400)
    try:
        create_lead(get_store(), profile=profile, **lead)
    except InventoryError as exc:
        return _render([ShownProblem(m) for m in render_messages(exc.messages, lang)], 400)
    return render_template("public/inquiry_done.html"), 201
