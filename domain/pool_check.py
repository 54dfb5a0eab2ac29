"""The check a connection pool runs before lending a PostgreSQL connection.

Pinging every checkout costs a round trip per transaction (a timeline page made four) for the
rare restart it catches. An idle connection to a live server is silent; one whose server went
away has the server's goodbye or the socket's end waiting to be read. So the pool pings only a
connection with something to say (`tests/projections/test_session.py` terminates a pooled
connection's backend: the next transaction gets a fresh connection).
"""

import select
from typing import Any

from psycopg_pool import ConnectionPool


def check_if_stirred(connection: Any) -> None:
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(connection)
