"""``siting serve``: the web app under gunicorn, or Werkzeug's reloading server with ``--dev``."""

from __future__ import annotations

from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(serve)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: SITING_WORKERS, else 2].",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Threads per worker [default: SITING_THREADS, else 4].",
)
@click.option("--access-log", is_flag=True, help="Log every request (path, never query strings).")
@click.option(
    "--dev",
    is_flag=True,
    help="Werkzeug's reloading server with the interactive debugger: for development only.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Data folder (default: the app's configured DATA_DIR).",
)
def serve(
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    access_log: bool,
    dev: bool,
    data_dir: Path | None,
) -> None:
    """Serve the web app (what `make run` calls): gunicorn, caches warmed before the first request."""
    from webapp import create_app, warm_caches
    from webapp.server import DEFAULT_THREADS, DEFAULT_WORKERS, serve_dev, setting
    from webapp.server import serve as serve_production

    config: dict[str, object] = {} if data_dir is None else {"DATA_DIR": str(data_dir.resolve())}
    if dev:
        click.echo(f"development server (debugger on) at http://{host}:{port}/", err=True)
        serve_dev(create_app({**config, "DEBUG": True}), host, port)
        return
    try:
        n_workers = setting("workers", workers, DEFAULT_WORKERS)
        n_threads = setting("threads", threads, DEFAULT_THREADS)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc

    def factory() -> object:
        app = create_app(config)
        warm_caches(app)
        return app

    click.echo(
        f"serving on http://{host}:{port}/ ({n_workers} workers x {n_threads} threads)", err=True
    )
    serve_production(
        factory, host, port, workers=n_workers, threads=n_threads, access_log=access_log
    )  # type: ignore[arg-type]
