"""A grant report as pages show it: one line per programme, totals, plain caveats, and only
official sources (the city, the prefecture, the laws) with their original addresses.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask_babel import gettext as _

from webapp.i18n import render_message
from webapp.layout import fmt_yen
from webapp.lot_facts import SourceRef, is_official
from webapp.names import name

MIRROR_SUFFIX = ".cache.yimg.jp"
"""Search-engine cache hosts that spell the original host with dashes."""


def original_url(url: str) -> str:
    """Return the address a proxied or cached copy stands for (``url`` itself otherwise).

    Examples
    --------
    >>> original_url("http://x.sakura.ne.jp/p.php?url=http%3A%2F%2Fwww.pref.ishikawa.lg.jp%2Fa.html")
    'http://www.pref.ishikawa.lg.jp/a.html'
    >>> original_url("https://www-pref-ishikawa-lg-jp.cache.yimg.jp/chiji/1.html")
    'https://www.pref.ishikawa.lg.jp/chiji/1.html'
    """
    parts = urlsplit(url)
    wrapped = parse_qs(parts.query).get("url")
    if wrapped and wrapped[0].startswith(("http://", "https://")):
        return unquote(wrapped[0])
    host = parts.hostname or ""
    if host.endswith(MIRROR_SUFFIX):
        real = host[: -len(MIRROR_SUFFIX)].replace("-", ".")
        return parts._replace(netloc=real).geturl()
    return url


def programme_sources(sources: list[dict[str, Any]]) -> list[SourceRef]:
    """Return a programme's sources as links to their original addresses, official first.

    A source without an address (a printed document) keeps its title; a cached or proxied
    copy is shown as the original it stands for.
    """
    refs: list[SourceRef] = []
    seen: set[str] = set()
    for source in sources:
        raw = source.get("url")
        title = str(source.get("title") or "")
        if not raw:
            if title and title not in seen:
                seen.add(title)
                refs.append(SourceRef(label=title))
            continue
        url = original_url(str(raw))
        if url in seen:
            continue
        seen.add(url)
        host = urlsplit(url).hostname or url
        refs.append(SourceRef(label=host, url=url, official=is_official(url)))
    return sorted(refs, key=lambda r: not r.official)


def _eligible_label(eligible: bool | None) -> str:
    if eligible is True:
        return _("Eligible")
    if eligible is False:
        return _("Not eligible")
    return _("Not yet known")


def _amount_text(programme: dict[str, Any], lang: str) -> str:
    kind = programme.get("kind")
    if kind == "tax":
        return _("Tax relief (not cash)")
    if kind == "loan":
        return _("Loan (not a grant)")
    if kind != "cash":
        return _("Not cash (a certification)")
    if programme["eligible"] is False:
        return "—"
    if programme["eligible"] is None:
        possible = programme.get("possible_jpy")
        if possible is None:
            return _("Amount not known")
        return _("%(amount)s if eligible", amount=fmt_yen(possible, lang))
    amount = programme.get("sure_jpy", programme.get("amount_jpy"))
    if amount is None:
        return _("Amount not known")
    text = fmt_yen(amount, lang)
    return _("up to %(amount)s", amount=text) if programme.get("up_to") else text


def grant_table(report: Any, lang: str) -> dict[str, Any]:
    """Return a grant report as rows, totals and caveats in ``lang``.

    Parameters
    ----------
    report
        A :class:`parks.grants.GrantReport`.
    lang
        Page language.
    """
    data = report.to_dict(lang, render_message)
    order = {True: 0, None: 1, False: 2}
    rows = []
    caveats: list[dict[str, str]] = []
    for p in sorted(
        data["programmes"], key=lambda p: (p.get("kind") != "cash", order[p["eligible"]])
    ):
        cap = p.get("cap_jpy")
        rows.append(
            {
                "id": p["id"],
                "name": p["name"],
                "issuer": name("issuer", p["issuer"], lang),
                "is_cash": p.get("kind") == "cash",
                "eligible": p["eligible"],
                "eligible_label": _eligible_label(p["eligible"]),
                "amount": _amount_text(p, lang),
                "cap": fmt_yen(cap, lang) if cap is not None and p.get("kind") == "cash" else "—",
                "sources": programme_sources(p.get("sources", [])),
            }
        )
        if p["eligible"] is not False:
            caveats += [
                {"programme": p["name"], "text": c}
                for c in p.get("caveats", [])
                if c and not any(c == seen["text"] for seen in caveats)
            ]
    totals = data["totals"]
    issuers = []
    for issuer in ("city", "prefecture", "national"):
        block = totals.get(issuer)
        if not block or (issuer == "national" and not block.get("counted")):
            continue
        cash = fmt_yen(block["cash_jpy"], lang)
        issuers.append(
            {
                "issuer": issuer,
                "label": name("issuer", issuer, lang),
                "cash": _("up to %(amount)s", amount=cash) if block.get("up_to") else cash,
                "more_unknown": bool(
                    block.get("amount_unknown") or block.get("eligibility_unknown")
                ),
            }
        )
    combinable = totals["if_combinable"]
    combined = fmt_yen(combinable["cash_jpy"], lang)
    return {
        "rows": rows,
        "issuers": issuers,
        "combined": _("up to %(amount)s", amount=combined) if combinable.get("up_to") else combined,
        "caveats": caveats,
        "official_sources": [
            SourceRef(label=f"{r['name']} ({s.label})", url=s.url, official=True)
            for r in rows
            if r["eligible"] is not False
            for s in r["sources"]
            if s.official
        ],
    }
