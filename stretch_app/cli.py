"""Command-line tools: `flask routines check`, `flask poses draw`.

Both groups are registered as Flask command plugins (see pyproject.toml), so they run without
building the app: `routines check` must work precisely when the content is broken and the
app therefore refuses to start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .catalog import ContentError, load_catalog
from .config import PROJECT_ROOT, available_languages, defaults, from_environment
from .plans.content import load_plans


@click.group("routines")
def routines_cli() -> None:
    """Work with the routine content."""


@click.group("poses")
def poses_cli() -> None:
    """Work with the pose illustrations."""


@routines_cli.command("check")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="Content folder to check (default: the configured one).")
@click.option("--static", "static_dir", type=click.Path(path_type=Path), default=None,
              help="Static folder holding poses/*.svg (default: the configured one).")
def check_command(content_dir: Path | None, static_dir: Path | None) -> None:
    """Validate every pose, routine and plan file and report every problem."""
    settings = defaults(PROJECT_ROOT / "instance")
    settings.update(from_environment(os.environ))
    configured = content_dir is None
    content_dir = content_dir or Path(settings["CONTENT_DIR"])
    static_dir = static_dir or Path(settings["STATIC_DIR"])
    try:
        cat = load_catalog(content_dir, static_dir)
        # Plans name routines, so they are checked once the routines themselves are valid.
        plans = load_plans(content_dir / "plans", cat)
    except ContentError as exc:
        for line in exc.problems:
            click.echo(line)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    # Translations are checked once the English they translate is valid.
    from .i18n import content as translated

    # Another content folder is checked against the translations beside it, if any.
    folder = (Path(settings["BABEL_TRANSLATION_DIRECTORIES"]) if configured
              else content_dir.parent / "translations")
    langs = [lang for lang in available_languages(folder) if lang != "en"]
    missing = [line for lang in langs for line in translated.problems(content_dir, folder, lang)]
    for line in missing:
        click.echo(line)
    if missing:
        click.echo(f"{len(missing)} problem(s) found.", err=True)
        sys.exit(1)
    others = ", ".join(langs)
    click.echo(f"OK: {len(cat.poses)} poses, {len(cat.routines)} routines and "
               f"{len(plans)} plans are valid; translated: {others or 'none'}.")


@routines_cli.command("translations")
def translations_command() -> None:
    """Write the content's message template and add its new texts to every language."""
    from .i18n import content as translated

    settings = defaults(PROJECT_ROOT / "instance")
    settings.update(from_environment(os.environ))
    content_dir = Path(settings["CONTENT_DIR"])
    folder = Path(settings["BABEL_TRANSLATION_DIRECTORIES"])
    template = translated.template(content_dir)
    translated.write_translations(folder / "content.pot", template)
    for lang in settings["LANGUAGES"]:
        if lang == "en":
            continue
        added = translated.merge(content_dir, folder, lang)
        click.echo(f"{lang}: {added} new text(s) to translate.")


@poses_cli.command("draw")
def draw_command() -> None:
    """Redraw static/poses/*.svg from the joint angles in routines/figures/."""
    # The drawing code is a build-time tool kept outside the installed package, in tools/.
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tools.figures import draw_all

    written = draw_all(PROJECT_ROOT / "routines" / "figures", PROJECT_ROOT / "static" / "poses")
    click.echo(f"Drew {len(written)} pose illustrations.")
