"""Running SQL text as given (one or many statements): every result set, rows streamed.

The text goes to the server in one simple-protocol query, as `psql -c` sends it: its
statements run in order in one implicit transaction (unless the text says BEGIN/COMMIT)
and each returns a result set. libpq's chunked-rows mode hands rows over a batch at a
time, so a 200,000-row SELECT never sits in memory whole, in libpq or in Python.
(psycopg's `Cursor.stream()` cannot do this: it uses the extended protocol, which takes
one statement only.)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import generators, pq
from psycopg.adapt import Transformer
from psycopg.pq.abc import PGresult
from psycopg.types.string import TextLoader

from pgprod import db
from pgprod.db import Connection

BATCH = 1000
"""Rows per batch read from the server (with libpq ≥ 17; one at a time before)."""

Row = tuple[Any, ...]

_S = pq.ExecStatus
_COPY = (_S.COPY_IN, _S.COPY_OUT, _S.COPY_BOTH)
_BATCHES = (_S.TUPLES_CHUNK, _S.SINGLE_TUPLE)
_JSON_TYPES = ("json", "jsonb")


class JsonText(str):
    """A json or jsonb value: its JSON text as the server wrote it (jsonb normalized), so
    renderers print JSON, not a Python repr, and numbers keep every digit."""


class _JsonTextLoader(TextLoader):
    def load(self, data: Any) -> JsonText:
        value = super().load(data)
        return JsonText(value if isinstance(value, str) else value.decode("utf-8", "replace"))


@dataclass(frozen=True)
class ResultSet:
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    status: str  # the command tag, e.g. "SELECT 3", "INSERT 0 1"


class Result:
    """One statement's result as it streams: `columns` (empty for a statement that
    returns no rows) and their `type_oids` at once, `rows` as the caller iterates them
    (once), `status` (the command tag, e.g. "SELECT 3") after them."""

    def __init__(self, columns: tuple[str, ...], type_oids: tuple[int, ...],
                 rows: Rows) -> None:
        self.columns = columns
        self.type_oids = type_oids
        self.rows = rows

    def skip(self) -> int:
        """Read past the rows not yet iterated, without converting them: how many."""
        return self.rows.skip()

    @property
    def status(self) -> str:
        """The command tag; reading it skips the rows not yet iterated."""
        self.rows.skip()
        return self.rows.status


def stream(conn: Connection, text: str, *, batch: int = BATCH) -> Iterator[Result]:
    """Run `text` and yield its result sets in order, each streaming its rows. Moving to
    the next result skips what is left of the previous one's rows; a failing statement
    raises SqlError when its result (or its failing row) is reached, after the results
    before it. Leaving early cancels the query, so the connection can be used again.

    On an autocommit connection statements commit as psql would run them; otherwise they
    run in the connection's transaction (begun here if none is open)."""
    reader = _Reader(conn, text, batch)
    try:
        while (result := reader.next_result()) is not None:
            yield result
            result.skip()
    finally:
        reader.close()


def execute(conn: Connection, text: str) -> list[ResultSet]:
    """Run `text` and collect every result set in memory, json values parsed (for small
    results, e.g. a script's; `stream` for output)."""
    return [ResultSet(result.columns, tuple(tuple(_parsed(v) for v in row) for row in result.rows),
                      result.status)
            for result in stream(conn, text)]


def _parsed(value: object) -> object:
    """`value` as psycopg loads it by default: json parsed (in arrays too)."""
    if isinstance(value, JsonText):
        return json.loads(value)
    if isinstance(value, list):
        return [_parsed(v) for v in value]
    return value


class Rows(Iterator[Row]):
    """The rows of one result set, converted a batch at a time as they are iterated."""

    def __init__(self, reader: _Reader, first: PGresult) -> None:
        self._reader = reader
        self._pending: PGresult | None = first  # a batch not yet handed out
        self._more = first.status in _BATCHES  # more PGresults follow in this set
        self._loaded: Iterator[Row] = iter(())
        self._loaders_set = False
        self.status = ""
        self._take_status(first)

    def __next__(self) -> Row:
        while True:
            row = next(self._loaded, None)
            if row is not None:
                return row
            res = self._advance()
            if res is None:
                raise StopIteration
            tx = self._reader.transformer
            # Loaders are chosen once per result set. (The transformer keeps the last
            # batch: clearing it makes set_loaders=False crash psycopg's C version.)
            tx.set_pgresult(res, set_loaders=not self._loaders_set)
            self._loaders_set = True
            self._loaded = iter(tx.load_rows(0, res.ntuples, tuple))

    def skip(self) -> int:
        """Read to the end of the result set without converting rows: how many."""
        count = sum(1 for _ in self._loaded)
        while (res := self._advance()) is not None:
            count += res.ntuples
        return count

    def _advance(self) -> PGresult | None:
        """The next batch holding rows; None once the result set has ended."""
        while True:
            if (res := self._pending) is not None:
                self._pending = None
                if res.ntuples:
                    return res
            elif not self._more:
                return None
            elif (res := self._reader.fetch()) is None:
                return None  # not expected: libpq ends each set with a TUPLES_OK
            else:
                self._more = res.status in _BATCHES
                self._take_status(res)
                self._pending = res

    def _take_status(self, res: PGresult) -> None:
        # The command tag comes with the last batch, or with the empty result ending it.
        if tag := res.command_status:
            self.status = tag.decode(self._reader.encoding)


class _Reader:
    """The query in flight on `conn`, its results read one PGresult at a time."""

    def __init__(self, conn: Connection, text: str, batch: int) -> None:
        self.conn, self.text, self.pgconn = conn, text, conn.pgconn
        self.encoding = conn.info.encoding
        if self.pgconn.pipeline_status:
            raise psycopg.ProgrammingError("cannot stream SQL text in pipeline mode")
        cursor = conn.cursor()  # only for its own copy of the adapters
        for name in _JSON_TYPES:
            cursor.adapters.register_loader(name, _JsonTextLoader)
        self.transformer = Transformer(cursor)
        self.done = False
        with db.sql_errors(text):
            if not conn.autocommit and conn.info.transaction_status == pq.TransactionStatus.IDLE:
                conn.execute(b"SELECT")  # psycopg begins its transaction, as for any query
            with conn.lock:
                self.pgconn.send_query(text.encode(self.encoding))
                if psycopg.capabilities.has_stream_chunked():
                    self.pgconn.set_chunked_rows_mode(batch)
                else:
                    self.pgconn.set_single_row_mode()
                conn.wait(generators.send(self.pgconn))

    def next_result(self) -> Result | None:
        """The next result set, or None after the last."""
        res = None if self.done else self.fetch()
        if res is None:
            return None
        return Result(
            tuple((res.fname(i) or b"").decode(self.encoding) for i in range(res.nfields)),
            tuple(res.ftype(i) for i in range(res.nfields)),
            Rows(self, res))

    def fetch(self) -> PGresult | None:
        """The next PGresult, None at the end; an error ends the query and raises it
        (as SqlError)."""
        with db.sql_errors(self.text):
            with self.conn.lock:
                res: PGresult | None = self.conn.wait(generators.fetch(self.pgconn))
            if res is None:
                self.done = True
            elif res.status == _S.FATAL_ERROR:
                self._drain()
                raise psycopg.errors.error_from_result(res, encoding=self.encoding)
            elif res.status in _COPY:
                self._end_copy(res)
                raise psycopg.NotSupportedError(
                    "COPY to STDOUT or from STDIN needs a client that speaks COPY, "
                    "such as psql's \\copy")
            return res

    def close(self) -> None:
        """End the query if the caller left before its end: cancel it, read the rest."""
        if self.done or self.pgconn.status != pq.ConnStatus.OK:
            return
        with contextlib.suppress(psycopg.Error):
            if self.pgconn.transaction_status == pq.TransactionStatus.ACTIVE:
                self.conn.cancel_safe(timeout=5.0)
            self._drain()

    def _drain(self) -> None:
        """Read and drop what is left of the query, so the connection is idle again."""
        with self.conn.lock:
            while (res := self.conn.wait(generators.fetch(self.pgconn))) is not None:
                if res.status in _COPY:
                    self._end_copy(res)
                    break
        self.done = True

    def _end_copy(self, res: PGresult) -> None:
        """Abandon a COPY (fail one from STDIN, read one to STDOUT to its end), then
        read the query's remaining results: the failure they report is expected."""
        with contextlib.suppress(psycopg.Error):
            if res.status == _S.COPY_IN:
                self.conn.wait(generators.copy_end(self.pgconn, b"not supported"))
            else:
                while isinstance(self.conn.wait(generators.copy_from(self.pgconn)), memoryview):
                    pass
        with contextlib.suppress(psycopg.Error):
            while self.conn.wait(generators.fetch(self.pgconn)) is not None:
                pass
        self.done = True
