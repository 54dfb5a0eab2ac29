"""TCP liveness settings for every PostgreSQL connection Parcours opens.

A statement waiting for a lock is bounded by `lock_timeout`; a server gone from the network (a
partition, a host lost without a reset) is not: libpq waits on the kernel, which by default
retransmits unacknowledged data for about fifteen minutes and probes an idle connection only
after two hours. An append holds the ledger's one write lock while it waits, so every writer,
and then every request thread, would wait with it. With these, data the server does not
acknowledge fails the connection after 30 s, and a connection waiting for an answer that never
comes fails after about a minute (30 s idle, then three probes 10 s apart); the store breaker
then answers 503 as for any outage. A busy server still acknowledges at the TCP level, so a
long statement is not cut short.
"""

from typing import Final

from psycopg.conninfo import conninfo_to_dict, make_conninfo

LIVENESS: Final[dict[str, int]] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}
"""libpq connection parameters (`tcp_user_timeout` in milliseconds)."""


def live(conninfo: str) -> str:
    """The connection string with the liveness parameters added (those given win)."""
    given = conninfo_to_dict(conninfo)
    return make_conninfo(conninfo, **{k: v for k, v in LIVENESS.items() if k not in given})
