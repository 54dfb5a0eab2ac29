"""The access log: who read which young person's case content, when, and what.

It is primary data (not derived from events), kept in its own append-only table of the read
store: a database trigger refuses every UPDATE and DELETE, so the log cannot be quietly edited
through the application's own connection. Only auditors query it.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from projections.queries import paging
from projections.queries.paging import Page
from projections.store import ReadStore, Tx, moment, parse_moment

_TABLE = """
CREATE TABLE IF NOT EXISTS access_log (
    access_id TEXT PRIMARY KEY,
    read_at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    association_id TEXT,
    young_person_id TEXT NOT NULL,
    what TEXT NOT NULL
)
"""
_INDEX = "CREATE INDEX IF NOT EXISTS access_log_by_person ON access_log (young_person_id, read_at)"
_GUARDS = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log"
        " BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log"
        " BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    ],
    "postgres": [
        "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS access_log_append_only ON access_log",
        "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log"
        " FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
    ],
}


_GUARDED = {
    "postgres": "SELECT 1 FROM pg_trigger WHERE tgname = 'access_log_append_only'"
    " AND tgrelid = to_regclass('access_log')",
}


def _guarded(tx: Tx) -> bool:
    """Whether the table and its guard are already there (PostgreSQL): replacing the trigger
    locks the table against every request's record, which an export from the CLI beside a
    live instance must not do."""
    check = _GUARDED.get(tx.dialect)
    return check is not None and tx.fetchone(check) is not None


@dataclass(frozen=True)
class Access:
    user_id: str
    role: str
    association_id: str | None
    young_person_id: str
    what: str
    """What was read: `personal_data`, `case`, `timeline` (with the number of entries)…"""


@dataclass(frozen=True)
class AccessRecord:
    access_id: str
    read_at: datetime
    user_id: str
    role: str
    association_id: str | None
    young_person_id: str
    what: str


class AccessLog:
    def __init__(self, store: ReadStore) -> None:
        self._store = store
        with store.transaction() as tx:
            if _guarded(tx):
                return
            tx.execute(_TABLE)
            tx.execute(_INDEX)
            for guard in _GUARDS[store.dialect]:
                tx.execute(guard)

    def record(self, accesses: Sequence[Access]) -> None:
        """Appends one request's reads in one transaction."""
        if accesses:
            with self._store.transaction() as tx:
                append(tx, accesses)

    def page(
        self,
        young_person_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[AccessRecord]:
        size = paging.page_size(first)
        conditions: list[str] = []
        params: list[object] = []
        if young_person_id is not None:
            conditions.append("young_person_id = ?")
            params.append(young_person_id)
        if after is not None:
            read_at, access_id = paging.decode(
                "access-log", after, paging.is_moment, paging.is_identifier
            )
            conditions.append("(read_at, access_id) > (?, ?)")
            params += [read_at, access_id]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._store.transaction() as tx:
            columns = "access_id, read_at, user_id, role, association_id, young_person_id, what"
            order = "ORDER BY read_at, access_id LIMIT ?"
            statement = f"SELECT {columns} FROM access_log{where} {order}"  # noqa: S608
            rows = tx.fetchall(statement, (*params, size + 1))
        records = [_record(r) for r in rows[:size]]
        return Page(
            items=[
                (paging.encode("access-log", [moment(r.read_at), r.access_id]), r) for r in records
            ],
            has_next=len(rows) > size,
            has_previous=after is not None,
        )


def _record(row: Sequence[object]) -> AccessRecord:
    read_at = parse_moment(str(row[1]))
    assert read_at is not None
    return AccessRecord(
        access_id=str(row[0]),
        read_at=read_at,
        user_id=str(row[2]),
        role=str(row[3]),
        association_id=None if row[4] is None else str(row[4]),
        young_person_id=str(row[5]),
        what=str(row[6]),
    )


def append(tx: Tx, accesses: Sequence[Access]) -> None:
    """The records of one request's reads, inside the caller's transaction (a request that reads
    in one session records in it too, so its reads and their record commit together)."""
    now = moment(datetime.now(UTC))
    tx.executemany(
        "INSERT INTO access_log (access_id, read_at, user_id, role, association_id,"
        " young_person_id, what) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (str(uuid.uuid4()), now, a.user_id, a.role, a.association_id, a.young_person_id, a.what)
            for a in accesses
        ],
    )
