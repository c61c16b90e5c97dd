"""Entry point of the ``siting`` command: one click group, commands from sibling modules."""

from __future__ import annotations

import importlib
import sys

import click

COMMAND_MODULES = (
    "cli.data_cmds",
    "cli.access_cmds",
    "cli.grants_cmds",
    "cli.match_cmds",
    "cli.serve_cmds",
    "cli.demand_cmds",
    "cli.staff_cmds",
    "cli.planner_cmds",
)
"""Modules that each define ``register(group)``; a missing one is skipped."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def siting() -> None:
    """Kanazawa industrial-park siting tool."""


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(siting)


_register_all()


def main() -> None:
    """Run the CLI (console-script entry point)."""
    siting(prog_name="siting")


if __name__ == "__main__":
    sys.exit(main())
