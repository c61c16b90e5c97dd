"""Parse and validate query strings into plain values; every problem is reported at once."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from flask_babel import gettext as _

from parks.data import LOT_STATUSES
from parks.errors import InvalidFirmProfileError, InvalidInputError
from parks.messages import N_, Message, Name
from parks.profile import FirmProfile
from webapp.i18n import LANGS, Lang
from webapp.profile_form import FIELD_NAMES, validate_profile_form

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MAX_PARAMS = 40
"""Most query-string (or form) parameters a request may carry."""

MAX_PARAM_CHARS = 200
"""Longest query-string or form value accepted (a lot id, a date, a number)."""

MAX_JSON_DEPTH = 6
"""Deepest nesting of a JSON body (a wrapped firm profile is 3 levels deep)."""

MAX_JSON_INT_DIGITS = 15
"""Most digits of an integer in a JSON body (yen amounts up to 10^15 - 1)."""

MAX_JSON_NUMBER_CHARS = 32
"""Longest number literal in a JSON body."""

STORING_BLUEPRINTS = frozenset({"staff", "inquiry"})
"""Blueprints whose forms reach the store: their multipart forms are checked for NUL too."""

SHOWN_CHARS = 40
"""How much of a rejected value an error message repeats."""


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters, so errors never echo huge input.

    >>> shown("x" * 1000, 10)
    "'xxxxxxxxx… (1,000 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str | bytes) else len(text)
    return text[: limit - 1] + "… " + _("(%(count)s characters)", count=format(size, ","))


def check_params(args: MultiDict[str, str]) -> None:
    """Reject a query string (or form) with too many parameters or an over-long value.

    Raises
    ------
    InvalidInputError
        Naming each parameter that is too long.
    """
    items = list(args.items(multi=True))
    problems: list[str] = []
    if len(items) > MAX_PARAMS:
        problems.append(
            _(
                "too many parameters: %(count)s (at most %(limit)s)",
                count=len(items),
                limit=MAX_PARAMS,
            )
        )
    for name, value in items[: MAX_PARAMS + 1]:
        if len(name) > MAX_PARAM_CHARS or len(value) > MAX_PARAM_CHARS:
            problems.append(
                _(
                    "parameter %(name)s is too long: %(count)s characters (at most %(limit)s)",
                    name=shown(name),
                    count=format(max(len(name), len(value)), ","),
                    limit=MAX_PARAM_CHARS,
                )
            )
    problems += _nul_problems(items[: MAX_PARAMS + 1])
    if problems:
        raise InvalidInputError(problems)


def _nul_problems(items: Iterable[tuple[str, str]]) -> list[str]:
    """Name each parameter whose name or value holds a NUL character.

    No text needs one, and PostgreSQL cannot store one: it would reach the store as a 500.
    """
    return [
        _("parameter %(name)s contains a NUL character", name=shown(name.replace("\x00", "")))
        for name, value in items
        if "\x00" in name or "\x00" in value
    ]


def check_request() -> None:
    """Bound every request's query string and form before a view sees it (``before_request``).

    Raises
    ------
    InvalidInputError
        If a parameter is too long or there are too many, or text holds a NUL character.
    """
    from flask import request

    check_params(request.args)
    # Plain forms are small (MAX_FORM_MEMORY_SIZE bounds them); uploads are checked by the
    # view that takes them, before their body is read.
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        check_params(request.form)
    elif (
        request.method == "POST"
        and request.mimetype == "multipart/form-data"
        and request.blueprint in STORING_BLUEPRINTS
    ):
        # the same form may come as multipart; these forms are CSRF-protected, which parses
        # them anyway (the planner bounds its uploads before reading them, and stores nothing)
        problems = _nul_problems(request.form.items(multi=True))
        files = request.files.items(multi=True)
        problems += _nul_problems((name, upload.filename or "") for name, upload in files)
        if problems:
            raise InvalidInputError(problems)


def read_json_body() -> object:
    """Read this request's body as JSON within the API's limits (see :func:`parse_json_body`).

    Raises
    ------
    werkzeug.exceptions.UnsupportedMediaType
        If the body is not sent as ``application/json``.
    werkzeug.exceptions.RequestEntityTooLarge
        If the body is larger than ``MAX_JSON_BYTES``.
    InvalidInputError
        If it is not acceptable JSON.
    """
    from flask import abort, current_app, request

    if not request.is_json:
        abort(415, _("send the body as JSON with the header Content-Type: application/json"))
    request.max_content_length = int(current_app.config["MAX_JSON_BYTES"])
    return parse_json_body(request.get_data(cache=True))


class _RefusedJSONError(ValueError):
    """A JSON literal the API refuses (NaN, Infinity, a number beyond the bounds)."""


def _refuse_constant(name: str) -> object:
    msg = _(
        "%(value)s is not a number JSON allows; send a finite number or leave the field out",
        value=name,
    )
    raise _RefusedJSONError(msg)


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_JSON_INT_DIGITS:
        msg = _(
            "integer with %(digits)s digits is out of range (at most %(limit)s digits)",
            digits=format(digits, ","),
            limit=MAX_JSON_INT_DIGITS,
        )
        raise _RefusedJSONError(msg)
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text) if len(text) <= MAX_JSON_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        msg = _("number %(value)s is out of range", value=shown(text))
        raise _RefusedJSONError(msg)
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """Return True when decoded JSON nests more than ``limit`` levels (``{}`` is one)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


JSON_REASONS = frozenset(
    (
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Extra data"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Illegal trailing comma before end of object"),
        N_("Illegal trailing comma before end of array"),
    )
)
"""What Python's JSON parser says is wrong, as msgids (the reader's language in messages)."""


def parse_json_body(data: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Decode a JSON request body within the API's limits.

    ``NaN``, ``Infinity``, integers of more than ``MAX_JSON_INT_DIGITS`` digits, numbers
    that overflow and nesting deeper than ``max_depth`` (``MAX_JSON_DEPTH``: a firm profile;
    GeoJSON needs more) are refused; the size of the body is bounded before this
    (``MAX_JSON_BYTES``).

    Raises
    ------
    InvalidInputError
        Saying what is wrong with the body.
    """
    if not data.strip():
        raise InvalidInputError(_("the request body is empty; send a JSON object (a firm profile)"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(_("the request body is not UTF-8 text")) from None
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except _RefusedJSONError as exc:
        raise InvalidInputError(str(exc)) from None
    except RecursionError:
        value = None  # nested far beyond MAX_JSON_DEPTH: reported below
        too_deep = True
    except json.JSONDecodeError as exc:
        msg = _(
            "the request body is not valid JSON: %(reason)s (line %(line)s, column %(column)s)",
            reason=_(exc.msg) if exc.msg in JSON_REASONS else exc.msg,
            line=exc.lineno,
            column=exc.colno,
        )
        raise InvalidInputError(msg) from None
    else:
        too_deep = _deeper_than(value, max_depth)
    if too_deep:
        msg = _("the JSON body is nested too deeply (at most %(limit)s levels)", limit=max_depth)
        raise InvalidInputError(msg)
    return value


@dataclass(frozen=True)
class MapQuery:
    """What the map page was asked for."""

    lang: Lang
    as_of: dt.date | None


@dataclass(frozen=True)
class LotsQuery:
    """Filters and page of ``GET /api/lots``; an empty ``statuses`` means every status."""

    statuses: tuple[str, ...]
    as_of: dt.date | None
    park_id: str | None
    bbox: tuple[float, float, float, float] | None = None
    limit: int = 500
    offset: int = 0


DEFAULT_LOTS_LIMIT = 500
"""Lots per page of ``GET /api/lots`` unless ``limit`` says otherwise."""

MAX_LOTS_LIMIT = 5000
"""Most lots one page of ``GET /api/lots`` may hold."""

MAX_OFFSET = 10_000_000
"""Largest ``offset`` accepted (far beyond any lot layer)."""


T = TypeVar("T")


def _collect(problems: list[Any], validate: Callable[[], T], fallback: T) -> T:
    """Run one validator; on failure add its problems and return ``fallback``."""
    try:
        return validate()
    except InvalidInputError as exc:
        problems.extend(exc.details)
        return fallback


def validate_lang(value: str | None, *, default: Lang) -> Lang:
    """Return a page language; None or '' gives ``default``.

    Raises
    ------
    InvalidInputError
        If the value is not one of ``LANGS``.
    """
    if value is None or value == "":
        return default
    if value not in LANGS:
        raise InvalidInputError(
            Message(
                "%(name)s must be one of %(allowed)s; got %(value)s",
                {"name": Name("param", "lang"), "allowed": ", ".join(LANGS), "value": repr(value)},
            )
        )
    return value  # type: ignore[return-value]  # narrowed by the membership test


def validate_date(value: str | None, *, name: str = "as_of") -> dt.date | None:
    """Return an ISO date (YYYY-MM-DD), or None when absent.

    Raises
    ------
    InvalidInputError
        If the value is not a real calendar date in that form.
    """
    if value is None or value == "":
        return None
    params = {"name": Name("param", name), "value": repr(value)}
    if not _ISO_DATE.match(value):
        raise InvalidInputError(
            Message("%(name)s must be a date written YYYY-MM-DD; got %(value)s", params)
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            Message("%(name)s %(value)s is not a calendar date", params)
        ) from None


def validate_statuses(values: Iterable[str]) -> tuple[str, ...]:
    """Return lot statuses from repeated or comma-separated values, in the order given.

    Raises
    ------
    InvalidInputError
        Listing every unknown status.
    """
    statuses: list[str] = []
    problems: list[str] = []
    for value in values:
        for part in value.split(","):
            status = part.strip()
            if not status:
                continue
            if status not in LOT_STATUSES:
                problems.append(
                    _(
                        "status must be one of %(allowed)s; got %(value)s",
                        allowed=", ".join(LOT_STATUSES),
                        value=shown(status),
                    )
                )
            elif status not in statuses:
                statuses.append(status)
    if problems:
        raise InvalidInputError(problems)
    return tuple(statuses)


def validate_park(value: str | None, known: Collection[str]) -> str | None:
    """Return a park id that exists, or None when absent.

    Raises
    ------
    InvalidInputError
        If no park has that id.
    """
    if value is None or value == "":
        return None
    if value not in known:
        msg = _(
            "park must be one of %(allowed)s; got %(value)s",
            allowed=", ".join(sorted(known)),
            value=shown(value),
        )
        raise InvalidInputError(msg)
    return value


def _reject_unknown(args: Mapping[str, object], allowed: Collection[str]) -> list[str]:
    """Return one problem per query parameter the endpoint does not take."""
    return [
        _(
            "unknown parameter %(name)s; allowed: %(allowed)s",
            name=shown(name),
            allowed=", ".join(sorted(allowed)),
        )
        for name in args
        if name not in allowed
    ]


def parse_map_query(args: Mapping[str, str], *, default_lang: Lang) -> MapQuery:
    """Parse the map page's query string (``lang``, ``as_of``).

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("lang", "as_of"))
    lang = _collect(
        problems, lambda: validate_lang(args.get("lang"), default=default_lang), default_lang
    )
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if problems:
        raise InvalidInputError(problems)
    return MapQuery(lang=lang, as_of=as_of)


def validate_count(value: str | None, *, name: str, default: int, lo: int, hi: int) -> int:
    """Return a whole number from ``lo`` to ``hi`` given as text, or ``default`` when absent.

    Raises
    ------
    InvalidInputError
        If the value is not a whole number in that range.
    """
    if value is None or value == "":
        return default
    text = value.strip()
    if (
        not text.isascii()
        or not text.isdigit()
        or len(text) > len(str(hi))
        or not lo <= int(text) <= hi
    ):
        msg = _(
            "%(name)s must be a whole number from %(lo)s to %(hi)s; got %(value)s",
            name=name,
            lo=lo,
            hi=format(hi, ","),
            value=shown(value),
        )
        raise InvalidInputError(msg)
    return int(text)


def validate_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Return ``bbox=MINLON,MINLAT,MAXLON,MAXLAT`` (EPSG:4326) as numbers, or None when absent.

    Raises
    ------
    InvalidInputError
        If it is not four finite numbers with min <= max, longitudes in [-180, 180] and
        latitudes in [-90, 90].
    """
    if value is None or value == "":
        return None
    parts = value.split(",")
    try:
        if len(parts) != 4:
            raise ValueError
        minx, miny, maxx, maxy = (float(p) for p in parts)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError
    except ValueError:
        msg = _(
            "bbox must be MINLON,MINLAT,MAXLON,MAXLAT with min <= max (degrees); got %(value)s",
            value=shown(value),
        )
        raise InvalidInputError(msg) from None
    return minx, miny, maxx, maxy


def parse_lots_query(
    args: Mapping[str, str], statuses: Iterable[str], *, park_ids: Collection[str]
) -> LotsQuery:
    """Parse ``GET /api/lots`` filters and page.

    Filters: ``status`` (repeated or comma-separated), ``as_of``, ``park``, ``bbox``; page:
    ``limit`` (default ``DEFAULT_LOTS_LIMIT``, at most ``MAX_LOTS_LIMIT``) and ``offset``.

    Parameters
    ----------
    args
        The query string (first value per name).
    statuses
        Every ``status`` value given (``request.args.getlist("status")``).
    park_ids
        Ids of the parks in the dataset.

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("status", "as_of", "park", "bbox", "limit", "offset"))
    parsed_statuses = _collect(problems, lambda: validate_statuses(statuses), ())
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    park_id = _collect(problems, lambda: validate_park(args.get("park"), park_ids), None)
    bbox = _collect(problems, lambda: validate_bbox(args.get("bbox")), None)
    limit = _collect(
        problems,
        lambda: validate_count(
            args.get("limit"), name="limit", default=DEFAULT_LOTS_LIMIT, lo=1, hi=MAX_LOTS_LIMIT
        ),
        DEFAULT_LOTS_LIMIT,
    )
    offset = _collect(
        problems,
        lambda: validate_count(args.get("offset"), name="offset", default=0, lo=0, hi=MAX_OFFSET),
        0,
    )
    if problems:
        raise InvalidInputError(problems)
    return LotsQuery(
        statuses=parsed_statuses,
        as_of=as_of,
        park_id=park_id,
        bbox=bbox,
        limit=limit,
        offset=offset,
    )


def parse_lot_query(args: Mapping[str, str]) -> dt.date | None:
    """Parse ``GET /api/lots/<lot_id>``'s query string (only ``as_of``).

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("as_of",))
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if problems:
        raise InvalidInputError(problems)
    return as_of


def validate_no_params(args: Mapping[str, str]) -> None:
    """Reject any query parameter on an endpoint that takes none.

    Raises
    ------
    InvalidInputError
        Listing every parameter given.
    """
    problems = [
        _("unknown parameter %(name)s; this endpoint takes none", name=shown(name)) for name in args
    ]
    if problems:
        raise InvalidInputError(problems)


@dataclass(frozen=True)
class MatchRequest:
    """A parsed ``POST /api/match`` (or ``/api/grants``) request."""

    profile: dict[str, object]
    as_of: dt.date | None
    top: int
    lang: Lang
    speed_profile: str
    lot_id: str | None = None
    park_id: str | None = None
    at: str | None = None


MATCH_PARAMS = ("as_of", "top", "lang", "speed_profile")
SPEED_PROFILES = ("normal", "winter")


def parse_match_request(
    body: object, args: Mapping[str, str], *, default_lang: Lang, extra: Collection[str] = ()
) -> MatchRequest:
    """Parse a JSON body that is a firm profile, or ``{"profile": {...}, "as_of": ..., "top": ...}``.

    Options may come in the wrapper or the query string. Every problem is collected; the
    profile itself is validated later against the schema (parks.profile).
    """
    problems: list[str] = []
    if not isinstance(body, dict):
        raise InvalidInputError([_("the request body must be a JSON object (a firm profile)")])
    options: dict[str, object] = dict(args.items())
    problems += _reject_unknown(args, (*MATCH_PARAMS, *extra))
    if "profile" in body:
        unknown = sorted(set(body) - {"profile", *MATCH_PARAMS, *extra})
        problems += [
            _("unknown field %(name)s beside 'profile'", name=shown(name)) for name in unknown
        ]
        both = sorted(set(args) & (set(body) - {"profile"}))
        problems += [
            _("give %(name)s in the query string or in the body, not both", name=name)
            for name in both
        ]
        options.update({k: v for k, v in body.items() if k != "profile"})
        profile = body["profile"]
        if not isinstance(profile, dict):
            problems.append(_("'profile' must be a JSON object"))
            profile = {}
    else:
        profile = body
    raw_as_of, raw_lang = options.get("as_of"), options.get("lang")
    as_of = _collect(
        problems, lambda: validate_date(None if raw_as_of is None else str(raw_as_of)), None
    )
    top = 10
    raw_top = options.get("top", 10)
    try:
        top = int(str(raw_top))
        if not 1 <= top <= 100:
            raise ValueError
    except ValueError:
        problems.append(
            _("top must be a whole number from 1 to 100; got %(value)s", value=shown(raw_top))
        )
    lang = _collect(
        problems,
        lambda: validate_lang(None if raw_lang is None else str(raw_lang), default=default_lang),
        default_lang,
    )
    speed = str(options.get("speed_profile", "normal"))
    if speed not in SPEED_PROFILES:
        problems.append(
            _(
                "speed_profile must be one of %(allowed)s; got %(value)s",
                allowed=", ".join(SPEED_PROFILES),
                value=shown(speed),
            )
        )
    if problems:
        raise InvalidInputError(problems)
    lot_id = options.get("lot")
    park_id = options.get("park")
    at = options.get("at")
    return MatchRequest(
        profile=profile,
        as_of=as_of,
        top=top,
        lang=lang,
        speed_profile=speed,
        lot_id=None if lot_id is None else str(lot_id),
        park_id=None if park_id is None else str(park_id),
        at=None if at is None else str(at),
    )


def validate_point(value: str) -> tuple[float, float]:
    """Return ``(lon, lat)`` from ``LON,LAT`` text (degrees, e.g. ``136.6485,36.5780``).

    Raises
    ------
    InvalidInputError
        If the text is not two finite numbers separated by a comma.
    """
    parts = value.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        lon, lat = float(parts[0]), float(parts[1])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError
    except ValueError:
        msg = _(
            "at must be two numbers LON,LAT in degrees (e.g. at=136.6485,36.5780); got %(value)s",
            value=shown(value),
        )
        raise InvalidInputError(msg) from None
    return lon, lat


FIGURE_FIELDS = tuple(name for name in FIELD_NAMES)
"""Form fields that carry the firm's own figures: accepted only in a POST body."""


def profile_given(values: Mapping[str, str]) -> bool:
    """Return True when any firm-profile field has a value (the user asked for grants)."""
    return any(str(values.get(name) or "").strip() for name in FIELD_NAMES)


@dataclass(frozen=True)
class PitchRequest:
    """A pitch sheet or lot page request: the lot, the date and, optionally, the firm."""

    lot_id: str
    as_of: dt.date
    profile: FirmProfile | None


def reject_figures_in_url(args: Mapping[str, str]) -> None:
    """Refuse firm figures in a query string: they would land in logs and browser history.

    Raises
    ------
    InvalidInputError
        Naming the fields that must be posted instead.
    """
    given = [name for name in FIGURE_FIELDS if name in args]
    if given:
        raise InvalidInputError(
            Message(
                "send the firm's figures (%(names)s) in a posted form, not in the URL",
                {"names": ", ".join(given)},
            )
        )


def parse_pitch_request(
    values: Mapping[str, str], *, today: dt.date, lot_id: str | None = None
) -> PitchRequest:
    """Parse a pitch-sheet (or lot page) request: ``lot``, ``lang``, ``as_of`` and the profile.

    The profile is optional: without any profile field the sheet shows the facts only.
    ``lot_id`` is given when the URL already names the lot (``/lots/<lot_id>``).

    Raises
    ------
    InvalidFirmProfileError
        Listing every problem found: unknown parameters, a missing lot, a bad date, and
        every problem of the firm profile (each a :class:`~parks.messages.Problem` naming
        its form field).
    """
    allowed = ("lang", "as_of", *FIELD_NAMES, *(() if lot_id else ("lot",)))
    problems: list[object] = list(_reject_unknown(values, allowed))
    _collect(problems, lambda: validate_lang(values.get("lang"), default="ja"), "ja")
    lot = lot_id or (values.get("lot") or "").strip()
    if not lot:
        problems.append(Message("lot is required (a lot id such as 'inaho/P2-1')"))
    as_of = _collect(problems, lambda: validate_date(values.get("as_of")), None) or today
    profile = None
    if profile_given(values):
        try:
            profile = validate_profile_form(values)
        except InvalidFirmProfileError as exc:
            problems.extend(exc.details)
    if problems:
        raise InvalidFirmProfileError(problems)
    return PitchRequest(lot_id=lot, as_of=as_of, profile=profile)


def parse_page_query(args: Mapping[str, str]) -> dt.date | None:
    """Parse a public page's query string: ``lang`` (read by the locale selector) and ``as_of``.

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("lang", "as_of"))
    _collect(problems, lambda: validate_lang(args.get("lang"), default="ja"), "ja")
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if problems:
        raise InvalidInputError(problems)
    return as_of


COMPARE_MIN, COMPARE_MAX = 2, 4
"""How many lots the compare page sets side by side."""

SHORTLIST_MAX = 20
"""Most lots a shortlist holds."""

MAX_LOT_ID_CHARS = 64
"""Longest lot id accepted in a list of lots."""


def validate_lot_ids(
    value: str | None, known: Collection[str], *, lo: int, hi: int, name: str = "lots"
) -> tuple[str, ...]:
    """Return the distinct lot ids of a comma-separated list, in the order given.

    Raises
    ------
    InvalidInputError
        If there are fewer than ``lo`` or more than ``hi`` ids, or an id is unknown.
    """
    ids: list[str] = []
    for part in (value or "").split(","):
        lot_id = part.strip()
        if lot_id and lot_id not in ids:
            ids.append(lot_id)
    problems: list[Message] = [
        Message("no lot %(lot)s", {"lot": repr(lot_id[:MAX_LOT_ID_CHARS])})
        for lot_id in ids[: hi + 1]
        if lot_id not in known
    ]
    if not lo <= len(ids) <= hi:
        problems.insert(
            0,
            Message(
                "%(name)s takes %(lo)s to %(hi)s lot ids separated by commas; got %(count)s",
                {"name": Name("param", name), "lo": lo, "hi": hi, "count": len(ids)},
            ),
        )
    if problems:
        raise InvalidInputError(problems)
    return tuple(ids)


def parse_lot_list_query(
    args: Mapping[str, str], known: Collection[str], *, lo: int, hi: int
) -> tuple[tuple[str, ...], dt.date | None]:
    """Parse ``lots=ID,ID,...`` (between ``lo`` and ``hi`` ids), ``as_of`` and ``lang``.

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("lang", "as_of", "lots"))
    _collect(problems, lambda: validate_lang(args.get("lang"), default="ja"), "ja")
    lots = _collect(problems, lambda: validate_lot_ids(args.get("lots"), known, lo=lo, hi=hi), ())
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if problems:
        raise InvalidInputError(problems)
    return lots, as_of


MAX_BANDS = 5
"""Most drive-time bands one isochrone request may ask for."""

MAX_BAND_MINUTES = 60.0
"""Longest band an isochrone request may ask for (an hour covers the whole study area)."""

DIRECTIONS = ("from", "to")


@dataclass(frozen=True)
class IsochroneQuery:
    """A parsed ``GET /api/isochrone`` request."""

    lon: float
    lat: float
    minutes: tuple[float, ...]
    profile: str
    direction: str = "from"


def parse_isochrone_query(args: Mapping[str, str]) -> IsochroneQuery:
    """Parse ``at=LON,LAT``, ``minutes=5,10,20`` (default 5,10,20), ``profile``, ``direction``.

    At most ``MAX_BANDS`` distinct bands of at most ``MAX_BAND_MINUTES`` each; a band given
    twice counts once.

    Raises
    ------
    InvalidInputError
        Listing every problem (missing or malformed point, bands out of range or too many,
        unknown profile or direction, unknown parameter).
    """
    problems = _reject_unknown(args, ("at", "minutes", "profile", "direction"))
    lon = lat = float("nan")
    at = args.get("at")
    if not at:
        problems.append(_("at=LON,LAT is required (e.g. at=136.648,36.578)"))
    else:
        parts = at.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            lon, lat = float(parts[0]), float(parts[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError
        except ValueError:
            problems.append(
                _(
                    "at must be two numbers LON,LAT (longitude -180 to 180, latitude -90 to 90);"
                    " got %(value)s",
                    value=shown(at),
                )
            )
    minutes: list[float] = []
    for raw in (args.get("minutes") or "5,10,20").split(","):
        try:
            value = float(raw)
        except ValueError:
            problems.append(_("minutes must be numbers; got %(value)s", value=shown(raw)))
            continue
        if not 0 < value <= MAX_BAND_MINUTES:
            problems.append(
                _(
                    "each band must be more than 0 and at most %(limit)s minutes; got %(value)s",
                    limit=format(MAX_BAND_MINUTES, "g"),
                    value=shown(raw),
                )
            )
        elif value not in minutes:
            minutes.append(value)
    if len(minutes) > MAX_BANDS:
        problems.append(
            _(
                "at most %(limit)s different bands per request; got %(count)s",
                limit=MAX_BANDS,
                count=len(minutes),
            )
        )
    profile = args.get("profile") or "normal"
    if profile not in SPEED_PROFILES:
        problems.append(
            _(
                "profile must be one of %(allowed)s; got %(value)s",
                allowed=", ".join(SPEED_PROFILES),
                value=shown(profile),
            )
        )
    direction = args.get("direction") or "from"
    if direction not in DIRECTIONS:
        problems.append(
            _("direction must be 'from' or 'to'; got %(value)s", value=shown(direction))
        )
    if problems:
        raise InvalidInputError(problems)
    return IsochroneQuery(lon, lat, tuple(minutes), profile, direction)
