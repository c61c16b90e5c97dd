"""Languages: negotiation, catalogs complete and consistent, domain messages rendered."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from werkzeug.datastructures import LanguageAccept

from parks.messages import Message, Name
from webapp import catalogs
from webapp.i18n import (
    DOMAINS,
    LANG_COOKIE,
    NAMES,
    compile_catalogs,
    current_lang,
    negotiate_lang,
    render_message,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")


def _accept(*pairs: tuple[str, float]) -> LanguageAccept:
    return LanguageAccept(list(pairs))


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "ja", _accept(("ja", 1)), "en"),  # the explicit switch wins
        (None, "en", _accept(("ja", 1)), "en"),  # then the remembered choice
        (None, None, _accept(("en-US", 1), ("ja", 0.5)), "en"),  # then the browser
        (None, None, _accept(("ja-JP", 1), ("en", 0.8)), "ja"),
        (None, None, _accept(("fr", 1)), "ja"),  # then the default
        ("xx", "<script>", _accept(), "ja"),  # junk is ignored, never echoed
    ],
)
def test_negotiate_lang_order(query, cookie, accept, expected) -> None:
    assert negotiate_lang(query, cookie, accept, "ja") == expected


def test_request_language_follows_accept_language(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert current_lang() == "en"
    with app.test_request_context("/", headers={"Accept-Language": "ja,en;q=0.5"}):
        assert current_lang() == "ja"


def test_explicit_choice_is_remembered_in_a_cookie(client) -> None:
    response = client.get("/?lang=en")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith(f"{LANG_COOKIE}=en")
    assert "HttpOnly" in cookie
    assert "Accept-Language" in response.headers["Vary"]


def test_message_rendered_in_each_language() -> None:
    assert render_message(Message("yes"), "ja") == "はい"
    assert render_message(Message("yes"), "en") == "yes"


def test_names_never_fall_back_to_ids_when_a_name_is_known() -> None:
    park = Name("park", "inaho", ja="いなほ工業団地", en="Inaho Industrial Park")
    msg = Message("%(park)s", {"park": park})
    assert render_message(msg, "ja") == "いなほ工業団地"
    assert render_message(msg, "en") == "Inaho Industrial Park"
    NAMES[("test-kind", "x-1")] = "yes"
    try:
        assert render_message(Message("%(n)s", {"n": Name("test-kind", "x-1")}), "ja") == "はい"
    finally:
        del NAMES[("test-kind", "x-1")]


def test_parameters_render_per_language() -> None:
    msg = Message("%(n)s on %(d)s: %(items)s", {"n": 12345, "d": date(2021, 4, 1), "items": [1, 2]})
    assert render_message(msg, "en") == "12,345 on April 1, 2021: 1, 2"
    assert render_message(msg, "ja").startswith("12,345 on 2021年4月1日: 1、2")


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_marked_string_has_a_japanese_translation(domain: str) -> None:
    """Each msgid the code marks is in the Japanese catalog with a non-empty translation."""
    template = catalogs.extract(domain)
    catalog = catalogs.read_catalog("ja", domain)
    missing = [
        m.id for m in template if m.id and not (catalog.get(m.id) and catalog.get(m.id).string)
    ]
    assert missing == [], f"untranslated in {domain}.po (run `make catalogs`): {missing[:20]}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_the_placeholders(domain: str) -> None:
    """A translation that drops or renames a %(name)s placeholder would fail at run time."""
    bad = []
    for message in catalogs.read_catalog("ja", domain):
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr)):
            bad.append(msgid)
    assert bad == []


def test_files_belong_to_one_domain() -> None:
    assert catalogs.domain_of("parks/grants/evaluate.py") == "parks"
    assert catalogs.domain_of("webapp/staff.py") == "staff"
    assert catalogs.domain_of("webapp/templates/staff/leads.html") == "staff"
    assert catalogs.domain_of("cli/main.py") == "cli"


def test_compile_catalogs_writes_mo_only_when_stale(tmp_path: Path) -> None:
    po = tmp_path / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "yes"\nmsgstr "はい"\n',
        encoding="utf-8",
    )
    assert compile_catalogs(tmp_path) == [po.with_suffix(".mo")]
    assert compile_catalogs(tmp_path) == []


def test_map_files_have_their_own_domain() -> None:
    assert catalogs.domain_of("webapp/maps.py") == "map"
    assert catalogs.domain_of("webapp/templates/public/map.html") == "map"
    assert catalogs.domain_of("webapp/templates/public/search.html") == "messages"
