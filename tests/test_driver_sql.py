"""Statements run at the driver: the same SQL, values and errors as through SQLAlchemy."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from stretch_app.driver_sql import DriverStatement

metadata = MetaData()
things = Table(
    "things", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), unique=True),
    Column("day", Date),
    Column("at", DateTime),
    Column("done", Boolean),
)
ROW = {"name": "a", "day": date(2026, 3, 29), "at": datetime(2026, 3, 29, 1, 30, 0, 5),
       "done": True}


def test_values_are_stored_and_read_back_as_sqlalchemy_does() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    dialect = engine.dialect
    add = DriverStatement.compile(
        insert(things).values({k: bindparam(k, type_=things.c[k].type) for k in ROW})
        .returning(things.c.id), dialect)
    one = DriverStatement.compile(
        select(things).where(things.c.name == bindparam("name")).limit(1), dialect)
    raw = engine.raw_connection()
    try:
        assert add.first(raw, ROW) == {"id": 1}
        raw.commit()
        assert one.first(raw, {"name": "a"}) == {"id": 1, **ROW}
        assert one.first(raw, {"name": "nobody"}) is None
        # The same text SQLAlchemy itself would have stored for each value.
        stored = raw.cursor().execute("SELECT day, at, done FROM things").fetchone()
        assert stored == ("2026-03-29", "2026-03-29 01:30:00.000005", 1)
        with pytest.raises(IntegrityError):  # SQLAlchemy's class, as the error handlers expect
            add.first(raw, ROW)
        with pytest.raises(KeyError):  # a missing value is an error, never NULL
            add.first(raw, {"name": "b"})
    finally:
        raw.close()
    with engine.connect() as conn:  # and SQLAlchemy reads what the driver wrote
        assert conn.execute(select(things)).one()._asdict() == {"id": 1, **ROW}


def test_many_rows_in_and_all_rows_out_typed_or_as_text_gives_them() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    dialect = engine.dialect
    add = DriverStatement.compile(
        insert(things).values({k: bindparam(k, type_=things.c[k].type) for k in ROW}), dialect)
    typed = DriverStatement.compile(
        select(things.c.name, things.c.day).where(things.c.done == bindparam("done"))
        .order_by(things.c.name), dialect)
    # One name twice in the SQL is one value.
    raw_sql = DriverStatement.compile(
        text("SELECT name, day FROM things WHERE done = :yes AND (day > :d OR :d IS NULL)"
             " ORDER BY name").bindparams(bindparam("yes", type_=Boolean), bindparam("d")),
        dialect)
    rows = [ROW, {**ROW, "name": "b", "day": date(2026, 3, 30)}, {**ROW, "name": "c",
                                                                    "done": False}]
    raw = engine.raw_connection()
    try:
        add.many(raw, rows)
        assert typed.all(raw, {"done": True}) == [("a", date(2026, 3, 29)),
                                                  ("b", date(2026, 3, 30))]
        assert raw_sql.all(raw, {"yes": True, "d": "2026-03-29"}) == [("b", "2026-03-30")]
        with pytest.raises(IntegrityError):  # the whole batch is the driver's to refuse
            add.many(raw, [{**ROW, "name": "d"}, ROW])
    finally:
        raw.close()


def test_lock_errors_come_out_as_sqlalchemy_operational_errors(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{tmp_path}/t.db", connect_args={"timeout": 0})
    metadata.create_all(engine)
    add = DriverStatement.compile(
        insert(things).values({k: bindparam(k, type_=things.c[k].type) for k in ROW}),
        engine.dialect)
    holder = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    raw = engine.raw_connection()
    try:
        with pytest.raises(OperationalError, match="locked"):
            add.first(raw, ROW)
    finally:
        raw.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_named_parameters_for_postgresql_and_statements_the_driver_cannot_take() -> None:
    by_name = select(things.c.id).where(things.c.name == bindparam("name"),
                                        things.c.done == bindparam("done"))
    compiled = DriverStatement.compile(by_name, postgresql.psycopg.dialect())
    assert "%(name)s" in compiled.sql
    assert compiled.params({"name": "a", "done": True}) == {"name": "a", "done": True}
    positional = DriverStatement.compile(by_name, sqlite.dialect())
    assert positional.params({"done": False, "name": "a"}) == ("a", 0)
    expanding = select(things.c.id).where(things.c.name.in_(bindparam("names", expanding=True)))
    with pytest.raises(ValueError, match="not a plain statement"):
        DriverStatement.compile(expanding, sqlite.dialect())
