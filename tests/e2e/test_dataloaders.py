"""A page of N items costs a constant number of SQL statements, whatever N (DataLoaders).

Statements are counted by wrapping the read store's transactions, for the requests' threads
only (the embedded projection worker polls the same store in its own thread).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from domain.vocabulary import Domain
from projections.store import Tx
from tests.e2e.conftest import Api
from tests.e2e.scenes import PAST, person_id, settle

COUNTED = ("execute", "executemany", "fetchall", "fetchone")
PROJECTION_THREAD = "parcours-projections"


class CountingTx:
    def __init__(self, tx: Tx, statements: list[str]) -> None:
        self._tx = tx
        self._statements = statements

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._tx, name)
        if name not in COUNTED or threading.current_thread().name == PROJECTION_THREAD:
            return attribute

        def counted(statement: str, *args: Any) -> Any:
            self._statements.append(statement)
            return attribute(statement, *args)

        return counted


@pytest.fixture
def statements(api: Api, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements the API runs on the read store from now on."""
    seen: list[str] = []
    store = api.parcours.read_store
    original = store.transaction

    @contextmanager
    def transaction(**options: Any) -> Iterator[Any]:
        with original(**options) as tx:
            yield CountingTx(tx, seen)

    counting: Any = transaction
    monkeypatch.setattr(store, "transaction", counting)
    return seen


def cost(api: Api, statements: list[str], query: str, size: int, **variables: Any) -> int:
    """Runs the query for a page of `size` items as worker A; returns the statements it cost."""
    statements.clear()
    data = api.gql(api.network.worker_a, query, first=size, **variables)
    assert count_nodes(data) == size, "the page must hold as many items as asked"
    return len(statements)


def count_nodes(data: dict[str, Any]) -> int:
    (root,) = data.values()
    edges = root["timeline"]["edges"] if "timeline" in root else root["edges"]
    return len(edges)


def twenty_cases_each_referred(api: Api) -> None:
    n = api.network
    for i in range(20):
        n.clock.advance(minutes=1)
        case = n.enrol(n.worker_a)
        to = n.b if i % 2 else n.c
        n.ledger.make_referral(n.worker_a, case, to_association_id=to, domain=Domain.HOUSING)
    settle(api)


def twenty_cases_each_referred_elsewhere(api: Api) -> None:
    """Twenty referrals to twenty associations: a page of 20 names 21 associations where a
    page of 2 names 3, so loading them one by one would show in the count."""
    n = api.network
    for i in range(20):
        n.clock.advance(minutes=1)
        partner = n.ledger.register_association(n.admin, name=f"Partner {i}", territory="93")
        case = n.enrol(n.worker_a)
        n.ledger.make_referral(n.worker_a, case, to_association_id=partner, domain=Domain.HOUSING)
    settle(api)


def test_a_page_of_referrals_with_associations_and_competences_costs_the_same_for_any_size(
    api: Api, statements: list[str]
) -> None:
    twenty_cases_each_referred_elsewhere(api)
    query = """query($first: Int) { referrals(first: $first) { edges { node { status
        fromAssociation { name competences { domain } }
        toAssociation { name competences { domain } } } } } }"""

    assert cost(api, statements, query, 2) == cost(api, statements, query, 20)


def test_a_page_of_referrals_with_their_young_person_costs_the_same_for_any_size(
    api: Api, statements: list[str]
) -> None:
    twenty_cases_each_referred(api)
    query = """query($first: Int) { referrals(first: $first) { edges { node {
        youngPerson { displayName needs { severity } } } } } }"""

    assert cost(api, statements, query, 2) == cost(api, statements, query, 20)


def test_a_page_of_young_people_costs_the_same_for_any_size(
    api: Api, statements: list[str]
) -> None:
    twenty_cases_each_referred(api)
    query = """query($first: Int) { youngPeople(first: $first) { edges { node {
        displayName leadAssociation { name } consents { id }
        referrals { status } handovers { status } } } } }"""

    assert cost(api, statements, query, 2) == cost(api, statements, query, 20)


def test_a_page_of_timeline_entries_with_their_association_costs_the_same_for_any_size(
    api: Api, statements: list[str]
) -> None:
    n = api.network
    case = n.enrol(n.worker_a)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
    )
    n.ledger.accept_referral(n.worker_b, case, referral_id=referral)
    for i in range(20):
        n.ledger.record_intervention(
            n.worker_a if i % 2 else n.worker_b,
            case,
            domain=Domain.HOUSING,
            kind="visit",
            occurred_at=PAST - timedelta(days=i + 1),
            summary=f"visit {i}",
        )
    settle(api)
    query = """query($id: ID!, $first: Int) { youngPerson(id: $id) {
        timeline(first: $first) { edges { node { summary association { name territory
            competences { domain } } } } } } }"""

    assert cost(api, statements, query, 2, id=person_id(case)) == cost(
        api, statements, query, 20, id=person_id(case)
    )


def test_the_statement_counter_sees_the_requests_statements(
    api: Api, statements: list[str]
) -> None:
    api.gql(api.network.worker_a, "{ associations { edges { node { name } } } }")

    assert len(statements) >= 2
    assert any("projection_positions" in s for s in statements)
