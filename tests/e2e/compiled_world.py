"""A network to compare the compiled and the general path on, and the documents to compare.

The world has every kind of case a viewer can meet (shared with consent, with an expired
and a withdrawn consent, of another association, erased), entries of every sensitivity by two
associations, an amended and a retracted entry; the viewers cover every role, with and without
an association. `timeline_documents` draws timeline documents over it: field subsets, aliases,
duplicates, fragments, variables or literals, an operation name among several, valid and
invalid arguments.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from hypothesis import strategies as st

from api.graphql.schema import MAX_ALIASES
from domain.actor import Actor
from domain.vocabulary import ConsentGiver, Domain, Role, Sensitivity
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import PAST, case_led_by_a, consent, person_id, record, settle

ENTRY_FIELDS = (
    "id",
    "kind",
    "occurredAt",
    "recordedAt",
    "domain",
    "summary",
    "redacted",
    "amended",
    "retracted",
    "__typename",
)
ASSOCIATION_FIELDS = ("id", "name", "territory", "registeredAt", "__typename")
PAGE_INFO_FIELDS = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")
SIZES = (0, 1, 3, 100, 500)
BAD_SIZES = (-1, 501)
ALIAS_BUDGET = MAX_ALIASES - 8
"""Field aliases a document may use besides its fixed ones (yp, other, t2 and by, twice each)."""
BAD_CURSORS = ("bm9wZQ==", "WyJ5b3VuZy1wZW9wbGUiLCJ4IiwieSJd", "%%%")
MOMENTS = tuple(
    (PAST + timedelta(minutes=m)).isoformat() for m in (-60 * 24 * 30, 0, 2, 4, 60 * 24 * 30)
)


@dataclass(frozen=True)
class World:
    viewers: list[Actor]
    people: list[str]
    """Global ids: visible or not to each viewer, unknown, malformed, of another kind."""
    cursors: list[str]
    """Cursors the server issued (valid keyset positions for any case)."""


def build_world(api: Api) -> World:
    n = api.network
    shared = _shared_case(api)
    expired = _case_with_lapsed_consents(api)
    n.clock.advance(minutes=1)
    of_b = n.enrol(n.worker_b)
    record(api, n.worker_b, of_b, Domain.FAMILY_SUPPORT, "family meeting", minutes_after=5)
    erased = case_led_by_a(api)
    record(api, n.worker_a, erased, Domain.EDUCATION, "to be erased", minutes_after=6)
    n.ledger.erase_young_person(n.admin, erased, reason="art. 17")
    settle(api)
    viewers = [
        n.worker_a,
        n.worker_b,
        n.worker_c,
        n.coordinator_a,
        n.coordinator_b,
        n.admin,
        api.auditor(),
        api.evaluator(),
        Actor("worker-ghost", Role.WORKER, uuid4()),
    ]
    people = [person_id(case) for case in (shared, expired, of_b, erased)]
    # The first viewers and people are drawn more often: they see each other.
    people += [person_id(uuid4()), "not-an-id", global_id("Association", n.a)]
    return World(viewers=viewers, people=people, cursors=_cursors(api, shared))


def _shared_case(api: Api) -> UUID:
    """Led by A, B involved; entries of both in every sensitivity, one amended, one retracted;
    B may read A's GENERAL and HEALTH entries, A may read none of B's."""
    n = api.network
    case = case_led_by_a(api)
    written = [
        (n.worker_a, Domain.EDUCATION, "back at school"),
        (n.worker_a, Domain.MENTAL_HEALTH, "panic attacks"),
        (n.worker_a, Domain.LEGAL_JUSTICE, "court hearing"),
        (n.worker_b, Domain.HOUSING, "flat visited"),
        (n.worker_b, Domain.ADDICTION, "first meeting"),
        (n.worker_a, Domain.HOUSING, "rent arrears"),
    ]
    entries = [
        record(api, actor, case, domain, summary, minutes_after=i)
        for i, (actor, domain, summary) in enumerate(written)
    ]
    n.ledger.amend_intervention(
        n.worker_a, case, intervention_id=entries[0], reason="typo", summary="back at school!"
    )
    n.ledger.retract_intervention(n.worker_a, case, intervention_id=entries[5], reason="wrong")
    consent(api, case, Sensitivity.GENERAL, Sensitivity.HEALTH, to=(n.b,))
    return case


def _case_with_lapsed_consents(api: Api) -> UUID:
    """B involved; a JUSTICE consent that expired and a GENERAL consent withdrawn."""
    n = api.network
    n.clock.advance(minutes=1)
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.LEGAL_JUSTICE, "probation", minutes_after=3)
    record(api, n.worker_a, case, Domain.EMPLOYMENT_TRAINING, "cv workshop", minutes_after=4)
    today = n.clock().date()
    consent(api, case, Sensitivity.JUSTICE, expires_on=today + timedelta(days=1))
    withdrawn = n.ledger.give_consent(
        n.worker_a,
        case,
        sensitivities=(Sensitivity.GENERAL,),
        purpose="coordinated support",
        given_by=ConsentGiver.GUARDIAN,
    )
    n.ledger.withdraw_consent(n.worker_a, case, consent_id=withdrawn)
    n.clock.advance(days=2)
    settle(api)
    return case


def _cursors(api: Api, case: UUID) -> list[str]:
    query = """query($id: ID!) { youngPerson(id: $id) { timeline(first: 100) {
        edges { cursor } } } }"""
    page = api.gql(api.network.worker_a, query, id=person_id(case))["youngPerson"]["timeline"]
    return [edge["cursor"] for edge in page["edges"]]


@dataclass
class Document:
    """A document being drawn: its text parts, variables and whether its arguments are valid."""

    definitions: list[str] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    aliases: int = ALIAS_BUDGET
    """Field aliases still allowed, so that the document stays within the alias limit."""
    flawed: bool = False
    """Carries a page size or cursor the general path refuses. Such a document asks for one
    timeline only: with a sibling field running concurrently, the general path's error order and
    access rows would depend on timing."""

    def alias(self, draw: st.DrawFn) -> bool:
        if self.aliases == 0 or not draw(st.booleans()):
            return False
        self.aliases -= 1
        return True

    def argument(self, name: str, graphql_type: str, literal: str, value: Any, as_var: bool) -> str:
        if not as_var:
            return f"{name}: {literal}"
        variable = f"v{len(self.declared)}"
        self.declared.append(f"${variable}: {graphql_type}")
        self.variables[variable] = value
        return f"{name}: ${variable}"


def _fields(draw: st.DrawFn, doc: Document, names: tuple[str, ...], prefix: str) -> list[str]:
    """A subset of `names` (duplicates too), some aliased within the document's budget."""
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names) + 2))
    return [f"{prefix}{i}: {name}" if doc.alias(draw) else name for i, name in enumerate(chosen)]


def _entry_selection(draw: st.DrawFn, doc: Document) -> str:
    parts = _fields(draw, doc, ENTRY_FIELDS, "e")
    if draw(st.booleans()):
        association = " ".join(_fields(draw, doc, ASSOCIATION_FIELDS, "a"))
        if draw(st.booleans()):
            association += " ... on Node { id }"
        alias = "by: " if draw(st.booleans()) else ""
        parts.insert(draw(st.integers(0, len(parts))), f"{alias}association {{ {association} }}")
    split = draw(st.integers(0, len(parts)))
    direct, wrapped = " ".join(parts[:split]), " ".join(parts[split:])
    if not wrapped:
        return direct
    mode = draw(st.sampled_from(["plain", "inline", "named"]))
    if mode == "inline":
        return f"{direct} ... on TimelineEntry {{ {wrapped} }}"
    if mode == "named":
        name = f"Entry{len(doc.definitions)}"
        doc.definitions.append(f"fragment {name} on TimelineEntry {{ {wrapped} }}")
        return f"{direct} ...{name}"
    return f"{direct} {wrapped}"


def _connection(draw: st.DrawFn, doc: Document) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        edge = [f for f in ("cursor", "__typename") if draw(st.booleans())]
        edge.append(f"node {{ {_entry_selection(draw, doc)} }}")
        parts.append(f"edges {{ {' '.join(edge)} }}")
    if draw(st.booleans()) or not parts:
        parts.append(f"pageInfo {{ {' '.join(_fields(draw, doc, PAGE_INFO_FIELDS, 'p'))} }}")
    if draw(st.booleans()):
        parts.append("__typename")
    return " ".join(parts)


def _timeline_arguments(draw: st.DrawFn, doc: Document, world: World) -> str:
    """The arguments of a timeline; a flawed document's have a bad page size or cursor."""
    found: list[str] = []
    as_var = st.booleans()
    bad_size = doc.flawed and draw(st.booleans())
    size = draw(st.sampled_from(BAD_SIZES if bad_size else (None, *SIZES)))
    if size is not None:
        found.append(doc.argument("first", "Int", str(size), size, draw(as_var)))
    if (doc.flawed and not bad_size) or draw(st.booleans()):
        cursors = BAD_CURSORS if doc.flawed and not bad_size else world.cursors
        cursor = draw(st.sampled_from(cursors))
        found.append(doc.argument("after", "String", f'"{cursor}"', cursor, draw(as_var)))
    period = {n: draw(st.sampled_from(MOMENTS)) for n in ("from", "to") if draw(st.booleans())}
    if len(period) == 2 and not doc.flawed:  # a period ending before it starts is refused
        period = dict(zip(("from", "to"), sorted(period.values()), strict=True))
    for name, moment in period.items():
        found.append(doc.argument(name, "DateTime", f'"{moment}"', moment, draw(as_var)))
    if draw(st.booleans()):
        domains = draw(st.lists(st.sampled_from([d.value for d in Domain]), max_size=3))
        literal = f"[{', '.join(domains)}]"
        found.append(doc.argument("domains", "[Domain!]", literal, domains, draw(as_var)))
    return f"({', '.join(found)})" if found else ""


def _person(draw: st.DrawFn, doc: Document, world: World, alias: str) -> str:
    person = draw(st.sampled_from(world.people[:2]) | st.sampled_from(world.people))
    parts = [f"timeline{_timeline_arguments(draw, doc, world)} {{ {_connection(draw, doc)} }}"]
    if not doc.flawed and draw(st.booleans()):
        parts.append(f"t2: timeline(first: 2) {{ {_connection(draw, doc)} }}")
    parts += [f for f in ("id", "__typename") if draw(st.booleans())]
    parts = draw(st.permutations(parts))
    argument = doc.argument("id", "ID!", f'"{person}"', person, draw(st.booleans()))
    return f"{alias}youngPerson({argument}) {{ {' '.join(parts)} }}"


@st.composite
def timeline_documents(draw: st.DrawFn, world: World) -> tuple[dict[str, Any], bool]:
    """A request body for a timeline document the compiled path supports, and whether its
    arguments are valid (when they are not, the general path must answer for a visible case)."""
    doc = Document(flawed=draw(st.integers(0, 3)) == 0)
    roots = [_person(draw, doc, world, "yp: " if draw(st.booleans()) else "")]
    if not doc.flawed and draw(st.booleans()):
        roots.append(_person(draw, doc, world, "other: "))
    if draw(st.booleans()):
        roots.insert(0, "__typename")
    declared = f"({', '.join(doc.declared)})" if doc.declared else ""
    named = draw(st.booleans())
    operation = f"query {'Page' if named else ''}{declared} {{ {' '.join(roots)} }}"
    definitions = [operation, *doc.definitions]
    if named:
        definitions.insert(draw(st.integers(0, 1)), "query Other { me { userId } }")
    body: dict[str, Any] = {"query": "\n".join(definitions), "variables": doc.variables}
    if named:
        body["operationName"] = "Page"
    return body, not doc.flawed
