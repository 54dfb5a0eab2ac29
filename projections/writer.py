"""The handlers' transaction: their statements, held back and sent in batches, with the same
effect as sent one at a time."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from operator import itemgetter

from projections.keyed_updates import KeyedUpdate, keyed_update
from projections.memo import Memo
from projections.store import Params, Row, Tx

KEY_TYPES = (str, int)
"""Key values the writer compares in Python: equal in Python exactly when equal in SQL."""


@dataclass
class Wave:
    """Held statements of one table that go in this order: the inserts (runs of one
    statement, in the order they came), then the updates, grouped by statement."""

    inserts: list[tuple[str, list[Params]]] = field(default_factory=list)
    updates: dict[str, list[Params]] = field(default_factory=dict)


@dataclass
class Held:
    """What the writer holds of one table, in waves.

    Each statement goes to the earliest wave after every held statement naming the same key:
    an update after the wave of the last insert of its key (inserts go first in a wave), or
    after the next one when the key was last updated; an insert after the wave of its key's
    last update. Every held update of a table names its rows by the same key column, so two
    statements with different keys touch different rows and their order does not matter; a
    wave never updates a row twice. A statement whose key cannot be read, while updates are
    held, is not held with them: the table is sent first (`Writer`)."""

    waves: list[Wave] = field(default_factory=lambda: [Wave()])
    key: str | None = None
    """The column the held updates are keyed on (None while only inserts are held)."""
    last: dict[object, tuple[int, bool]] = field(default_factory=dict)
    """For each key value: the wave of its last held statement, and whether it updated."""

    def insert_key(self, statement: str, params: Params) -> tuple[bool, object]:
        """(True, key value) when the insert may be held with the updates; (True, None) when
        no update is held."""
        if self.key is None:
            return True, None
        plain = _plain_insert(statement)
        if plain is None or self.key not in plain[0]:
            return False, None
        value = plain[1](params)[plain[0].index(self.key)]
        return self._comparable(value), value

    def admits_update(self, key: str, value: object) -> bool:
        return (self.key is None or key == self.key) and self._comparable(value)

    def _comparable(self, value: object) -> bool:
        """Of the type the held keys are (a text `'5'` and an integer 5 may be equal in SQL)."""
        known = next(iter(self.last), None)
        return type(value) in KEY_TYPES and (known is None or type(known) is type(value))

    def add_insert(self, statement: str, params: Params, value: object) -> None:
        wave = 0
        if self.key is not None:
            wave = self._after(value)
            self.last[value] = (wave, False)
        inserts = self._wave(wave).inserts
        if inserts and inserts[-1][0] == statement:
            inserts[-1][1].append(params)
        else:
            inserts.append((statement, [params]))

    def add_update(self, statement: str, key: str, value: object, params: Params) -> None:
        self.key = key
        wave = self._after(value)
        self.last[value] = (wave, True)
        self._wave(wave).updates.setdefault(statement, []).append(params)

    def _after(self, value: object) -> int:
        """The earliest wave a statement naming this key may go to: that of its last insert
        (inserts go first in a wave), the next one after its last update, else the first."""
        if value not in self.last:
            return 0
        at, updated = self.last[value]
        return at + 1 if updated else at

    def _wave(self, at: int) -> Wave:
        while len(self.waves) <= at:
            self.waves.append(Wave())
        return self.waves[at]


class Writer:
    """A transaction bound to one generation's physical table names, batching writes.

    Most events only add rows, and one statement per row made a rebuild pay a round trip per
    row. So an INSERT into a single table is held back and sent later with the inserts of the
    same statement, in one `executemany`. Held rows are sent, in order, before any other
    statement or read touches their table, and by `flush` at the end of the batch: what every
    statement sees is exactly what it would have seen, one statement at a time.

    Held runs of a plain INSERT go by COPY where the transaction can (PostgreSQL, not
    pipelined: COPY cannot run in pipeline mode); in a pipelined transaction by multi-row
    INSERTs (`insert_rows`), which ride the pipeline without a round trip; on SQLite by
    `executemany`.

    In a pipelined transaction given the tables' column `types`, an UPDATE naming its row by
    key (`keyed_updates`) is held too, in waves (`Wave`), and the updates of a wave made by
    one statement go as one `UPDATE … FROM (VALUES …)`; the other updates, and any in a
    transaction that is not pipelined (the runner's statement-by-statement retry), are sent
    at once after the held statements of their table.

    `memo` keeps facts the handlers wrote and look up again (see `projections.memo`); the
    runner gives one per generation, a writer made without one has its own.
    """

    def __init__(
        self,
        tx: Tx,
        tables: dict[str, str],
        *,
        pipelined: bool = False,
        memo: Memo | None = None,
        types: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.tx = tx
        self.pipelined = pipelined
        self.memo = Memo() if memo is None else memo
        self._copy = None if pipelined else getattr(tx, "copy", None)
        self._insert_rows = getattr(tx, "insert_rows", None)
        execute_rows = getattr(tx, "execute_rows", None)
        self._execute_rows = execute_rows if pipelined and types is not None else None
        self._types = types or {}
        self.tables = tables
        self._held: dict[str, Held] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        touched = _tables_of(statement)
        if len(touched) == 1:
            verb = statement.lstrip()[:6].upper()
            if verb == "INSERT":
                self._hold_insert(touched[0], statement, params)
                return
            if verb == "UPDATE" and self._hold_update(touched[0], statement, params):
                return
        self._flush(touched)
        self.tx.execute(statement.format_map(self.tables), params)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self._flush(_tables_of(statement))
        self.tx.executemany(statement.format_map(self.tables), rows)

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self._flush(_tables_of(statement))
        return self.tx.fetchone(statement.format_map(self.tables), params)

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self._flush(_tables_of(statement))
        return self.tx.fetchall(statement.format_map(self.tables), params)

    def flush(self) -> None:
        """Sends every held statement; the batch's transaction must not end before this."""
        self._flush(list(self._held))

    def _held_of(self, table: str) -> Held:
        held = self._held.get(table)
        if held is None:
            held = self._held[table] = Held()
        return held

    def _hold_insert(self, table: str, statement: str, params: Params) -> None:
        held = self._held_of(table)
        holdable, value = held.insert_key(statement, params)
        if not holdable:
            self._flush([table])
            held = self._held_of(table)
        held.add_insert(statement, params, value)

    def _hold_update(self, table: str, statement: str, params: Params) -> bool:
        """Holds a keyed update; False when it is to be sent as it is."""
        if self._execute_rows is None:
            return False
        keyed = keyed_update(statement)
        types = self._types.get(table)
        if keyed is None or types is None or not keyed.carries(types, params):
            return False
        value = params[keyed.key_at]
        if not self._held_of(table).admits_update(keyed.key, value):
            self._flush([table])
        self._held_of(table).add_update(statement, keyed.key, value, params)
        return True

    def _flush(self, tables: Sequence[str]) -> None:
        for table in tables:
            held = self._held.pop(table, None)
            for wave in () if held is None else held.waves:
                self._send_inserts(table, wave.inserts)
                for statement, rows in wave.updates.items():
                    self._send_updates(table, statement, rows)

    def _send_inserts(self, table: str, runs: list[tuple[str, list[Params]]]) -> None:
        copy = self._copy
        insert_rows = self._insert_rows
        for statement, rows in runs:
            plain = _plain_insert(statement)
            if plain is None or len(rows) < 2 or (copy is None and insert_rows is None):
                self.tx.executemany(statement.format_map(self.tables), rows)
                continue
            columns, values = plain
            write = copy if copy is not None else insert_rows
            assert write is not None
            write(self.tables[table], columns, [values(row) for row in rows])

    def _send_updates(self, table: str, statement: str, rows: list[Params]) -> None:
        """Updates held by `_hold_update`: keyed, in a transaction that sends rows."""
        if len(rows) < 2:
            self.tx.execute(statement.format_map(self.tables), rows[0])
            return
        keyed = keyed_update(statement)
        assert keyed is not None
        assert self._execute_rows is not None
        physical = self.tables[table]
        types = self._types[table]
        self._execute_rows(partial(_batched, keyed, physical, types), rows)


_BATCHED: dict[tuple[KeyedUpdate, str, int], str] = {}
BATCHED_KEPT = 512


def _batched(keyed: KeyedUpdate, physical: str, types: Mapping[str, str], rows: int) -> str:
    """`keyed.statement_for`, made once per table and size (a table's types never change)."""
    made = _BATCHED.get((keyed, physical, rows))
    if made is None:
        if len(_BATCHED) >= BATCHED_KEPT:  # generations come and go: start over
            _BATCHED.clear()
        made = _BATCHED[keyed, physical, rows] = keyed.statement_for(physical, types, rows)
    return made


_TABLE = re.compile(r"\{(\w+)\}")
_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO \{\w+\}\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)\s*", re.IGNORECASE
)
_LITERALS: dict[str, object] = {"NULL": None}
_TEXT = re.compile(r"'(?:[^']|'')*'")
"""A text constant (a status such as 'OPEN'), doubled quotes included."""
Values = Callable[[Params], tuple[object, ...]]


@cache
def _plain_insert(statement: str) -> tuple[tuple[str, ...], Values] | None:
    """Columns and a row builder when `statement` is a plain INSERT of one row of `?` and
    constants — NULL, integers, text without a comma — (what COPY can do); None for anything
    else (ON CONFLICT, expressions…)."""
    match = _PLAIN_INSERT.fullmatch(statement)
    if match is None:
        return None
    columns = tuple(c.strip() for c in match.group(1).split(","))
    items = [v.strip() for v in match.group(2).split(",")]
    if len(columns) != len(items):
        return None
    constants: list[object] = []
    picks: list[int] = []
    """Where each column's value is in the row's parameters followed by the constants."""
    given = items.count("?")
    for item in items:
        if item == "?":
            picks.append(len(picks) - len(constants))
            continue
        if item.upper() in _LITERALS:
            constants.append(_LITERALS[item.upper()])
        elif item.lstrip("-").isdigit():
            constants.append(int(item))
        elif _TEXT.fullmatch(item):
            constants.append(item[1:-1].replace("''", "'"))
        else:
            return None
        picks.append(given + len(constants) - 1)
    extra = tuple(constants)
    pick = itemgetter(*picks)

    def values(params: Params) -> tuple[object, ...]:
        """The row's values in column order (two C calls: a rebuild builds a row per event)."""
        row = pick((*params, *extra))
        return row if len(picks) > 1 else (row,)

    return columns, values


@cache
def _tables_of(statement: str) -> tuple[str, ...]:
    """The tables a statement names (handlers' statements are constants: parsed once each)."""
    return tuple(dict.fromkeys(_TABLE.findall(statement)))
