"""ORM reads compiled to SQL once per process and database, then run with new ids.

A busy page (the incident page reads a dozen small lists) spends more time in Django building
the same SQL again than the database spends running it. A `PreparedQuery` is written as an
ordinary `.values()` queryset; it is compiled the first time it runs on a database and later
runs only substitute its id parameters. Rows come back as `Row`s (dicts with attribute access),
converted exactly as `.values()` would convert them.

Only ids (integers) and plain strings can be substituted: each is compiled from stand-in values
that must reach the database as query parameters, which is checked at compile time.
Querysets whose shape depends on the caller (a visibility rule per role, say) are not for this.

Compiling reads private ORM internals (`QuerySet._fields`, `_iterable_class`, `Query.selected`,
the compiler's `select`), which change between Django versions. Two ways back to the plain ORM,
both evaluating the very same queryset: the `PREPARED_QUERIES` setting (False: always), and,
when those internals are missing or changed, automatically for that query (with a warning in
the log), so a new Django version slows a page down rather than breaking it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet

logger = logging.getLogger(__name__)


class _InternalsChanged(Exception):
    """The ORM internals this module reads are not what it expects (another Django version)."""


# What a missing or reshaped private attribute raises while compiling.
_INTERNAL_ERRORS = (_InternalsChanged, AttributeError, ImportError, IndexError, KeyError)


def enabled() -> bool:
    """Whether prepared reads are compiled (settings.PREPARED_QUERIES, default True)."""
    return getattr(settings, "PREPARED_QUERIES", True)


# Two sets of stand-in ids, valid for every integer column (Django turns an out-of-range
# lookup into "no rows" without SQL).
_SENTINELS = (2_000_000_001, 2_100_000_001)


def _column_names(query) -> tuple:
    """The `.values()` names in column order (`Query.selected` is new in Django 5.2)."""
    if query.selected:
        return tuple(query.selected)
    return (*query.extra_select, *query.values_select, *query.annotation_select)


class Row(dict):
    """A result row: `row["title"]` and `row.title` both work (templates, Python code)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    positions: dict  # parameter name -> indexes into params
    names: tuple
    converters: tuple  # (column index, converters, expression)


class PreparedQuery:
    """`build(**ids)` returns a `.values()` queryset; `rows(**ids)` runs it."""

    def __init__(self, build: Callable[..., QuerySet], *params: str):
        """`params`: the names `build` takes; "name" is an integer id, "name:str" a string."""
        self._build = build
        self._param_names = tuple(p.split(":")[0] for p in params)
        self._param_types = {p.split(":")[0]: str if p.endswith(":str") else int for p in params}
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._model_class: type[Model] | None = None
        self._orm_only = False  # set when compiling met unexpected ORM internals

    def _queryset(self, **values) -> QuerySet:
        return self._build(**values)

    def _sentinels(self, which: int) -> dict:
        out: dict[str, str | int] = {}
        for i, name in enumerate(self._param_names):
            if self._param_types[name] is str:
                out[name] = f"\x1fprepared-{which}-{i}\x1f"
            else:
                out[name] = _SENTINELS[which] + i
        return out

    def _sql(self, alias: str, which: int):
        sentinels = self._sentinels(which)
        qs = self._queryset(**sentinels)
        if (
            not isinstance(qs, QuerySet)
            or qs._fields is None  # type: ignore[attr-defined]  # private; not in the stubs
            or qs._iterable_class.__name__ != ("ValuesIterable")
        ):
            raise TypeError("A PreparedQuery must build a .values() queryset.")
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        return sentinels, qs.query, compiler, sql, list(params)

    def _compile(self, alias: str) -> _Compiled:
        # Compiled twice with different sentinels: a parameter position is one that follows
        # the sentinel both times, so a constant equal to a sentinel can never be taken for it.
        first, query, compiler, sql, params = self._sql(alias, 0)
        second, _query, _compiler, sql2, params2 = self._sql(alias, 1)
        if sql != sql2 or len(params) != len(params2):
            raise ValueError("The query's SQL depends on its parameters; it cannot be prepared.")
        positions = {}
        for name in self._param_names:
            found = tuple(
                i
                for i, (a, b) in enumerate(zip(params, params2, strict=True))
                if a == first[name] and b == second[name]
            )
            if not found:
                raise ValueError(f"Parameter {name!r} does not reach the database as a parameter.")
            positions[name] = found
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        converters = tuple(
            (pos, convs, expr) for pos, (convs, expr) in compiler.get_converters(fields).items()
        )
        names = _column_names(query)
        if len(names) != len(fields):
            raise _InternalsChanged("column names and selected columns differ")
        return _Compiled(sql, tuple(params), positions, names, converters)

    def _orm_rows(self, using: str | None, values: dict) -> list[Row]:
        """The same queryset evaluated by the ORM (no compiled SQL, no private internals)."""
        qs = self._queryset(**{n: self._param_types[n](v) for n, v in values.items()})
        if not isinstance(qs, QuerySet):
            raise TypeError("A PreparedQuery must build a .values() queryset.")
        iterable = getattr(qs, "_iterable_class", None)  # when this Django still has it
        if iterable is not None and iterable.__name__ != "ValuesIterable":
            raise TypeError("A PreparedQuery must build a .values() queryset.")
        rows = [Row(r) for r in (qs.using(using) if using else qs)]
        return rows

    def _compiled_for(self, alias: str, key) -> _Compiled | None:
        try:
            compiled = self._compile(alias)
        except _INTERNAL_ERRORS as exc:
            self._orm_only = True
            logger.warning(
                "core.prepared: cannot compile %r on this Django version (%s: %s); "
                "it is evaluated through the ORM instead.",
                self,
                type(exc).__name__,
                exc,
            )
            return None
        self._compiled[key] = compiled
        return compiled

    def rows(self, *, using: str | None = None, cursor=None, **values) -> list[Row]:
        """Run with these ids. A page running several prepared reads may pass one `cursor`
        (from `connections[alias].cursor()`) for all of them."""
        if set(values) != set(self._param_names):
            raise TypeError(f"Expected parameters {self._param_names}, got {tuple(values)}.")
        if self._orm_only or not enabled():
            return self._orm_rows(using, values)
        alias = using or router.db_for_read(self._model())
        connection = connections[alias]
        key = (alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled_for(alias, key)
            if compiled is None:
                return self._orm_rows(using, values)
        params = list(compiled.params)
        for name, indexes in compiled.positions.items():
            value = self._param_types[name](values[name])
            for i in indexes:
                params[i] = value
        if cursor is None:
            with connection.cursor() as own:
                own.execute(compiled.sql, params)
                fetched = own.fetchall()
        else:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names = compiled.names
        if not compiled.converters:
            return [Row(zip(names, r, strict=True)) for r in fetched]
        out = []
        for r in fetched:
            r = list(r)
            for pos, convs, expr in compiled.converters:
                value = r[pos]
                for converter in convs:
                    value = converter(value, expr, connection)
                r[pos] = value
            out.append(Row(zip(names, r, strict=True)))
        return out

    def _model(self):
        if self._model_class is None:
            self._model_class = self._queryset(**self._sentinels(0)).model
        return self._model_class

    def __repr__(self):
        return f"<PreparedQuery {self._build!r} {self._param_names}>"


def model_fields(model) -> list[str]:
    """The `.values()` names a prepared query reads to build whole `model` instances."""
    return [f.attname for f in model._meta.concrete_fields]


def to_instance(model, row):
    """A `model` instance from a row that read `model_fields(model)` (as the ORM builds one)."""
    fields = model_fields(model)
    return model.from_db(router.db_for_read(model), fields, [row[f] for f in fields])
