"""``siting demand``: what firms searched for and nobody could serve."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

DEFAULT_LOG = Path(os.environ.get("SITING_DEMAND_LOG", "instance/demand_log.jsonl"))


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(demand_cmd)


def render_text(summary: dict[str, Any]) -> str:
    """Render a demand summary as a short report."""
    lines = [
        f"searches: {summary['searches']} (one per distinct search; past-date searches "
        f"apart: {summary['past_date_searches']})",
        f"unmet (no lot met every constraint): {summary['unmet']}",
    ]
    for title, key in (
        ("unmet by failed constraint (a lot failed only this one)", "unmet_by_failed_constraint"),
        ("unmet by industry", "unmet_by_industry"),
        ("unmet by minimum area", "unmet_by_min_area"),
    ):
        lines += ["", title]
        lines += [f"  {name:<40}{count:>6}" for name, count in summary[key].items()] or ["  -"]
    return "\n".join(lines)


@click.command("demand")
@click.option(
    "--log", "log_path", type=click.Path(path_type=Path), default=DEFAULT_LOG, show_default=True
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def demand_cmd(log_path: Path, fmt: str) -> None:
    """Summarise the demand log: distinct searches, unmet ones, and why they failed."""
    from parks.demand import demand_summary, read_demand

    summary = demand_summary(read_demand(log_path), read_demand(log_path, past=True))
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(summary))
