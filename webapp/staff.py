"""Staff workspace under ``/staff/``: sign-in, the lot inventory, leads, imports, accounts.

The workspace keeps the lot inventory (status moves and edits with optimistic locking),
the confidential leads, official lot imports and accounts. Every view refuses anonymous
users (sign-in page for pages, 401 for JSON); admin views also refuse staff. The pitch
sheet itself lives in :mod:`webapp.pitch`; :mod:`webapp.staff_pdf` prints it for a lead.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from parks.data import LOT_STATUSES, PARK_IDS
from parks.errors import LotImportError
from parks.inventory import Store
from parks.inventory.errors import InventoryError, RecordNotFoundError, StaleEditError
from parks.inventory.leads import (
    STAGES,
    get_lead,
    lead_matches,
    list_leads,
    new_lots_for_leads,
    set_lots_of_interest,
    update_lead,
)
from parks.inventory.users import (
    MAX_PASSWORD,
    ROLES,
    THROTTLE_MINUTES,
    audit_log,
    authenticate,
    create_user,
    end_session,
    list_accounts,
    login_failed,
    login_throttled,
    record,
    set_active,
    start_session,
)
from parks.inventory.workflow import (
    TRANSITIONS,
    change_lot,
    expire_negotiations,
    lot_detail,
    lot_history,
    recent_expiries,
    verify_lot,
)
from parks.lot_import import (
    MAX_FILE_BYTES,
    apply_lot_import,
    compute_drive_times,
    plan_changes,
    plan_geojson,
    prepare_lot_import,
)
from parks.messages import Message
from webapp import data_revision, get_layers, get_store
from webapp.i18n import NAMES, current_lang, render_message, render_messages
from webapp.lot_facts import source_refs
from webapp.staff_auth import (
    SESSION_TOKEN_KEY,
    StaffUser,
    admin_required,
    staff_required,
)
from webapp.staff_forms import parse_date_field, parse_int_field, parse_lot_form
from webapp.staff_view import (
    LABELS,
    LEAD_ACTIONS,
    audit_detail,
    change_label,
    field_rows,
    label,
    lot_name,
    park_label,
    profile_rows,
    verbatim,
    when,
    with_code,
)

bp = Blueprint("staff", __name__)

MAX_ID = 2**31 - 1
"""Largest record id in a URL (a bigger number is no record: 404, not a database error)."""


# ============================================================================================
# The staff workspace under /staff/: sign-in, the lot inventory, leads, imports, accounts.
# Every view below is wrapped in staff_required or admin_required (a test lists them all).


def _store() -> Store:
    return get_store()


def _render_messages(messages: list[Message]) -> list[str]:
    return render_messages(messages, current_lang())


NEXT_PREFIXES = ("/staff/", "/planner/")
"""Where the sign-in page may send the user on: the signed-in areas of this site only."""


def _safe_next(target: str | None) -> str:
    """Return a same-site path under /staff/ or /planner/ to go to after sign-in (never another host)."""
    if (
        target
        and target.startswith(NEXT_PREFIXES)
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for("staff.dashboard")


@bp.route("/staff/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in with an account name and password (throttled per client address)."""
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "")[:64].strip()
        password = request.form.get("password", "")[: MAX_PASSWORD + 1]
        address = request.remote_addr or "unknown"
        store = _store()
        if login_throttled(store, address, name):
            # the password is not even checked: guessing gains nothing while throttled
            error = _(
                "Too many failed sign-ins. Wait %(minutes)s minutes, then try again.",
                minutes=THROTTLE_MINUTES,
            )
            return render_template("staff/login.html", error=error), 429
        account = authenticate(store, name, password)
        if account is not None:
            session.clear()  # a fresh session and a fresh sign-in token: no fixation
            session[SESSION_TOKEN_KEY] = start_session(store, account)
            login_user(StaffUser(account))
            record(store, account.name, "login", None, {"ip": address})
            return redirect(_safe_next(request.args.get("next")), 303)
        login_failed(store, address, name)
        error = _("The account name or password is wrong.")
        status = 401
    return render_template("staff/login.html", error=error), status


@bp.post("/staff/logout")
@staff_required
def logout() -> ResponseReturnValue:
    """Sign out: the sign-in ends in the store too, so a copied cookie no longer works."""
    end_session(_store(), session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"), 303)


@bp.get("/staff/")
@staff_required
def dashboard() -> ResponseReturnValue:
    """The office's start page: expired negotiations, leads to act on, new lots that fit."""
    store = _store()
    today = dt.date.today()
    expired = expire_negotiations(store, today)
    for item in expired:
        flash(render_message(item.message(), current_lang()), "notice")
    layers = get_layers()
    recent = recent_expiries(store, since=dt.datetime.now(dt.UTC) - dt.timedelta(days=14))
    open_leads = list_leads(store, open_only=True)
    fits = new_lots_for_leads(store, layers, since=today - dt.timedelta(days=30), today=today)
    counts = layers.lots["status"].value_counts().to_dict()
    return render_template(
        "staff/dashboard.html",
        recent_expiries=recent,
        open_leads=open_leads,
        fits=fits,
        counts=counts,
        statuses=LOT_STATUSES,
    )


def _lot_rows(store: Store) -> list[dict[str, Any]]:
    from parks.inventory.models import LotRecord

    with store.read() as s:
        rows = s.execute(
            select(
                LotRecord.lot_id,
                LotRecord.park_id,
                LotRecord.status,
                LotRecord.area_m2,
                LotRecord.price_per_m2,
                LotRecord.verified_on,
                LotRecord.negotiating_firm,
                LotRecord.negotiation_expires,
                LotRecord.version,
            ).order_by(LotRecord.position)
        ).all()
    return [r._asdict() for r in rows]


@bp.get("/staff/lots")
@staff_required
def lots() -> ResponseReturnValue:
    """All lots with status, price, firm and the date their status was last verified."""
    status = request.args.get("status")
    park = request.args.get("park")
    rows = _lot_rows(_store())
    if status in LOT_STATUSES:
        rows = [r for r in rows if r["status"] == status]
    if park in PARK_IDS:
        rows = [r for r in rows if r["park_id"] == park]
    return render_template(
        "staff/lots.html",
        rows=rows,
        statuses=LOT_STATUSES,
        parks=PARK_IDS,
        status=status,
        park=park,
    )


@bp.get("/staff/lots.json")
@staff_required
def lots_json() -> ResponseReturnValue:
    """The same list as JSON (staff only: it includes firms and versions)."""
    rows = _lot_rows(_store())
    for row in rows:
        for key in ("verified_on", "negotiation_expires"):
            row[key] = row[key].isoformat() if row[key] else None
    return jsonify({"lots": rows})


def _lot_page(
    lot_id: str, *, problems: list[str] | None = None, form: Any = None, status: int = 200
) -> ResponseReturnValue:
    store = _store()
    try:
        lot = lot_detail(store, lot_id)
    except RecordNotFoundError:
        abort(404, _("There is no such lot."))
    history = lot_history(store, lot_id)
    return (
        render_template(
            "staff/lot.html",
            lot=lot,
            history=history,
            problems=problems or [],
            form=form or {},
            statuses=LOT_STATUSES,
            moves=sorted(TRANSITIONS.get(lot["status"], ())),
            sources=source_refs(lot.get("source")),
            leads=list_leads(store, open_only=True),
        ),
        status,
    )


@bp.get("/staff/lots/<path:lot_id>")
@staff_required
def lot(lot_id: str) -> ResponseReturnValue:
    """One lot: every field, the edit form and its history."""
    return _lot_page(lot_id)


@bp.post("/staff/lots/<path:lot_id>")
@staff_required
def edit_lot(lot_id: str) -> ResponseReturnValue:
    """Apply one change (status move or edit); refuse a stale or invalid one with a message."""
    changes, version, reason, problems = parse_lot_form(request.form)
    if problems or version is None:
        return _lot_page(lot_id, problems=_render_messages(problems), form=request.form, status=400)
    try:
        change_lot(
            _store(),
            lot_id,
            changes,
            expected_version=version,
            user=current_user.name,
            reason=reason,
        )
    except StaleEditError as exc:
        return _lot_page(
            lot_id, problems=_render_messages(exc.messages), form=request.form, status=409
        )
    except RecordNotFoundError:
        abort(404, _("There is no such lot."))
    except InventoryError as exc:
        return _lot_page(
            lot_id, problems=_render_messages(exc.messages), form=request.form, status=400
        )
    flash(_("Saved."), "notice")
    return redirect(url_for("staff.lot", lot_id=lot_id), 303)


@bp.post("/staff/lots/<path:lot_id>/verify")
@staff_required
def verify(lot_id: str) -> ResponseReturnValue:
    """Record that the lot's status was confirmed today."""
    problems: list[Message] = []
    version = parse_int_field(request.form.get("version"), problems, name="version")
    if version is None:
        abort(400, _("The form is missing the lot's version; reload the page."))
    try:
        verify_lot(_store(), lot_id, expected_version=version, user=current_user.name)
    except StaleEditError as exc:
        return _lot_page(lot_id, problems=_render_messages(exc.messages), status=409)
    except RecordNotFoundError:
        abort(404, _("There is no such lot."))
    flash(_("Status confirmed as of today."), "notice")
    return redirect(url_for("staff.lot", lot_id=lot_id), 303)


@bp.get("/staff/leads")
@staff_required
def leads() -> ResponseReturnValue:
    """All leads: stage, next action, lots of interest."""
    return render_template("staff/leads.html", leads=list_leads(_store()), stages=STAGES)


def _lead_page(
    lead_id: int, *, problems: list[str] | None = None, status: int = 200
) -> ResponseReturnValue:
    store = _store()
    try:
        lead = get_lead(store, lead_id)
    except RecordNotFoundError:
        abort(404, _("There is no such lead."))
    layers = get_layers()
    result = lead_matches(layers, lead, today=dt.date.today())
    return (
        render_template(
            "staff/lead.html",
            lead=lead,
            matches=[] if result is None else list(result.matches),
            near_misses=[] if result is None else list(result.near_misses),
            stages=STAGES,
            problems=problems or [],
            profile_rows=profile_rows(lead.profile, current_lang()),
        ),
        status,
    )


@bp.get(f"/staff/leads/<int(max={MAX_ID}):lead_id>")
@staff_required
def lead(lead_id: int) -> ResponseReturnValue:
    """One lead: contact, needs, stage and notes, lots of interest and the lots that fit."""
    return _lead_page(lead_id)


@bp.post(f"/staff/leads/<int(max={MAX_ID}):lead_id>")
@staff_required
def edit_lead(lead_id: int) -> ResponseReturnValue:
    """Change a lead's stage, next action and notes (refused if it changed meanwhile)."""
    problems: list[Message] = []
    version = parse_int_field(request.form.get("version"), problems, name="version")
    next_on = parse_date_field(request.form.get("next_action_on"), problems)
    if problems or version is None:
        return _lead_page(lead_id, problems=_render_messages(problems), status=400)
    try:
        update_lead(
            _store(),
            lead_id,
            expected_version=version,
            user=current_user.name,
            stage=request.form.get("stage", "")[:20],
            next_action=request.form.get("next_action", "")[:4001],
            next_action_on=next_on,
            notes=request.form.get("notes", "")[:4001],
        )
    except StaleEditError as exc:
        return _lead_page(lead_id, problems=_render_messages(exc.messages), status=409)
    except RecordNotFoundError:
        abort(404, _("There is no such lead."))
    except InventoryError as exc:
        return _lead_page(lead_id, problems=_render_messages(exc.messages), status=400)
    flash(_("Saved."), "notice")
    return redirect(url_for("staff.lead", lead_id=lead_id), 303)


@bp.post(f"/staff/leads/<int(max={MAX_ID}):lead_id>/lots")
@staff_required
def lead_lots(lead_id: int) -> ResponseReturnValue:
    """Replace the lots the lead is interested in."""
    wanted = [v[:120] for v in request.form.getlist("lot")[:50] if v.strip()]
    try:
        set_lots_of_interest(_store(), lead_id, wanted, user=current_user.name)
    except RecordNotFoundError:
        abort(404, _("There is no such lead."))
    except InventoryError as exc:
        return _lead_page(lead_id, problems=_render_messages(exc.messages), status=400)
    flash(_("Saved."), "notice")
    return redirect(url_for("staff.lead", lead_id=lead_id), 303)


@bp.get(f"/staff/leads/<int(max={MAX_ID}):lead_id>/pitch.pdf")
@staff_required
def lead_pitch_pdf(lead_id: int) -> ResponseReturnValue:
    """The pitch sheet of the chosen lots (``?lot=``, repeatable) for this lead, as a PDF."""
    from webapp.staff_pdf import pitch_pdf

    try:
        lead_view = get_lead(_store(), lead_id)
    except RecordNotFoundError:
        abort(404, _("There is no such lead."))
    lang = request.args.get("lang", current_lang())
    if lang not in ("ja", "en"):
        abort(400, _("Unknown language."))
    lot_ids = [v[:120] for v in request.args.getlist("lot")[:5]] or list(lead_view.lots[:1])
    if not lot_ids:
        abort(400, _("Choose at least one lot for the pitch sheet."))
    try:
        profile = lead_view.firm_profile()
    except ValueError:
        abort(400, _("The lead's needs are not a valid firm profile."))
    body = pitch_pdf(get_layers(), profile, lot_ids, lang=lang, firm=lead_view.firm)
    record(_store(), current_user.name, "pitch_pdf", str(lead_id), {"lots": lot_ids, "lang": lang})
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="pitch-{lead_id}-{lang}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/users", methods=["GET", "POST"])
@admin_required
def users() -> ResponseReturnValue:
    """Admins list and create accounts."""
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            create_user(
                _store(),
                request.form.get("name", "")[:65].strip(),
                request.form.get("password", "")[: MAX_PASSWORD + 1],
                request.form.get("role", "")[:10],
                by=current_user.name,
            )
        except InventoryError as exc:
            problems = _render_messages(exc.messages)
            status = 400
        else:
            flash(_("Account created."), "notice")
            return redirect(url_for("staff.users"), 303)
    return render_template(
        "staff/users.html", accounts=list_accounts(_store()), problems=problems, roles=ROLES
    ), status


@bp.post(f"/staff/users/<int(max={MAX_ID}):user_id>/active")
@admin_required
def user_active(user_id: int) -> ResponseReturnValue:
    """Admins enable or disable an account."""
    active = request.form.get("active") == "1"
    if user_id == current_user.account.id and not active:
        abort(400, _("You cannot disable your own account."))
    try:
        set_active(_store(), user_id, active, by=current_user.name)
    except RecordNotFoundError:
        abort(404, _("There is no such account."))
    return redirect(url_for("staff.users"), 303)


@bp.get("/staff/audit")
@admin_required
def audit_page() -> ResponseReturnValue:
    """Admins read the audit log (sign-ins, accounts, imports, lead changes)."""
    store = _store()
    firms = {str(lead.id): lead.firm for lead in list_leads(store)}
    return render_template("staff/audit.html", entries=audit_log(store), lead_firms=firms)


PENDING_IMPORT_HOURS = 24
"""Uploaded lot files waiting for confirmation are dropped after this long."""


@bp.route("/staff/import", methods=["GET", "POST"])
@admin_required
def import_lots() -> ResponseReturnValue:
    """Admins upload an official lot layer: every problem listed, or a dry-run diff on a map."""
    if request.method == "GET":
        return render_template("staff/import.html", problems=[])
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("staff/import.html", problems=[_("Choose a file.")]), 400
    data = upload.read(MAX_FILE_BYTES + 1)
    filename = upload.filename[-200:]
    store = _store()
    layers = get_layers()
    revision = data_revision()
    try:
        plan = prepare_lot_import(data, filename, layers, base_revision=revision)
    except LotImportError as exc:
        messages = getattr(exc, "messages", None)
        problems = _render_messages(messages) if messages else list(exc.problems)
        return render_template("staff/import.html", problems=problems, filename=filename), 400
    token = secrets.token_urlsafe(24)
    from parks.inventory.models import PendingImport

    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=PENDING_IMPORT_HOURS)
    with store.write() as s:
        s.execute(delete(PendingImport).where(PendingImport.created_at < cutoff))
        s.add(
            PendingImport(
                token=token,
                user_name=current_user.name,
                filename=filename,
                data=data,
                base_revision=revision,
            )
        )
    lang = current_lang()
    diff = plan_geojson(plan, layers)
    for feature in diff["features"]:
        props = feature["properties"]
        props["label"] = change_label(props["change"], props.get("status"), props["lot_id"], lang)
    changes = plan_changes(plan, layers)
    return render_template(
        "staff/import_diff.html",
        plan=plan,
        token=token,
        diff_geojson=diff,
        changes={lot: _render_messages(found) for lot, found in changes.items()},
    )


@bp.post("/staff/import/<token>/apply")
@admin_required
def apply_import(token: str) -> ResponseReturnValue:
    """Apply a checked upload: lots and drive times are computed first, then swapped in at once."""
    from parks.inventory.models import PendingImport

    store = _store()
    with store.read() as s:
        pending = s.scalars(select(PendingImport).where(PendingImport.token == token[:64])).first()
        if pending is None:
            abort(404, _("This upload is no longer waiting; upload the file again."))
        data, filename, base = pending.data, pending.filename, pending.base_revision
    layers = get_layers()
    try:
        plan = prepare_lot_import(data, filename, layers, base_revision=base)
        drive_times = compute_drive_times(plan, layers)
        apply_lot_import(store, plan, drive_times, user=current_user.name)
    except LotImportError as exc:
        messages = getattr(exc, "messages", None)
        problems = _render_messages(messages) if messages else list(exc.problems)
        return render_template("staff/import.html", problems=problems), 409
    with store.write() as s:
        s.execute(delete(PendingImport).where(PendingImport.token == token[:64]))
    flash(_("The lot layer was imported."), "notice")
    return redirect(url_for("staff.lots"), 303)


for (_kind, _id), _msgid in LABELS.items():
    if _kind == "status":
        NAMES.setdefault((_kind, _id), _msgid)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    lang = current_lang()
    return {
        "label": lambda kind, value: label(kind, value, lang),
        "lot_name": lambda lot_id: lot_name(lot_id, lang),
        "park_label": lambda park_id: park_label(park_id, lang),
        "field_rows": lambda values: field_rows(values, lang),
        "audit_detail": lambda detail: audit_detail(detail, lang),
        "verbatim": verbatim,
        "when": lambda moment: when(moment, lang),
        "lead_actions": LEAD_ACTIONS,
        "with_code": with_code,
        "park_ids": PARK_IDS,
        "statuses": LOT_STATUSES,
    }
