"""``siting grants`` and ``siting build-grants``: grant estimates for a firm on a lot or park."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # imported where used, so `siting --help` does not load the domain
    from parks.grants import GrantReport, GrantResult, Lang

ELIGIBLE_WORDS = {
    "en": {True: "eligible", False: "not eligible", None: "eligibility unknown"},
    "ja": {True: "対象", False: "対象外", None: "対象か不明"},
}
STATUS_MARKS = {"met": "+", "failed": "x", "unknown": "?"}
ISSUER_WORDS = {
    "en": {"city": "Kanazawa City", "prefecture": "Ishikawa Prefecture", "national": "National"},
    "ja": {"city": "金沢市", "prefecture": "石川県", "national": "国"},
}


def _amount_line(p: GrantResult, lang: Lang) -> str:
    from parks.grants import yen

    if p.kind != "cash":
        return "benefit (not cash): " if lang == "en" else "優遇措置(現金ではない): "
    if p.amount_jpy is None:
        return "amount: unknown" if lang == "en" else "金額: 不明"
    up = (" (up to)" if lang == "en" else " 以内") if p.up_to else ""
    cap = ""
    if p.cap_jpy is not None:
        cap = f", cap {yen(p.cap_jpy)}" if lang == "en" else f"、上限 {yen(p.cap_jpy, 'ja')}"
    word = "amount" if lang == "en" else "金額"
    return f"{word}: {yen(p.amount_jpy, lang)}{up}{cap}"


def report_text(report: GrantReport, *, lang: Lang = "en") -> str:
    """Render a grant report as a readable explanation in Japanese or English."""
    from parks.grants import yen

    en = lang == "en"
    site = report.site
    where = site.lot_id or site.park_id or "site"
    lines = [
        (
            f"Grant estimate for {where} as of {report.as_of.isoformat()}"
            if en
            else f"{where} の助成金試算({report.as_of.isoformat()} 時点)"
        ),
        "",
    ]
    for p in report.programmes:
        name = p.name_en if en else p.name_ja
        issuer = ISSUER_WORDS[lang].get(p.issuer, p.issuer)
        status = ELIGIBLE_WORDS[lang][p.eligible]
        if p.status == "expired":
            status = "expired" if en else "期間終了"
        lines.append(f"■ {name} [{issuer}] — {status}")
        amount = _amount_line(p, lang)
        if p.kind == "cash":
            lines.append(f"  {amount}")
            lines.append(f"  {'formula' if en else '計算'}: {p.formula_en if en else p.formula_ja}")
        else:
            lines.append(f"  {amount}{p.formula_en if en else p.formula_ja}")
        for r in p.reasons:
            lines.append(f"   {STATUS_MARKS[r.status]} {r.en if en else r.ja}")
        for c in p.caveats:
            lines.append(f"   ! {c.get(lang, c.get('en', ''))}")
        sources = ", ".join(f"{s['url']} ({s['source_date']})" for s in p.sources)
        lines.append(f"  {'sources' if en else '出典'}: {sources or ('none' if en else 'なし')}")
        lines.append("")
    totals = report.totals()
    lines.append(
        "Totals (cash grants; eligible with known amounts only)"
        if en
        else "合計(現金の助成。対象かつ金額が分かるもののみ)"
    )
    for issuer in ("city", "prefecture"):
        t = totals[issuer]
        up = (" (up to)" if en else " 以内") if t["up_to"] else ""
        lines.append(f"  {ISSUER_WORDS[lang][issuer]}: {yen(t['cash_jpy'], lang)}{up}")
        if t["amount_unknown"]:
            label = "plus amounts unknown" if en else "他に金額不明"
            lines.append(f"    {label}: {', '.join(t['amount_unknown'])}")
        if t["eligibility_unknown"]:
            label = "eligibility unknown" if en else "対象か不明"
            ids = ", ".join(e["id"] for e in t["eligibility_unknown"])
            lines.append(f"    {label}: {ids}")
    comb = totals["if_combinable"]
    label = comb["label"] if en else comb["label_ja"]
    lines.append(f"  {label}: {yen(comb['cash_jpy'], lang)}")
    if totals["non_cash_benefits"]:
        label = (
            "Tax relief and other benefits (not in the totals)"
            if en
            else "税制優遇等(合計に含まない)"
        )
        lines.append(f"  {label}: {', '.join(totals['non_cash_benefits'])}")
    net = report.net_land_cost()
    lines.append("")
    if not net["known"]:
        word = "Net land cost: unknown — " if en else "正味土地代: 不明 — "
        lines.append(word + (net["reason"] if en else net["reason_ja"]))
    else:
        lines.append(
            (
                f"Net land cost: {yen(net['land_cost_jpy'])} land − city land grants "
                f"{yen(net['land_grants_jpy']['city'])} = {yen(net['city_only']['net_jpy'])} "
                f"({net['city_only']['effective_per_m2']:,} ¥/m²); {comb['label']}: "
                f"{yen(net['if_combinable']['net_jpy'])} "
                f"({net['if_combinable']['effective_per_m2']:,} ¥/m²)"
            )
            if en
            else (
                f"正味土地代: 土地代 {yen(net['land_cost_jpy'], 'ja')} − 市の土地分助成 "
                f"{yen(net['land_grants_jpy']['city'], 'ja')} = "
                f"{yen(net['city_only']['net_jpy'], 'ja')}"
                f"({net['city_only']['effective_per_m2']:,} 円/m²)。県と併給できる場合: "
                f"{yen(net['if_combinable']['net_jpy'], 'ja')}"
            )
        )
    lines.append("")
    lines.append(
        "Rates marked 'up to' are maxima (以内): the city may grant less. Verify every figure "
        "with the city's Corporate Location Division (076-220-2225) and the prefecture "
        "(076-225-1517) before relying on it."
        if en
        else "「以内」は上限であり、これより少ない額となることがあります。金沢市 企業立地課 "
        "(076-220-2225) 及び石川県 産業立地課 (076-225-1517) に必ず確認してください。"
    )
    return "\n".join(lines)


@click.command("grants")
@click.argument("profile_path", metavar="PROFILE.json", type=click.Path(path_type=Path))
@click.option("--lot", "lot_id", help="Lot id, e.g. morimoto-ic/9.")
@click.option("--park", "park_id", help="Park id, e.g. inaho.")
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
    help="Data directory (kanazawa.gpkg, grant_rules.yaml).",
)
def grants_command(
    profile_path: Path,
    lot_id: str | None,
    park_id: str | None,
    as_of: str | None,
    fmt: str,
    lang: Lang,
    data_dir: Path,
) -> None:
    """Estimate the location grants a firm (PROFILE.json) would get on a lot or in a park."""
    from parks.data import load_layers
    from parks.errors import SitingError
    from parks.grant_rules import load_rules
    from parks.grants import evaluate, site_for_lot, site_for_park
    from parks.profile import load_profile

    if (lot_id is None) == (park_id is None):
        msg = "give exactly one of --lot LOT_ID or --park PARK_ID"
        raise click.UsageError(msg)
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        msg = f"--as-of must be a date YYYY-MM-DD, got {as_of!r}"
        raise click.BadParameter(msg) from None
    try:
        profile = load_profile(profile_path)
        rules = load_rules(data_dir)
        layers = load_layers(data_dir)
        site = site_for_lot(layers, lot_id) if lot_id else site_for_park(layers, str(park_id))
    except SitingError as exc:
        problems = getattr(exc, "problems", [str(exc)])
        raise click.ClickException("\n  ".join(["invalid input:", *problems])) from exc
    report = evaluate(profile, site, as_of=day, rules=rules)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report, lang=lang))


@click.command("build-grants")
@click.option(
    "--facts",
    "facts_dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/facts"),
    show_default=True,
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("data"), show_default=True
)
def build_grants_command(facts_dir: Path, out_dir: Path) -> None:
    """Convert the grant facts (grants.yaml) into data/grant_rules.yaml."""
    from parks.errors import SitingError
    from parks.grant_rules import build_rules, write_rules

    try:
        doc = build_rules(facts_dir)
        path = write_rules(doc, out_dir)
    except SitingError as exc:
        problems = getattr(exc, "problems", [str(exc)])
        raise click.ClickException("\n  ".join(["cannot build grant rules:", *problems])) from exc
    click.echo(f"wrote {path} ({len(doc['programmes'])} programmes)")


def register(group: click.Group) -> None:
    """Add the grant commands to the ``siting`` group."""
    group.add_command(grants_command)
    group.add_command(build_grants_command)
