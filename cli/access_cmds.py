"""Commands for access: build-access (drive minutes, routes, isochrones) and isochrone."""

from __future__ import annotations

import time
from pathlib import Path

import click

DEFAULT_DATA = Path("data")


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(build_access_cmd)
    group.add_command(isochrone_cmd)


def _numbers(text: str, what: str, *, count: int | None = None) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        msg = f"{what} must be comma-separated numbers, got {text!r}"
        raise click.BadParameter(msg) from exc
    if count is not None and len(values) != count:
        msg = f"{what} needs {count} comma-separated numbers, got {text!r}"
        raise click.BadParameter(msg)
    return values


@click.command("build-access")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
@click.option(
    "--profiles",
    default="normal,winter",
    show_default=True,
    help="Comma-separated speed profiles to compute.",
)
@click.option(
    "--speeds",
    "speeds_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="YAML speed table to use instead of parks/speed_profiles.yaml (same layout).",
)
def build_access_cmd(data_dir: Path, profiles: str, speeds_file: Path | None) -> None:
    """Write lot_access, routes and isochrones into DIR/kanazawa.gpkg (all or nothing)."""
    from geo.io import write_layers_atomic
    from parks.access import access_network, build_access, load_speed_profiles
    from parks.data import gpkg_path, load_layers
    from parks.errors import SitingError

    names = [p.strip() for p in profiles.split(",") if p.strip()]
    started = time.perf_counter()
    try:
        layers = load_layers(data_dir)
        speeds = load_speed_profiles(speeds_file) if speeds_file else None
        report = access_network(layers, speed_profiles=speeds).network.report
        click.echo(f"… road network: {report.summary()}", err=True)
        frames = build_access(layers, profiles=names, speed_profiles=speeds)
        write_layers_atomic(gpkg_path(data_dir), frames, keep_existing=True)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in frames.items())
    click.echo(
        f"wrote {counts} to {gpkg_path(data_dir)} in {time.perf_counter() - started:.1f} s "
        "(drive times use ASSUMED speeds; see parks/speed_profiles.yaml)"
    )


@click.command("isochrone")
@click.option("--at", "at", required=True, help="LON,LAT of the start point (EPSG:4326).")
@click.option("--minutes", default="5,10,20", show_default=True, help="Comma-separated bands.")
@click.option("--profile", default="normal", show_default=True)
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write GeoJSON here instead of standard output.",
)
def isochrone_cmd(
    at: str, minutes: str, profile: str, data_dir: Path, out_file: Path | None
) -> None:
    """Print (or write) the areas reachable from a point within each band, as GeoJSON."""
    from parks.access import isochrone
    from parks.data import load_layers
    from parks.errors import SitingError

    lon, lat = _numbers(at, "--at", count=2)
    bands = _numbers(minutes, "--minutes")
    try:
        frame = isochrone(load_layers(data_dir), lon, lat, bands, profile=profile)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    text = frame.to_json(drop_id=True)
    if out_file is None:
        click.echo(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(frame)} band(s) to {out_file}", err=True)
