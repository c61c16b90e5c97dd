"""Commands for the embedded dataset: build-data, layers, import-lots."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DATA = Path("data")


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(build_data)
    group.add_command(layers_cmd)
    group.add_command(import_lots)


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


@click.command("import-lots")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
@click.option("--layer", default=None, help="Layer name inside FILE (default: the first).")
@click.option(
    "--source",
    "source_label",
    default=None,
    help="Provenance for rows without a 'source' value (e.g. the city's file name and date).",
)
@click.option("--apply", "apply_", is_flag=True, help="Write the change (default: dry run).")
def import_lots(
    file: Path, data_dir: Path, layer: str | None, source_label: str | None, apply_: bool
) -> None:
    """Validate an official lot layer (GeoPackage, GeoJSON or zipped Shapefile) and replace the lots.

    Everything is checked first; any problem rejects the whole file. Without --apply only the
    diff is printed.
    """
    from parks.errors import SitingError
    from parks.lot_import import apply_lot_import, prepare_lot_import

    try:
        plan = prepare_lot_import(file, data_dir, layer=layer, source=source_label)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(plan.diff_text())
    if not apply_:
        click.echo("dry run: nothing written (add --apply to write)")
        return
    try:
        apply_lot_import(plan, data_dir)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"applied: {len(plan.lots)} lots written to {data_dir}")
    _refresh_access(data_dir)


def _refresh_access(data_dir: Path) -> None:
    """Recompute drive times and routes for the new lots (they would be stale otherwise)."""
    from geo.io import write_layers_atomic
    from parks.access import build_access
    from parks.data import gpkg_path, load_layers

    _progress("recomputing drive times and routes for the new lots")
    layers = load_layers(data_dir)
    write_layers_atomic(gpkg_path(data_dir), build_access(layers))
