"""P5 (timeline pages over GraphQL HTTP, 16 clients, against a plain endpoint) and P6 (timeline
latency in a large store against a small one)."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import orjson
import psycopg
from psycopg import sql

from api.auth.tokens import instance_tokens_from_settings
from api.bootstrap import build
from api.graphql.ids import to_global
from api.settings import Settings
from bench.dataset import Dataset
from bench.report import AT_LEAST, AT_MOST, Row, row
from bench.serving import Request, free_port, load, server
from bench.stats import median, percentile, spread
from bench.store import database_url
from domain.vocabulary import Role
from projections.queries.cases import access_facts

PAGE = 100
CLIENTS = 16
P99_BOUND_MS = 50.0
DOCUMENT = """query Timeline($id: ID!, $first: Int) {
  youngPerson(id: $id) {
    id
    timeline(first: $first) {
      edges { cursor node { id kind occurredAt recordedAt domain summary redacted amended
                            retracted association { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


@dataclass(frozen=True)
class Case:
    young_person_id: UUID
    token: str


def long_cases(settings: Settings, limit: int = 40) -> list[Case]:
    """Young people with at least a page of entries, and a token of their lead's worker."""
    statement = sql.SQL(
        "SELECT originator_id FROM {}.ledger_events WHERE topic LIKE %s"
        " GROUP BY originator_id HAVING count(*) > %s LIMIT %s"
    ).format(sql.Identifier(settings.database_schema))
    with psycopg.connect(database_url()) as db:
        ids = [
            UUID(str(r[0])) for r in db.execute(statement, ("domain.case_file.%", PAGE + 5, limit))
        ]
    tokens = instance_tokens_from_settings(settings)
    assert tokens is not None
    parcours = build(settings)
    try:
        cases = []
        for young_person in ids:
            lead = access_facts(parcours.read_store, young_person).lead_association_id
            assert lead is not None
            token = tokens.issue("bench-reader", Role.WORKER, UUID(lead), ttl=timedelta(hours=2))
            cases.append(Case(young_person, token))
    finally:
        parcours.close()
    return cases


def graphql_request(case: Case) -> Request:
    body = {
        "query": DOCUMENT,
        "variables": {"id": to_global("YoungPerson", str(case.young_person_id)), "first": PAGE},
    }
    return Request(
        "POST",
        "/graphql",
        orjson.dumps(body),
        {"Authorization": f"Bearer {case.token}", "Content-Type": "application/json"},
    )


def plain_request(case: Case) -> Request:
    return Request(
        "GET",
        f"/timeline/{case.young_person_id}?first={PAGE}",
        None,
        {"Authorization": f"Bearer {case.token}"},
    )


def _parcours_server(port: int) -> list[str]:
    return [
        "-m",
        "api.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-embedded-projections",
    ]


def _plain_server(port: int) -> list[str]:
    return [
        "-m",
        "uvicorn",
        "bench.plain:create",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


def throughput_row(data: Dataset, seconds: float, runs: int) -> Row:
    cases = long_cases(data.settings)
    ours_requests = [graphql_request(c) for c in cases]
    plain_requests = [plain_request(c) for c in cases]
    ours: list[float] = []
    plain: list[float] = []
    p99s: list[float] = []
    plain_p99s: list[float] = []
    port_ours, port_plain = free_port(), free_port()
    with (
        server(_parcours_server(port_ours), data.settings, port_ours, "/healthz"),
        server(_plain_server(port_plain), data.settings, port_plain, "/docs"),
    ):
        load(port_ours, ours_requests, CLIENTS, 2.0)  # warm up both
        load(port_plain, plain_requests, CLIENTS, 2.0)
        for _ in range(runs):
            measured = load(port_ours, ours_requests, CLIENTS, seconds)
            ours.append(measured.throughput)
            p99s.append(percentile(measured.latencies, 99) * 1000)
            served = load(port_plain, plain_requests, CLIENTS, seconds)
            plain.append(served.throughput)
            plain_p99s.append(percentile(served.latencies, 99) * 1000)
    ratios = [o / p for o, p in zip(ours, plain, strict=True)]
    p99 = median(p99s)
    paged = row(
        "P5",
        f"timeline page ({PAGE} entries) over GraphQL HTTP, {CLIENTS} clients",
        median(ours),
        median(plain),
        "pages/s",
        median(ratios),
        (AT_LEAST, 0.25),
        extra=[(f"p99 <= {P99_BOUND_MS:g} ms ({p99:.1f} ms)", p99 <= P99_BOUND_MS)],
        spread=spread(ratios),
    )
    paged.notes.append(
        f"the plain endpoint's own p99 under the same load: {median(plain_p99s):.1f} ms"
        f" (spread {spread(plain_p99s)}); {CLIENTS} clients in a closed loop at a"
        f" {P99_BOUND_MS:g} ms p99 need more than {CLIENTS / P99_BOUND_MS * 1000:.0f} pages/s"
    )
    return paged


def _latency_ms(data: Dataset, seconds: float) -> float:
    cases = long_cases(data.settings)
    port = free_port()
    with server(_parcours_server(port), data.settings, port, "/healthz"):
        load(port, [graphql_request(c) for c in cases], 1, 2.0)
        measured = load(port, [graphql_request(c) for c in cases], 1, seconds)
    return median(measured.latencies) * 1000


def scale_row(small: Dataset, large: Dataset, seconds: float, runs: int) -> Row:
    pairs = [
        (_latency_ms(small, int(seconds)), _latency_ms(large, int(seconds))) for _ in range(runs)
    ]
    ratios = [big / little for little, big in pairs]
    return row(
        "P6",
        f"timeline latency at {large.events:,} vs {small.events:,} total events",
        median([b for _, b in pairs]),
        median([s for s, _ in pairs]),
        "ms (median)",
        median(ratios),
        (AT_MOST, 1.3),
        spread=spread(ratios),
    )
