"""Commands for the embedded dataset: build-data, layers (serve is in cli/serve_cmds.py)."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DATA = Path("data")


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(build_data)
    group.add_command(check_data)
    group.add_command(layers_cmd)


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


@click.command("build-data")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/raw"),
    show_default=True,
    help="Folder of raw public sources.",
)
@click.option(
    "--facts",
    "facts_dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/facts"),
    show_default=True,
    help="Folder of fact YAML files.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Output data folder.",
)
def build_data(raw_dir: Path, facts_dir: Path, out_dir: Path) -> None:
    """Build data/kanazawa.gpkg from the raw sources (all or nothing)."""
    from parks.build import build_dataset
    from parks.errors import SitingError

    try:
        path = build_dataset(raw_dir, facts_dir, out_dir, progress=_progress)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


@click.command("check-data")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/raw"),
    show_default=True,
    help="Raw sources to check against (without them: the embedded reference layers only).",
)
@click.option(
    "--no-access", is_flag=True, help="Skip the drive-time check (builds the road graph)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check_data(data_dir: Path, raw_dir: Path, no_access: bool, fmt: str) -> None:
    """Check the dataset against independent layers and every dated report; exit 1 on a failure.

    Prints each check with its figure: share of each outline outside the city, metres of
    expressway and ramp in each outline, metres of public road inside each park's lots,
    distance from each park's census small-area centroids and town points to its outline,
    every reported sales figure against the value the history rebuilds, and the drive time
    from Komatsu Airport to 小松IC.
    """
    import json

    from parks.build.checks import (
        dated_reports,
        references_from_data,
        references_from_raw,
        run_checks,
    )
    from parks.data import load_layers
    from parks.errors import SitingError

    try:
        layers = load_layers(data_dir)
        raw_ok = (Path(raw_dir) / "osm-openmaptiles-jp1710").exists()
        refs = references_from_raw(raw_dir) if raw_ok else references_from_data(layers)
        checks = run_checks(layers, refs, dated_reports(data_dir), with_access=not no_access)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    failed = [c for c in checks if not c.ok]
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=1))
    else:
        if not raw_ok:
            click.echo(f"(no raw sources at {raw_dir}: checking against the embedded layers)")
        click.echo(_check_table(checks))
        click.echo(f"\n{len(checks) - len(failed)} of {len(checks)} checks pass")
    if failed:
        raise SystemExit(1)


def _check_table(checks: list) -> str:  # type: ignore[type-arg]
    """Render checks as a Markdown table (what the README shows)."""
    lines = [
        "| check | park | subject | value | limit | ok |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks:
        value = "" if c.value is None else f"{c.value:g} {c.unit}"
        lines.append(
            f"| {c.check} | {c.park_id} | {c.subject} | {value} | {c.limit} | "
            f"{'yes' if c.ok else 'NO'} |"
        )
    return "\n".join(lines)


@click.command("layers")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
def layers_cmd(data_dir: Path) -> None:
    """Print a summary of every layer: features, CRS, bounds, provenance counts."""
    from parks.errors import SitingError
    from parks.inventory import layer_summary

    try:
        rows = layer_summary(data_dir)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    header = f"{'layer':<14}{'features':>9}  {'crs':<10}{'bounds':<44}{'with source':>12}{'illustr./approx.':>18}"
    click.echo(header)
    click.echo("-" * len(header))
    for r in rows:
        bounds = "" if r["bounds"] is None else "{:.3f},{:.3f},{:.3f},{:.3f}".format(*r["bounds"])
        click.echo(
            f"{r['layer']:<14}{r['features']:>9}  {r['crs'] or '-':<10}{bounds:<44}"
            f"{r['with_source']:>12}{r['flagged']:>18}"
        )
