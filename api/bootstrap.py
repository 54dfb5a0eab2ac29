"""The one factory: wires persistence, the vault and the ledger for the app, the CLI and tests.

Nothing is built at import time; everything is built here from a `Settings`, and closed by the
returned `Parcours` container.
"""

import base64
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import connect as pg_connect
from psycopg import conninfo, sql

from api.keyring_files import development_keyring
from api.live_subscriptions import LiveSubscriptions
from api.settings import Settings
from domain.errors import DomainError
from domain.ledger import Clock, Ledger, utc_now
from domain.ledger.chain.recorders import (
    ChainedPostgresApplicationRecorder,
    guard_snapshot_reads,
)
from domain.ledger.core import WORKING_SET_ENV
from domain.ledger.snapshot_writes import lean_snapshot_writes
from domain.privacy.keyring import KeyEncryptionKey, Keyring
from domain.privacy.keystore import KeyStore, PostgresKeyStore, SQLiteKeyStore
from domain.privacy.vault import Vault
from domain.store_breaker import StoreBreaker
from projections.catalogue import PROJECTIONS
from projections.leadership import AdvisoryLeadership, FileLeadership, Leadership
from projections.policies import ReferralExpiry
from projections.runner import ProjectionRunner
from projections.source import EventSource
from projections.store import PostgresReadStore, ReadStore, SQLiteReadStore
from projections.wakeup import Listener, Pause, Wakeup

EVENTS_FILE = "ledger.sqlite"
KEYS_FILE = "keys.sqlite"
READ_FILE = "read.sqlite"
CHAINED = "domain.ledger.chain.recorders"
"""Recorders that bind every event into the hash chain in its insert's transaction."""
AUDIT_KEY_FILE = "audit-signing.key"


@dataclass
class Parcours:
    """Everything one process needs, built once and closed once."""

    settings: Settings
    ledger: Ledger
    vault: Vault
    key_store: KeyStore
    read_store: ReadStore
    projections: ProjectionRunner
    subscriptions: LiveSubscriptions = field(default_factory=LiveSubscriptions)
    """Served by this process's GraphQL subscriptions, counted from when each knows where it
    starts."""

    def settle(self) -> bool:
        """Waits (bounded) until the read models reached everything recorded so far, so a
        caller reads its own writes; False when the bound was hit."""
        head = self.projections.source.head()
        return self.projections.wait_for(head, self.settings.read_your_writes_timeout)

    def close(self) -> None:
        """Closes every part, each even if one before it failed (an error is raised once all
        were tried, earlier ones chained to it): a failed release left the stores' pools to
        the collector."""
        with ExitStack() as parts:  # closed in reverse order of registration
            close_key_store = getattr(self.key_store, "close", None)
            if close_key_store is not None:
                parts.callback(close_key_store)
            parts.callback(self.ledger.close)
            parts.callback(self.read_store.close)
            parts.callback(self.projections.leadership.release)
            parts.callback(self.projections.close)  # first: no batch is being applied any more


def build(settings: Settings, *, vault: Vault | None = None, clock: Clock = utc_now) -> Parcours:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    breaker = _breaker(settings)
    # What is opened is closed again if a later step fails (an outage during the runner's
    # DDL, say): left to the collector, the pools' threads were joined by finalizers.
    with _schema_lock(settings), ExitStack() as opened:
        key_store = _key_store(settings, breaker)
        close_key_store = getattr(key_store, "close", None)
        if close_key_store is not None:
            opened.callback(close_key_store)
        chosen_vault = vault or Vault(key_store, keyring(settings), settings.key_cache_seconds)
        ledger = Ledger(event_store_env(settings), chosen_vault, clock)
        opened.callback(ledger.close)
        if isinstance(ledger.recorder, ChainedPostgresApplicationRecorder):
            ledger.recorder.breaker = breaker
        if ledger.snapshots is not None:
            guard_snapshot_reads(ledger.snapshots.recorder, breaker)
            lean_snapshot_writes(ledger.snapshots.recorder)
        read_store = _read_store(settings, breaker)
        opened.callback(read_store.close)
        expiry = ReferralExpiry(
            read_store,
            lambda young_person, referral, days: ledger.expire_referral(
                young_person, referral_id=referral, expiry_days=days
            ),
            settings.referral_expiry_days,
            clock,
            refused=(DomainError,),
        )
        runner = ProjectionRunner(
            read_store,
            EventSource(ledger.recorder, ledger.mapper),
            PROJECTIONS,
            _leadership(settings),
            batch_size=settings.projection_batch_size,
            policies=(expiry,),
            policy_interval=settings.policy_interval_seconds,
            wakeup=_wakeup(settings, ledger),
        )
        opened.pop_all()  # built: the instance closes them from now on (`Parcours.close`)
    return Parcours(
        settings=settings,
        ledger=ledger,
        vault=chosen_vault,
        key_store=key_store,
        read_store=read_store,
        projections=runner,
    )


def _breaker(settings: Settings) -> StoreBreaker:
    """One breaker for the instance's stores: they share one server, and one outage."""
    url = settings.database_url
    if url is None:
        return StoreBreaker()

    def probe() -> None:
        pg_connect(url, connect_timeout=1).close()

    return StoreBreaker(probe=probe)


def _read_store(settings: Settings, breaker: StoreBreaker) -> ReadStore:
    if settings.database_url is None:
        return SQLiteReadStore(settings.data_dir / READ_FILE)
    return PostgresReadStore(settings.database_url, settings.database_schema, breaker=breaker)


def _wakeup(settings: Settings, ledger: Ledger) -> Wakeup:
    recorder = ledger.recorder
    if settings.database_url is None or not isinstance(
        recorder, ChainedPostgresApplicationRecorder
    ):
        return Pause()
    return Listener(settings.database_url, recorder.appended_channel)


def _leadership(settings: Settings) -> Leadership:
    if settings.database_url is None:
        return FileLeadership(settings.data_dir / "projections.lock")
    return AdvisoryLeadership(
        settings.database_url, f"parcours-projections:{settings.database_schema}"
    )


def event_store_env(settings: Settings) -> dict[str, str]:
    """The `eventsourcing` environment for the configured backend (DESIGN.md's facts applied)."""
    return {WORKING_SET_ENV: str(settings.aggregate_cache_size)} | _backend_env(settings)


def _backend_env(settings: Settings) -> dict[str, str]:
    if settings.database_url is None:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.data_dir / EVENTS_FILE),
            "SQLITE_LOCK_TIMEOUT": str(settings.store_lock_timeout_seconds),
            "APPLICATION_RECORDER_TOPIC": f"{CHAINED}:ChainedSQLiteApplicationRecorder",
        }
    params = conninfo.conninfo_to_dict(settings.database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(params.get("dbname", "postgres")),
        "POSTGRES_HOST": str(params.get("host", "127.0.0.1")),
        "POSTGRES_PORT": str(params.get("port", "5432")),
        "POSTGRES_USER": str(params.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(params.get("password", "")),
        "POSTGRES_SCHEMA": settings.database_schema,
        # Off on purpose: with it on, eventsourcing 9.5.6 can lose events (DESIGN.md).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        # Short, so that requests during an outage get their 503 in seconds, not minutes; stale
        # pooled connections (after a server restart) are replaced before use.
        "POSTGRES_CONNECT_TIMEOUT": "2",
        "POSTGRES_LOCK_TIMEOUT": str(settings.store_lock_timeout_seconds),
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "14",
        "APPLICATION_RECORDER_TOPIC": f"{CHAINED}:ChainedPostgresApplicationRecorder",
    }


def ensure_schema(database_url: str, schema: str) -> None:
    with pg_connect(database_url, autocommit=True) as db:
        db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


@contextmanager
def _schema_lock(settings: Settings) -> Iterator[None]:
    """Serialises start-ups on one PostgreSQL schema: concurrent `CREATE … IF NOT EXISTS` of the
    same objects otherwise fail ("tuple concurrently updated") when several processes start."""
    if settings.database_url is None:
        yield
        return
    with pg_connect(settings.database_url, autocommit=True) as db:
        lock = ("SELECT pg_advisory_lock(hashtext(%s))", (f"parcours:{settings.database_schema}",))
        db.execute(*lock)
        try:
            schema = sql.Identifier(settings.database_schema)
            db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
            yield
        finally:
            db.execute("SELECT pg_advisory_unlock(hashtext(%s))", lock[1])


def audit_key_path(settings: Settings) -> Path:
    """The Ed25519 key that signs checkpoints: configured, or generated beside the data."""
    return settings.audit_key_file or settings.data_dir / AUDIT_KEY_FILE


def _key_store(settings: Settings, breaker: StoreBreaker) -> KeyStore:
    if settings.database_url is None:
        return SQLiteKeyStore(settings.data_dir / KEYS_FILE)
    return PostgresKeyStore(settings.database_url, settings.database_schema, breaker)


def keyring(settings: Settings) -> Keyring:
    """The configured KEKs (production), or the development keyring in the data dir."""
    if settings.master_key is None:
        return development_keyring(settings.data_dir)
    current = KeyEncryptionKey(settings.master_key_id, base64.b64decode(settings.master_key))
    previous = {
        kek_id: KeyEncryptionKey(kek_id, base64.b64decode(key))
        for kek_id, key in settings.previous_master_keys.items()
    }
    return Keyring(current, previous)
