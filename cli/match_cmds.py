"""Commands for matching firms to lots: match."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from parks.messages import N_

DEFAULT_LOG = Path(os.environ.get("SITING_DEMAND_LOG", "instance/demand_log.jsonl"))

WEIGHT_NAMES = {
    "access": N_("access"),
    "land_fit": N_("land fit"),
    "net_cost": N_("net cost"),
    "cluster": N_("neighbours"),
}
"""English msgids of the score components (``cli`` catalog)."""


class CliError(click.ClickException):
    """A command error shown with its heading in the chosen language."""

    def __init__(self, message: str, lang: str) -> None:
        super().__init__(message)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        """Print ``Error: message`` (``エラー: …`` in Japanese) to stderr."""
        from webapp.i18n import gettext_in

        heading = gettext_in(self.lang, "Error")
        click.echo(f"{heading}: {self.format_message()}", err=True, file=file)


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(match_cmd)


@click.command("match")
@click.argument("profile_path", metavar="PROFILE.json", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", default=None, help="Date of the lot statuses (default: today).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="en", show_default=True)
@click.option("--speed-profile", default="normal", show_default=True, help="normal or winter.")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"), show_default=True
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_LOG,
    show_default=True,
    help="Unmet-demand log (criteria only, never the firm's name).",
)
@click.option("--no-log", is_flag=True, help="Do not record this request in the demand log.")
def match_cmd(
    profile_path: Path,
    as_of: str | None,
    top: int,
    fmt: str,
    lang: str,
    speed_profile: str,
    data_dir: Path,
    log_path: Path,
    no_log: bool,
) -> None:
    """Rank the lots that fit the firm in PROFILE.json, with near misses and grants."""
    from parks.data import load_layers
    from parks.demand import demand_record, record_demand
    from parks.errors import SitingError
    from parks.lots import parse_date
    from parks.matching import match
    from parks.profile import load_profile
    from webapp.problems import show_problems

    try:
        profile = load_profile(profile_path)
        day = parse_date(as_of) if as_of else date.today()
        layers = load_layers(data_dir)
        result = match(layers, profile, as_of=day, top=top, speed_profile=speed_profile)
    except SitingError as exc:
        problems = [p.text for p in show_problems(exc, lang)]
        raise CliError("\n".join(f"- {p}" for p in problems), lang) from exc
    if not no_log:
        record_demand(
            log_path,
            demand_record(
                profile,
                as_of=day,
                matches=len(result.matches),
                near_misses=len(result.near_misses),
                near_miss_counts=result.near_miss_counts,
                speed_profile=speed_profile,
            ),
        )
    if fmt == "json":
        data = result.to_dict(_renderer(lang))
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_text(result, layers, lang))


def _renderer(lang: str) -> Any:
    from webapp.i18n import render_message

    return lambda message: render_message(message, lang)


def _names(layers: Any, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return park and destination names in ``lang`` by id."""
    from webapp.names import destination_ref, park_ref

    parks = {str(r["park_id"]): park_ref(r).in_lang(lang) or "" for _, r in layers.parks.iterrows()}
    dests = {
        str(r["id"]): destination_ref(r).in_lang(lang) or ""
        for _, r in layers.destinations.iterrows()
    }
    return parks, dests


def _yen(amount: int | None, lang: str) -> str:
    from webapp.layout import fmt_yen

    return fmt_yen(amount, lang) if amount is not None else "?"


def _lines(m: Any, lang: str, parks: dict[str, str], dests: dict[str, str]) -> list[str]:
    """Return the text lines of one candidate site: head, drive minutes, checks, grants."""
    from webapp.i18n import gettext_in, render_message
    from webapp.names import lot_no, name

    def label(lot_id: str) -> str:
        park = parks.get(lot_id.split("/")[0], lot_id.split("/")[0])
        return gettext_in(lang, "%(park)s, lot %(lot_no)s") % {
            "park": park,
            "lot_no": lot_no(lot_id),
        }

    lots = " + ".join(label(i) for i in m.lots)
    head = gettext_in(lang, "%(lots)s  %(area)s m²  score %(score)s") % {
        "lots": lots,
        "area": f"{m.area_m2:,.0f}",
        "score": f"{m.score:.3f}",
    }
    if len(m.lots) > 1:
        head += "  " + gettext_in(lang, "(site assembled from neighbouring lots)")
    minutes = [
        gettext_in(lang, "%(kind)s %(minutes)s min (%(destination)s)")
        % {
            "kind": name("destination_kind", kind, lang),
            "minutes": f"{value:.1f}",
            "destination": dests.get(str(m.destinations.get(kind)), ""),
        }
        for kind, value in m.drive_minutes.items()
        if value is not None
    ]
    out = [f"- {head}"]
    separator = "、" if lang == "ja" else "; "
    drive = separator.join(minutes) if minutes else gettext_in(lang, "drive times not computed")
    out.append(f"    {drive}")
    for check in m.checks:
        out.append(f"    {'✓' if check.ok else '✗'} {render_message(check.message, lang)}")
    g = m.grants or {}
    if g:
        out.append(
            "    "
            + gettext_in(
                lang,
                "Grants (cash, up to): Kanazawa City %(city)s, Ishikawa Prefecture "
                "%(prefecture)s; both together, if they may be combined: %(both)s",
            )
            % {
                "city": _yen(g.get("city_jpy"), lang),
                "prefecture": _yen(g.get("prefecture_jpy"), lang),
                "both": _yen(g.get("if_combinable_jpy"), lang),
            }
        )
    return out


def render_text(result: Any, layers: Any, lang: str) -> str:
    """Render a match result as readable text, every sentence in ``lang`` (``ja`` or ``en``)."""
    from webapp.i18n import gettext_in, render_message, render_value

    parks, dests = _names(layers, lang)
    weights = ("、" if lang == "ja" else ", ").join(
        f"{gettext_in(lang, WEIGHT_NAMES[k])} {v}" for k, v in result.weights.to_dict().items()
    )
    out = [
        gettext_in(lang, "Lot status as of %(date)s (score weights: %(weights)s)")
        % {"date": render_value(result.as_of, lang), "weights": weights},
        "",
    ]
    if result.matches:
        out.append(gettext_in(lang, "Lots that meet every condition"))
        for m in result.matches:
            out += _lines(m, lang, parks, dests)
    elif result.on_sale == 0:
        out.append(
            gettext_in(
                lang,
                "No lot is on sale on %(date)s (latest status record: %(record)s). "
                "Ask the Corporate Location Division about lots that may come free.",
            )
            % {
                "date": render_value(result.as_of, lang),
                "record": render_value(result.latest_record, lang) if result.latest_record else "?",
            }
        )
    else:
        out.append(
            gettext_in(lang, "No lot meets every condition on %(date)s.")
            % {"date": render_value(result.as_of, lang)}
        )
    for items, title in (
        (result.near_misses, gettext_in(lang, "Closest lots (one condition not met)")),
        (result.planned, gettext_in(lang, "Planned lots (not yet on sale)")),
    ):
        if items:
            out += ["", title]
            for m in items:
                out += _lines(m, lang, parks, dests)
    out.append("")
    out += [f"* {render_message(n, lang)}" for n in result.notes]
    return "\n".join(out)
