"""`flask backup PATH`: an online SQLite copy that passes integrity_check and restores."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from stretch_app.backup import NOT_SQLITE_STATUS, backup_command
from stretch_app.extensions import db
from stretch_app.models import Completion, User

from .helpers import PASSWORD, sign_up
from .helpers import completion_body as body

USERS = ("ann", "bob", "cyd")


def _app(make_app: Callable[..., Flask], database: Path) -> Flask:
    return make_app(tables=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")


@pytest.fixture
def live(tmp_path: Path, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A SQLite app (whatever database the other tests use) with three users and sessions."""
    app = _app(make_app, tmp_path / "live.db")
    with app.app_context():
        db.create_all()
    for name in USERS:
        client = app.test_client()
        sign_up(client, name)
        for _ in range(3):
            assert client.post("/api/completions", json=body()).status_code == 201
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _backup(app: Flask, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(backup_command, list(args))


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        completions = conn.execute("SELECT count(*) FROM completions").fetchone()[0]
        return users, completions
    finally:
        conn.close()


def test_backup_is_intact_and_a_restored_instance_signs_everyone_in(
    live: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
, make_app: Callable[..., Flask]) -> None:
    target = tmp_path / "backup.db"
    result = _backup(live, str(target))
    assert result.exit_code == 0, result.output
    assert "integrity_check: ok" in result.output
    assert _integrity(target) == ["ok"]
    assert _counts(target) == (3, 9)
    assert not Path(f"{target}-wal").exists()  # a single self-contained file

    # Restore: the app is stopped, the file copied into place, stale WAL files removed.
    restored_db = tmp_path / "restored" / "limber.db"
    restored_db.parent.mkdir()
    shutil.copyfile(target, restored_db)
    restored = _app(make_app, restored_db)
    try:
        for name in USERS:
            client: FlaskClient = restored.test_client()
            response = client.post("/login", data={"login": name, "password": PASSWORD})
            assert response.status_code == 302, name
            assert len(client.get("/api/completions").get_json()["completions"]) == 3
    finally:
        with restored.app_context():
            db.engine.dispose()


def test_backup_refuses_to_overwrite_unless_forced(live: Flask, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    target.write_text("precious")
    result = _backup(live, str(target))
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_text() == "precious"
    result = _backup(live, "--force", str(target))
    assert result.exit_code == 0, result.output
    assert _integrity(target) == ["ok"]


def test_backup_refuses_the_live_file_and_missing_folders(live: Flask, tmp_path: Path) -> None:
    result = _backup(live, str(tmp_path / "live.db"))
    assert result.exit_code != 0 and "live database" in result.output
    result = _backup(live, str(tmp_path / "missing" / "b.db"))
    assert result.exit_code != 0 and "no such directory" in result.output
    assert not list(tmp_path.glob(".*partial*"))


def test_backup_leaves_out_uncommitted_writes_and_does_not_wait_for_them(
    live: Flask, tmp_path: Path
) -> None:
    # Another process in the middle of a write transaction (WAL: the copy reads past it).
    writer = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM completions")
        result = _backup(live, str(tmp_path / "backup.db"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert _counts(tmp_path / "backup.db") == (3, 9)


def test_backup_while_sessions_are_being_recorded(live: Flask, tmp_path: Path) -> None:
    client = live.test_client()
    assert client.post("/login", data={"login": "ann", "password": PASSWORD}).status_code == 302
    stop = threading.Event()
    statuses: list[int] = []

    def write() -> None:
        while not stop.is_set() and len(statuses) < 500:
            statuses.append(client.post("/api/completions", json=body()).status_code)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = [tmp_path / f"b{i}.db" for i in range(3)]
        for copy in copies:
            result = _backup(live, str(copy))
            assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join(timeout=30)
    assert statuses and set(statuses) == {201}
    for copy in copies:
        assert _integrity(copy) == ["ok"]
        assert 9 <= _counts(copy)[1] <= 9 + len(statuses)
    with live.app_context():
        assert db.session.execute(select(func.count(Completion.id))).scalar_one() == 9 + len(
            statuses)
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 3


def test_postgres_prints_pg_dump_guidance_and_fails(tmp_path: Path, make_app) -> None:
    url = "postgresql+psycopg://limber:s3cret-pw@127.0.0.1:5999/limber"
    app = make_app(tables=False, SQLALCHEMY_DATABASE_URI=url)
    result = _backup(app, str(tmp_path / "backup.db"))
    assert result.exit_code == NOT_SQLITE_STATUS
    assert "pg_dump" in result.output and "pg_restore" in result.output
    assert "postgresql://limber@127.0.0.1:5999/limber" in result.output
    assert "s3cret-pw" not in result.output
    assert not (tmp_path / "backup.db").exists()


def test_backup_is_a_flask_command_plugin() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="flask.commands")}
    assert names.get("backup") == "stretch_app.backup:backup_command"
