"""Command-line tools: `flask routines check`, `flask poses draw`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .catalog import ContentError, load_catalog
from .config import PROJECT_ROOT

routines_cli = AppGroup("routines", help="Work with the routine content.")
poses_cli = AppGroup("poses", help="Work with the pose illustrations.")


@routines_cli.command("check")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="Content folder to check (default: the configured one).")
@click.option("--static", "static_dir", type=click.Path(path_type=Path), default=None,
              help="Static folder holding poses/*.svg (default: the configured one).")
def check_command(content_dir: Path | None, static_dir: Path | None) -> None:
    """Validate every pose and routine file and report every problem."""
    from flask import current_app

    content_dir = content_dir or Path(current_app.config["CONTENT_DIR"])
    static_dir = static_dir or Path(current_app.config["STATIC_DIR"])
    try:
        cat = load_catalog(content_dir, static_dir)
    except ContentError as exc:
        for line in exc.problems:
            click.echo(line)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(cat.poses)} poses and {len(cat.routines)} routines are valid.")


@poses_cli.command("draw")
def draw_command() -> None:
    """Redraw static/poses/*.svg from the joint angles in routines/figures/."""
    from .figures import draw_all

    written = draw_all(PROJECT_ROOT / "routines" / "figures", PROJECT_ROOT / "static" / "poses")
    click.echo(f"Drew {len(written)} pose illustrations.")


def init_cli(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(routines_cli)
    app.cli.add_command(poses_cli)
