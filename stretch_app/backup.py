"""`flask backup PATH`: a consistent copy of the SQLite database, taken while the app runs.

The copy uses SQLite's online backup API in a single step, so it is one snapshot of the
database as of one committed transaction: writers keep working meanwhile (WAL) and nothing
they have not committed is copied. The copy is checked with `PRAGMA integrity_check`, written
next to PATH under a temporary name, flushed to disk and only then renamed to PATH.

Restore (with the app stopped):

    cp PATH instance/limber.db          # or wherever the database file is configured
    rm -f instance/limber.db-wal instance/limber.db-shm
    # then start the app again

Deleting the old -wal/-shm files matters: a write-ahead log left over from the replaced
database must never be replayed into the restored one.

PostgreSQL deployments are backed up with PostgreSQL's own tools (pg_dump / pg_restore): the
command says how and exits with status 2.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .extensions import db

NOT_SQLITE_STATUS = 2


class BackupError(click.ClickException):
    """A backup that cannot be made; the message says why."""


def postgres_guidance(url: URL) -> str:
    """Explain how to back up and restore a PostgreSQL database (no password shown)."""
    target = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                        database=url.database).render_as_string(hide_password=True)
    return (
        "This instance uses PostgreSQL; `flask backup` only copies SQLite databases.\n"
        "Back up with pg_dump (the password from PGPASSWORD or ~/.pgpass):\n"
        f"  pg_dump --format=custom --file=limber.dump '{target}'\n"
        "Restore into an empty database with the app stopped:\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname='{target}' limber.dump"
    )


def sqlite_backup(source: Path, target: Path, busy_timeout_ms: int) -> list[str]:
    """Copy a live SQLite database to target atomically; return integrity_check's lines.

    Raises BackupError (leaving target untouched) when the copy fails or is not intact.
    """
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = sqlite3.connect(str(source), timeout=max(busy_timeout_ms, 1) / 1000)
    try:
        dst = sqlite3.connect(str(partial))
        try:
            # pages=-1: the whole database in one step, under one read transaction.
            src.backup(dst, pages=-1)
            # A self-contained file: no -wal beside the copy.
            dst.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        finally:
            dst.close()
        if problems != ["ok"]:
            raise BackupError("the copy failed PRAGMA integrity_check:\n" + "\n".join(problems))
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
        return problems
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy the database: {exc}") from exc
    finally:
        src.close()
        partial.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH when it already exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while the app keeps running.

    Restore with the app stopped: copy PATH over the database file and delete the old
    database's -wal and -shm files. For PostgreSQL, use pg_dump (this command says how).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        click.echo(postgres_guidance(url), err=True)
        raise SystemExit(NOT_SQLITE_STATUS)
    if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
        raise BackupError("the database is in memory: there is no file to back up")
    source = Path(url.database).resolve()
    if not source.is_file():
        raise BackupError(f"no database file at {source}")
    target = path.resolve()
    if target == source:
        raise BackupError("PATH is the live database itself: choose another file")
    if target.exists() and not force:
        raise BackupError(f"{path} already exists: choose a new file or pass --force")
    if not target.parent.is_dir():
        raise BackupError(f"no such directory: {target.parent}")
    sqlite_backup(source, target, int(current_app.config["DB_BUSY_TIMEOUT_MS"]))
    size = target.stat().st_size
    click.echo(f"Backed up {source.name} to {path} ({size:,} bytes); integrity_check: ok")
