"""One transaction for all of a request's reads (and its access-log record).

A timeline page reads access facts, the case, the page and its authors: four queries that each
opened a transaction of their own cost four pool checkouts, four BEGIN/COMMIT pairs and four
served-generation lookups — more than the queries themselves on PostgreSQL. Inside a session
the query functions run unchanged against a store whose every `transaction()` is the session's
one, so they also read one consistent state; the access log's insert joins it, and commits with
it or not at all.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from projections.store import ReadStore, Tx


class SessionStore:
    """A read store bound to one open transaction: `transaction()` yields it again."""

    def __init__(self, tx: Tx) -> None:
        self.dialect = tx.dialect
        self.tx = tx

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[Tx]:
        yield self.tx

    def close(self) -> None:
        """The session's owner ends the transaction; closing the view of it does nothing."""


@contextmanager
def session(store: ReadStore) -> Iterator[SessionStore]:
    """A store for one request: everything done through it commits at the end of the block,
    and nothing does if the block raises."""
    with store.transaction() as tx:
        yield SessionStore(tx)
