"""``siting grants`` and ``siting check-grants``: grant estimates on a lot, a park or any point."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from parks.messages import Message, Name

if TYPE_CHECKING:  # the rest is imported where used, so `siting --help` loads no domain code
    from parks.grants import GrantReport, GrantResult, Lang, Site
    from parks.grants.rules import Source

STATUS_MARKS = {"met": "+", "failed": "x", "unknown": "?"}


def _t(message: Message, lang: str) -> str:
    from webapp.i18n import render_message

    return render_message(message, lang)


def _eligibility(p: GrantResult) -> Message:
    if p.status == "expired":
        return Message("closed (applications ended)")
    if p.eligible is True:
        return Message("eligibility: yes")
    if p.eligible is False:
        return Message("eligibility: no")
    return Message("eligibility: unknown -- ask")


def _amount_line(p: GrantResult, lang: str) -> str:
    from parks.grants import yen

    if p.kind != "cash":
        return _t(
            Message("Benefit (not cash): %(benefit)s", {"benefit": p.formula_text(lang)}), lang
        )
    if p.eligible is False:
        return _t(Message("Amount: none"), lang)
    sure = yen(p.sure_jpy, lang)
    possible = yen(p.possible_jpy, lang)
    up_to = p.up_to
    if p.sure_jpy == p.possible_jpy:
        msg = (
            Message("Amount: %(sure)s (a maximum, 以内)", {"sure": sure})
            if up_to
            else Message("Amount: %(sure)s", {"sure": sure})
        )
    else:
        msg = Message(
            "Amount: %(sure)s sure; up to %(possible)s if the open questions are answered yes",
            {"sure": sure, "possible": possible},
        )
    if p.cap_jpy is not None:
        msg = Message("%(amount)s; cap %(cap)s", {"amount": msg, "cap": yen(p.cap_jpy, lang)})
    return _t(msg, lang)


def _site_name(site: Site) -> Message | Name:
    if site.lot_id is not None and site.park_id is not None and site.park_name is not None:
        return Message(
            "%(park)s, lot %(lot_no)s",
            {
                "park": site.park_name.name("park", site.park_id),
                "lot_no": site.lot_id.split("/", 1)[-1],
            },
        )
    if site.lot_id is not None:
        return Message("lot %(lot)s", {"lot": site.lot_id})
    if site.park_id is not None and site.point is None and site.park_name is not None:
        return site.park_name.name("park", site.park_id)
    if site.point is not None:
        return Message(
            "the point %(lon)s, %(lat)s",
            {"lon": format(site.point[0], ".5f"), "lat": format(site.point[1], ".5f")},
        )
    return Message("the site")


def report_text(report: GrantReport, *, lang: Lang = "en") -> str:
    """Render a grant report as a readable explanation in Japanese or English."""
    from webapp.i18n import render_message

    lines = [
        _t(
            Message(
                "Grant estimate for %(site)s as of %(date)s",
                {"site": _site_name(report.site), "date": report.as_of},
            ),
            lang,
        ),
        "",
    ]
    for p in report.programmes:
        head = Message(
            "%(programme)s [%(issuer)s] -- %(eligibility)s",
            {
                "programme": p.rule.programme_name(),
                "issuer": _issuer(p.issuer),
                "eligibility": _eligibility(p),
            },
        )
        lines.append("■ " + _t(head, lang))
        lines.append("  " + _amount_line(p, lang))
        if p.kind == "cash" and p.formula is not None:
            lines.append("  " + _t(Message("Formula: %(formula)s", {"formula": p.formula}), lang))
        for r in p.reasons:
            tier = "" if r.cite is None else f" [{_tier(r.cite.source.tier, lang)}]"
            lines.append(
                f"   {STATUS_MARKS[r.status]} {r.to_dict(lang, render_message)['text']}{tier}"
            )
        for c in p.rule.caveats:
            lines.append(f"   ! {c.in_lang(lang)}")
        for s in p.steps:
            lines.append("   > " + s.to_dict(lang, render_message)["text"])
        sources = ", ".join(
            f"{s.url or s.title.in_lang(lang)} ({_date(s, lang)}; {_tier(s.tier, lang)})"
            for s in p.rule.sources
        )
        lines.append("  " + _t(Message("Sources: %(sources)s", {"sources": sources}), lang))
        lines.append("")
    lines += _totals_lines(report, lang)
    return "\n".join(lines)


def _issuer(issuer: str) -> Name:
    from parks.grants import load_rules

    return load_rules().label("issuer", issuer)


def _date(source: Source, lang: str) -> str:
    if source.date_note is not None:
        return source.date_note.in_lang(lang)
    if source.date == "unknown":
        return _t(Message("date unknown"), lang)
    return source.date


def _tier(tier: str, lang: str) -> str:
    from parks.grants import load_rules

    label = load_rules().vocabulary.get("tier", {}).get(tier)
    return tier if label is None else label.in_lang(lang)


def _totals_lines(report: GrantReport, lang: str) -> list[str]:
    from parks.grants import load_rules, yen
    from webapp.i18n import render_message

    totals = report.totals()
    lines = [_t(Message("Totals (cash grants)"), lang)]
    for issuer in ("city", "prefecture"):
        t = totals[issuer]
        lines.append(
            "  "
            + _t(
                Message(
                    "%(issuer)s: sure %(sure)s; possible %(possible)s",
                    {
                        "issuer": _issuer(issuer),
                        "sure": yen(t["sure_jpy"], lang),
                        "possible": yen(t["possible_jpy"], lang),
                    },
                ),
                lang,
            )
        )
        unknown = t["amount_unknown"] + [
            i for i in t["possible_unknown"] if i not in t["amount_unknown"]
        ]
        if unknown:
            names = [report.programme(i).rule.programme_name() for i in unknown]
            lines.append(
                "    "
                + _t(Message("plus amounts not published: %(names)s", {"names": names}), lang)
            )
    combined = totals["if_combinable"]
    label = combined["label_ja"] if lang == "ja" else combined["label"]
    lines.append(
        "  "
        + _t(
            Message(
                "%(label)s: sure %(sure)s; possible %(possible)s",
                {
                    "label": label,
                    "sure": yen(combined["sure_jpy"], lang),
                    "possible": yen(combined["possible_jpy"], lang),
                },
            ),
            lang,
        )
    )
    non_cash = [report.programme(i).rule.programme_name() for i in totals["non_cash_benefits"]]
    if non_cash:
        lines.append(
            "  "
            + _t(
                Message(
                    "Tax relief and other benefits (not in the totals): %(names)s",
                    {"names": non_cash},
                ),
                lang,
            )
        )
    net = report.net_land_cost(render_message)
    lines.append("")
    if not net["known"]:
        reason = net["reason_ja"] if lang == "ja" else net["reason"]
        lines.append(_t(Message("Net land cost: unknown -- %(reason)s", {"reason": reason}), lang))
    else:
        lines.append(
            _t(
                Message(
                    "Net land cost: %(land)s land minus city land grants %(grant)s = %(net)s "
                    "(%(per_m2)s yen/m²)",
                    {
                        "land": yen(net["land_cost_jpy"], lang),
                        "grant": yen(net["land_grants_jpy"]["city"], lang),
                        "net": yen(net["city_only"]["net_jpy"], lang),
                        "per_m2": net["city_only"]["effective_per_m2"],
                    },
                ),
                lang,
            )
        )
    steps = report.steps
    if steps:
        lines.append("")
        lines.append(_t(Message("Steps and deadlines"), lang))
        for s in steps:
            data = s.to_dict(lang, render_message)
            lines.append(f"  - {data['programme']}: {data['text']}")
    contacts = load_rules().contacts.values()
    lines.append("")
    lines.append(
        _t(
            Message(
                "Amounts marked as maxima (以内) may be granted lower. Confirm every figure "
                "with %(offices)s before relying on it.",
                {
                    "offices": [
                        Name(
                            "contact",
                            c.key,
                            ja=f"{c.name.ja} ({c.phone})",
                            en=f"{c.name.en} ({c.phone})",
                        )
                        for c in contacts
                    ]
                },
            ),
            lang,
        )
    )
    return lines


def _parse_at(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    parts = value.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        msg = f"--at must be two numbers LON,LAT in degrees (e.g. 136.6485,36.5780); got {value!r}"
        raise click.BadParameter(msg) from None


@click.command("grants")
@click.argument("profile_path", metavar="PROFILE.json", type=click.Path(path_type=Path))
@click.option("--lot", "lot_id", help="Lot id, e.g. morimoto-ic/9.")
@click.option("--park", "park_id", help="Park id, e.g. inaho.")
@click.option("--at", "at", metavar="LON,LAT", help="Any point in Kanazawa, e.g. 136.6485,36.5780.")
@click.option("--as-of", "as_of", help="Date the rules are read at (YYYY-MM-DD; default today).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="en", show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Data directory (kanazawa.gpkg).",
)
def grants_command(
    profile_path: Path,
    lot_id: str | None,
    park_id: str | None,
    at: str | None,
    as_of: str | None,
    fmt: str,
    lang: Lang,
    data_dir: Path,
) -> None:
    """Estimate the location grants a firm (PROFILE.json) would get on a lot, a park or a point.

    Every condition says met, failed or unknown (with the source's words and whom to ask
    where the city decides); every amount and reason carries its source and tier.
    """
    from parks.data import load_layers
    from parks.errors import SitingError
    from parks.grants import evaluate, load_rules, site_for_lot, site_for_park, site_for_point
    from parks.profile import load_profile
    from webapp.i18n import render_message

    given = [v for v in (lot_id, park_id, at) if v is not None]
    if len(given) != 1 or any(v == "" for v in given):
        msg = "give exactly one of --lot LOT_ID, --park PARK_ID or --at LON,LAT (not empty)"
        raise click.UsageError(msg)
    point = _parse_at(at)
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        msg = f"--as-of must be a date YYYY-MM-DD, got {as_of!r}"
        raise click.BadParameter(msg) from None
    try:
        profile = load_profile(profile_path)
        rules = load_rules()
        layers = load_layers(data_dir)
        if point is not None:
            site = site_for_point(layers, *point)
        elif lot_id:
            site = site_for_lot(layers, lot_id)
        else:
            site = site_for_park(layers, str(park_id))
    except SitingError as exc:
        problems = getattr(exc, "problems", [str(exc)])
        raise click.ClickException("\n  ".join(["invalid input:", *problems])) from exc
    report = evaluate(profile, site, as_of=day, rules=rules)
    if fmt == "json":
        data = report.to_dict(lang, render_message)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report, lang=lang))


@click.command("check-grants")
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(path_type=Path),
    default=Path("data/facts/grants.yaml"),
    show_default=True,
    help="The research record to compare the rule files with.",
)
def check_grants_command(facts_path: Path) -> None:
    """Check the grant rule files (parks/grants/rules) against their schema and the facts.

    The rule files are the runtime truth; the facts file (shared/data/facts/grants.yaml,
    copied to data/facts/) is the research record. This lists every programme of the facts
    without a rule file (and not excluded) and every published figure that differs.
    """
    from parks.errors import SitingError
    from parks.grants import load_rules
    from parks.grants.check import check_against_facts

    try:
        rules = load_rules()
        problems = check_against_facts(rules, facts_path)
    except SitingError as exc:
        problems = getattr(exc, "problems", [str(exc)])
        raise click.ClickException("\n  ".join(["grant rules are invalid:", *problems])) from exc
    if problems:
        raise click.ClickException("\n  ".join(["rule files and facts differ:", *problems]))
    click.echo(
        f"{len(rules.programmes)} programme rule files valid and consistent with {facts_path}"
    )


def register(group: click.Group) -> None:
    """Add the grant commands to the ``siting`` group."""
    group.add_command(grants_command)
    group.add_command(check_grants_command)
