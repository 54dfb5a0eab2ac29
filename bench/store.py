"""Scratch PostgreSQL schemas for the benchmarks, dropped afterwards."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from api.settings import Environment, Settings

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def database_url() -> str:
    return os.environ.get("PARCOURS_BENCH_DATABASE_URL", DEFAULT_URL)


def fresh_schema(prefix: str) -> str:
    return f"bench_{prefix}_{uuid.uuid4().hex[:8]}"


@contextmanager
def scratch(prefix: str, data_dir: Path) -> Iterator[Settings]:
    """Settings for an instance on an empty schema of its own."""
    schema = fresh_schema(prefix)
    try:
        yield settings_for(schema, data_dir)
    finally:
        drop(schema)


def settings_for(schema: str, data_dir: Path) -> Settings:
    return Settings(
        env=Environment.TEST,
        data_dir=data_dir,
        database_url=database_url(),
        database_schema=schema,
    )


def drop(schema: str) -> None:
    with psycopg.connect(database_url(), autocommit=True) as db:
        db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
