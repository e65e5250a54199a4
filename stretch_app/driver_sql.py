"""Core statements compiled once per dialect and run straight on the driver's cursor.

For the few statements every signed-in request or every finished session runs. SQLAlchemy
still writes the SQL and converts the values (its bind and result processors for the
dialect); only its per-execution work (execution context, parameter building, result
objects), about 0.07 ms a statement here, is skipped. Errors come out as SQLAlchemy's own
exception classes, so a locked database still answers 503.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class DriverStatement:
    """One statement as the driver takes it: SQL text, parameter order and converters."""

    sql: str
    dialect: Dialect
    names: tuple[str, ...]  # parameter names, in the driver's order when it takes `?`
    fixed: Mapping[str, Any]  # values the statement carries itself (e.g. a LIMIT)
    positional: bool
    binders: tuple[Processor, ...]  # each parameter's bind processor, or None
    columns: tuple[str, ...]  # result columns (SELECT or RETURNING), empty for none
    converters: tuple[Processor, ...]  # each result column's processor, or None

    @classmethod
    def compile(cls, statement: ClauseElement, dialect: Dialect) -> DriverStatement:
        """Compile a Core statement with named bind parameters for one dialect."""
        compiled = statement.compile(dialect=dialect)
        params = {name: bind for bind, name in compiled.bind_names.items()}
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(params)
        if (len(set(names)) != len(params) or compiled.escaped_bind_names
                or "POSTCOMPILE" in compiled.string):
            # Two values under one name, renamed or expanding parameters need SQLAlchemy's
            # own execution. (One name used twice in the SQL, as `:uid` in a text(), is fine.)
            raise ValueError(f"not a plain statement for the driver: {compiled.string}")
        fixed = {name: bind.value for name, bind in params.items() if not bind.required}
        binders = tuple(
            params[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        )
        selected = getattr(statement, "exported_columns", ())
        return cls(
            sql=compiled.string,
            dialect=dialect,
            names=names,
            fixed=fixed,
            positional=bool(compiled.positional),
            binders=binders,
            columns=tuple(c.key for c in selected),
            converters=tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected
            ),
        )

    def params(self, values: Mapping[str, Any]) -> Any:
        """Return the parameters as the driver takes them, each converted for the dialect."""
        if self.fixed:
            values = {**self.fixed, **values}
        pairs = zip(self.names, self.binders, strict=True)
        if self.positional:
            return tuple(values[n] if bind is None else bind(values[n]) for n, bind in pairs)
        return {n: (values[n] if bind is None else bind(values[n])) for n, bind in pairs}

    def first(self, connection: Any, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Run on a driver connection; return the first row by column name, or None."""
        rows = self._run(connection, values, 1 if self.columns else 0)
        if not rows:
            return None
        return {name: (value if convert is None else convert(value))
                for name, convert, value in zip(self.columns, self.converters, rows[0],
                                                strict=True)}

    def all(self, connection: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run on a driver connection; return every row (converted where the columns are typed)."""
        rows = self._run(connection, values, None)
        if not any(self.converters):  # text() has no typed columns: rows as the driver gives
            return [tuple(row) for row in rows]
        return [tuple(value if convert is None else convert(value)
                      for convert, value in zip(self.converters, row, strict=True))
                for row in rows]

    def many(self, connection: Any, rows: list[Mapping[str, Any]]) -> None:
        """Run once for each set of values (the driver's executemany)."""
        params = [self.params(values) for values in rows]
        self._guard(connection, params, lambda cursor: cursor.executemany(self.sql, params))

    def _run(self, connection: Any, values: Mapping[str, Any], limit: int | None
             ) -> list[Any]:
        params = self.params(values)

        def run(cursor: Any) -> list[Any]:
            cursor.execute(self.sql, params)
            if limit == 0:
                return []
            return list(cursor.fetchmany(limit) if limit else cursor.fetchall())

        return self._guard(connection, params, run)

    def _guard(self, connection: Any, params: Any, work: Callable[[Any], Any]) -> Any:
        # A cursor of its own, always closed; driver errors as SQLAlchemy's classes.
        dbapi_error = self.dialect.loaded_dbapi.Error
        try:
            cursor = connection.cursor()
            try:
                return work(cursor)
            finally:
                cursor.close()
        except dbapi_error as exc:
            raise DBAPIError.instance(self.sql, params, exc, dbapi_error,
                                      dialect=self.dialect) from exc
