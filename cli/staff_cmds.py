"""Commands of the staff workspace: create-user, import-lots (into the inventory store)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(create_user_cmd)
    group.add_command(import_lots)


def _app(data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """Create the app once to reach the store the server uses (same configuration)."""
    from webapp import create_app

    return create_app({} if data_dir is None else {"DATA_DIR": str(Path(data_dir).resolve())})


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "admin"]), required=True)
def create_user_cmd(name: str, role: str) -> None:
    """Create a staff account. The password comes from SITING_NEW_PASSWORD or a prompt."""
    from parks.inventory.errors import InventoryError
    from parks.inventory.users import create_user
    from webapp import get_store

    password = os.environ.get("SITING_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            msg = "no password: set SITING_NEW_PASSWORD or run in a terminal to be asked"
            raise click.ClickException(msg)
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    app = _app()
    with app.app_context():
        try:
            account = create_user(get_store(), name, password, role, by="cli")
        except InventoryError as exc:
            raise click.ClickException("; ".join(exc.problems)) from exc
    click.echo(f"created {account.role} account {account.name}")


@click.command("import-lots")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Published baseline folder (default: the app's DATA_DIR).",
)
@click.option("--layer", default=None, help="Layer name inside FILE (default: the first).")
@click.option(
    "--source",
    "source_label",
    default=None,
    help="Provenance for rows without a 'source' value (e.g. the city's file name and date).",
)
@click.option("--user", default="cli", show_default=True, help="Who imports (for the history).")
@click.option("--apply", "apply_", is_flag=True, help="Write the change (default: dry run).")
def import_lots(
    file: Path,
    data_dir: Path | None,
    layer: str | None,
    source_label: str | None,
    user: str,
    apply_: bool,
) -> None:
    """Check an official lot layer (GeoPackage, GeoJSON, zipped Shapefile, CSV with WKT).

    Every problem is listed at once; nothing is written without --apply. With --apply the
    new lots' drive times are computed first, then lots and drive times are swapped into
    the inventory store in one transaction.
    """
    from parks.errors import SitingError
    from parks.lot_import import (
        apply_lot_import,
        compute_drive_times,
        plan_lot_import,
        read_lot_file,
    )
    from webapp import data_revision, get_layers, get_store

    app = _app(data_dir)
    with app.app_context():
        try:
            raw, read_problems = read_lot_file(file, layer=layer)
            layers = get_layers()
            plan = plan_lot_import(
                raw,
                layers,
                source_name=file.name,
                read_problems=read_problems,
                source=source_label,
                base_revision=data_revision(),
            )
        except SitingError as exc:
            problems = getattr(exc, "problems", [str(exc)])
            raise click.ClickException(
                "rejected, nothing written:\n" + "\n".join(problems)
            ) from exc
        click.echo(plan.diff_text())
        if not apply_:
            click.echo("dry run: nothing written (add --apply to write)")
            return
        try:
            click.echo("… computing the new lots' drive times", err=True)
            drive_times = compute_drive_times(plan, layers)
            changes = apply_lot_import(get_store(), plan, drive_times, user=user)
        except SitingError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"applied: {changes} lot changes recorded in the inventory store")
