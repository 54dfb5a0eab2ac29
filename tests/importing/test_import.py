"""`parcours import`: legacy history, validated like any command, on both backends."""

import gc
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from typer.testing import CliRunner

from api.bootstrap import Parcours
from api.cli import app
from api.importing.history import ImportFailed, import_history, line_field
from api.settings import Settings
from bench.history import history
from domain.errors import NotPermitted
from domain.ledger import fingerprints
from tests.conftest import Instances

ADMIN = {"user_id": "legacy-admin", "role": "NETWORK_ADMIN"}


def worker(association: str) -> dict[str, object]:
    return {"user_id": "legacy-w", "role": "WORKER", "association_id": {"$ref": association}}


def association(name: str) -> dict[str, object]:
    return {
        "command": "register_association",
        "actor": ADMIN,
        "as": name,
        "key": f"asso-{name}",
        "args": {"name": name, "territory": "93"},
    }


def enrolment(name: str, by: str) -> dict[str, object]:
    return {
        "command": "enrol_young_person",
        "actor": worker(by),
        "as": name,
        "key": f"yp-{name}",
        "args": {
            "first_name": "Camille",
            "last_name": name,
            "date_of_birth": "2009-05-17",
            "territory": "93",
            "occurred_at": "2025-01-06T09:00:00+00:00",
        },
    }


def intervention(person: str, by: str, n: int, **overrides: object) -> dict[str, object]:
    args: dict[str, object] = {
        "young_person_id": {"$ref": person},
        "domain": "EDUCATION",
        "kind": "tutoring",
        "occurred_at": "2025-02-03T10:00:00+00:00",
        "summary": f"session {n}",
    }
    args.update(overrides)
    return {
        "command": "record_intervention",
        "actor": worker(by),
        "key": f"iv-{person}-{n}",
        "args": args,
    }


def lines(*commands: dict[str, object]) -> list[bytes]:
    return [orjson.dumps(c) for c in commands]


def stored(parcours: Parcours) -> int:
    return parcours.ledger.recorder.max_notification_id() or 0


def test_a_history_is_recorded_with_names_resolved(parcours: Parcours) -> None:
    report = import_history(
        parcours.ledger,
        lines(
            association("a"), enrolment("p", "a"), *[intervention("p", "a", n) for n in range(5)]
        ),
        chunk_size=3,
    )

    assert (report.lines, report.chunks, report.chunks_run_one_by_one) == (7, 3, 0)
    kinds = [
        i.kind
        for yp in _young_people(parcours)
        for i in parcours.ledger.young_person(yp).interventions.values()
    ]
    assert kinds == ["tutoring"] * 5


def test_importing_the_same_file_again_records_nothing_new(parcours: Parcours) -> None:
    history_lines = list(history(600))
    import_history(parcours.ledger, history_lines, chunk_size=100)
    recorded = stored(parcours)

    again = import_history(parcours.ledger, history_lines, chunk_size=100)

    assert stored(parcours) == recorded
    assert again.chunks_run_one_by_one == again.chunks


def test_an_invalid_line_stops_the_import_and_names_line_and_field(parcours: Parcours) -> None:
    given = lines(
        association("a"),
        enrolment("p", "a"),
        intervention("p", "a", 1),
        intervention("p", "a", 2, domain="ASTROLOGY"),
        intervention("p", "a", 3),
    )

    with pytest.raises(ImportFailed) as failure:
        import_history(parcours.ledger, given, chunk_size=10)

    assert failure.value.line == 4
    assert failure.value.error.field == "args.domain"
    assert "line 4" in str(failure.value)
    people = _young_people(parcours)
    assert len(people) == 1
    assert len(parcours.ledger.young_person(people[0]).interventions) == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (b"not json", "line"),
        (
            b'{"command": "erase_young_person", "actor": {"user_id": "x", "role": "WORKER"},'
            b' "key": "k"}',
            "command",
        ),
        (
            b'{"command": "register_association", "actor": {"user_id": "x", "role": "KING"},'
            b' "args": {"name": "n", "territory": "93"}, "key": "k"}',
            "actor.role",
        ),
        (
            b'{"command": "record_intervention", "actor": {"user_id": "x", "role": "WORKER"},'
            b' "args": {"young_person_id": {"$ref": "nobody"}}, "key": "k"}',
            "args.young_person_id",  # where the reference is
        ),
        (
            b'{"command": "register_association",'
            b' "actor": {"user_id": "x", "role": "NETWORK_ADMIN"},'
            b' "args": {"name": "n", "territory": "93", "colour": "red"}, "key": "k"}',
            "args.colour",
        ),
        (
            b'{"command": "register_association",'
            b' "actor": {"user_id": "x", "role": "NETWORK_ADMIN"},'
            b' "args": {"name": "", "territory": "93"}, "key": "k"}',
            "args.name",  # as the line writes it, not as the ledger calls it
        ),
        (
            b'{"command": "register_association",'
            b' "actor": {"user_id": "x", "role": "NETWORK_ADMIN"},'
            b' "args": {"name": "n", "territory": "93"}}',
            "key",
        ),
        (  # the ledger's own role: never an importer's
            b'{"command": "register_association", "actor": {"user_id": "parcours",'
            b' "role": "SYSTEM"}, "args": {"name": "n", "territory": "93"}, "key": "k"}',
            "actor.role",
        ),
        (  # an admin acting for an association would gain its rights
            b'{"command": "register_association", "actor": {"user_id": "x",'
            b' "role": "NETWORK_ADMIN", "association_id": "9b7e6c1e-8f0a-4a55-9d8e-1c2b3a4d5e6f"},'
            b' "args": {"name": "n", "territory": "93"}, "key": "k"}',
            "actor.association_id",
        ),
        (  # a line break in "who" forged a line of `parcours audit trail`
            b'{"command": "register_association", "actor": {"user_id": "x\\n7\\tforged",'
            b' "role": "NETWORK_ADMIN"}, "args": {"name": "n", "territory": "93"}, "key": "k"}',
            "actor.user_id",
        ),
        (  # the actor's association, unknown: not an argument of the enrolment
            b'{"command": "enrol_young_person", "actor": {"user_id": "x", "role": "WORKER",'
            b' "association_id": "9b7e6c1e-8f0a-4a55-9d8e-1c2b3a4d5e6f"}, "args": {'
            b'"first_name": "C", "last_name": "M", "date_of_birth": "2009-05-17",'
            b' "territory": "93"}, "key": "k"}',
            "actor.association_id",
        ),
        (  # a key of the line it does not know is the line's, not an argument
            b'{"command": "register_association", "actor": {"user_id": "x",'
            b' "role": "NETWORK_ADMIN"}, "args": {"name": "n", "territory": "93"}, "key": "k",'
            b' "keys": "k"}',
            "keys",
        ),
        (  # nested past orjson's bound for dumping the arguments: a traceback, no line
            b'{"command": "register_association", "actor": {"user_id": "x",'
            b' "role": "NETWORK_ADMIN"}, "args": {"name": ' + b"[" * 300 + b"]" * 300 + b"},"
            b' "key": "k"}',
            "line",
        ),
        (  # nested past Python's recursion limit in resolving names
            b'{"command": "register_association", "actor": {"user_id": "x",'
            b' "role": "NETWORK_ADMIN"}, "args": {"name": ' + b"[" * 1000 + b"]" * 1000 + b"},"
            b' "key": "k"}',
            "line",
        ),
    ],
)
def test_refusals_name_the_field(parcours: Parcours, line: bytes, field: str) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_history(parcours.ledger, [line])

    assert failure.value.line == 1
    assert failure.value.error.field == field
    assert stored(parcours) == 0


def test_a_chunk_colliding_with_the_store_is_run_line_by_line(instances: Instances) -> None:
    first = instances.start()
    head = lines(association("a"), enrolment("p", "a"))
    import_history(first.ledger, head)
    partly = [*head, *lines(*[intervention("p", "a", n) for n in range(4)])]

    report = import_history(instances.start().ledger, partly, chunk_size=10)

    assert report.chunks_run_one_by_one == 1
    people = _young_people(first)
    assert len(people) == 1
    assert len(instances.start().ledger.young_person(people[0]).interventions) == 4


def test_a_chunk_run_line_by_line_takes_back_the_names_its_first_attempt_gave(
    parcours: Parcours,
) -> None:
    """A name given again later in a colliding chunk must not leak to the lines before it when
    the chunk is run again: they still mean what the name meant before the chunk."""
    earlier = intervention("p", "a", 1)
    renamed = {**enrolment("p", "a"), "key": "yp-p-second"}

    report = import_history(
        parcours.ledger,
        lines(association("a"), enrolment("p", "a"), earlier)
        + lines(earlier, renamed, intervention("p", "a", 2)),
        chunk_size=3,
    )

    assert report.chunks_run_one_by_one == 1
    first, second = (parcours.ledger.young_person(p) for p in _young_people(parcours))
    assert len(first.interventions) == len(second.interventions) == 1


def test_a_chunk_decided_on_a_refused_one_is_decided_again_after_it(
    instances: Instances,
) -> None:
    """Chunks are written while the next is decided: when the one in flight is refused, the
    next — decided on names the refused chunk gave — must not be written as decided."""
    first = instances.start()
    head = lines(association("a"), enrolment("p", "a"))
    import_history(first.ledger, head)
    more = lines(*[intervention("p", "a", n) for n in range(4)])

    report = import_history(instances.start().ledger, [*head, *more], chunk_size=2)

    assert (report.lines, report.chunks, report.chunks_run_one_by_one) == (6, 3, 1)
    (person,) = _young_people(first)
    assert len(instances.start().ledger.young_person(person).interventions) == 4


def test_an_invalid_line_after_a_refused_chunk_still_records_every_line_before_it(
    instances: Instances,
) -> None:
    first = instances.start()
    head = lines(association("a"), enrolment("p", "a"))
    import_history(first.ledger, head)
    given = [
        *head,
        *lines(intervention("p", "a", 1), intervention("p", "a", 2, domain="ASTROLOGY")),
    ]

    with pytest.raises(ImportFailed) as failure:
        import_history(instances.start().ledger, given, chunk_size=2)

    assert failure.value.line == 4
    (person,) = _young_people(first)
    assert len(instances.start().ledger.young_person(person).interventions) == 1


def test_an_unreadable_line_stops_the_import_after_the_lines_before_it(
    parcours: Parcours,
) -> None:
    given = [
        *lines(association("a"), enrolment("p", "a"), intervention("p", "a", 1)),
        b"{not json",
        *lines(intervention("p", "a", 2)),
    ]

    with pytest.raises(ImportFailed) as failure:
        import_history(parcours.ledger, given, chunk_size=10)

    assert (failure.value.line, failure.value.error.field) == (4, "line")
    (person,) = _young_people(parcours)
    assert len(parcours.ledger.young_person(person).interventions) == 1


def test_the_cli_imports_a_file_with_a_progress_bar(
    settings: Settings, tmp_path: Path, environment: dict[str, str]
) -> None:
    source = tmp_path / "legacy.jsonl"
    source.write_bytes(b"\n".join(lines(association("a"), enrolment("p", "a"))) + b"\n\n")

    result = CliRunner().invoke(app, ["import", str(source)], env=environment)

    assert result.exit_code == 0, result.output
    assert "imported 2 lines in 1 transactions" in result.output
    progress = next(line for line in result.output.splitlines() if line.startswith("importing"))
    assert progress.split()[-2] == "2/2", "the bar counts the lines as they are decided"


def test_the_cli_says_which_line_is_invalid(tmp_path: Path, environment: dict[str, str]) -> None:
    source = tmp_path / "legacy.jsonl"
    source.write_bytes(b"\n".join(lines(association("a"), enrolment("p", "nobody"))))

    result = CliRunner().invoke(app, ["import", str(source)], env=environment)

    assert result.exit_code == 2
    assert "line 2 (actor.association_id)" in result.output


@pytest.mark.parametrize("name", ["[/x]", "[bold]hidden"])
def test_the_cli_names_a_reference_with_brackets_as_written(
    tmp_path: Path, environment: dict[str, str], name: str
) -> None:
    """Rich took `[/x]` for markup (a traceback, exit 1) and printed `[bold]hidden` as
    `hidden`: the name the operator must look for in the file."""
    source = tmp_path / "legacy.jsonl"
    source.write_bytes(b"\n".join(lines(association("a"), enrolment("p", name))))

    result = CliRunner().invoke(app, ["import", str(source)], env=environment)

    assert result.exit_code == 2
    assert f"no earlier line took the name '{name}'" in result.output


def _young_people(parcours: Parcours) -> list[UUID]:
    notifications = parcours.ledger.recorder.select_notifications(start=1, limit=100_000)
    enrolled = {n.originator_id for n in notifications if n.topic.endswith("YoungPerson.Enrolled")}
    return sorted((UUID(str(i)) for i in enrolled), key=str)


def test_chunks_are_decided_with_the_collector_paused_and_it_comes_back_on(
    parcours: Parcours, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pause (`domain/collector.py`) covers reading and deciding each chunk, and ends with
    it: also when a line stops the import."""
    gc.enable()
    seen: list[bool] = []
    record = parcours.ledger.record_intervention

    def watched(*args: object, **kwargs: object) -> UUID:
        seen.append(gc.isenabled())
        return record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parcours.ledger, "record_intervention", watched)
    given = lines(
        association("a"),
        enrolment("p", "a"),
        intervention("p", "a", 1),
        intervention("p", "a", 2, domain="ASTROLOGY"),
    )

    with pytest.raises(ImportFailed):
        import_history(parcours.ledger, given, chunk_size=10)

    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_chunk_stores_its_new_keys_in_one_transaction_before_its_events(
    parcours: Parcours, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys before the events sealed with them (an event must never outlive its key's
    absence), and one commit for a chunk's keys instead of one per enrolment."""
    log: list[str] = []
    store = parcours.key_store
    put, put_many = store.put, store.put_many
    recorder = parcours.ledger.recorder
    insert_events = recorder.insert_events

    def logged_put(subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        log.append("the fingerprints' secret" if subject == fingerprints.SECRET else "key")
        return put(subject, kek_id, wrapped)

    def logged_put_many(keys: list[tuple[UUID, str, bytes]]) -> set[UUID]:
        log.append(f"{len(keys)} keys")
        return put_many(keys)

    def logged_insert(events: list[object], **kwargs: object) -> object:
        log.append("events")
        return insert_events(events, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "put", logged_put)
    monkeypatch.setattr(store, "put_many", logged_put_many)
    monkeypatch.setattr(recorder, "insert_events", logged_insert)
    given = lines(
        association("a"), enrolment("p", "a"), enrolment("q", "a"), intervention("p", "a", 1)
    )

    import_history(parcours.ledger, given, chunk_size=10)

    assert log == ["the fingerprints' secret", "2 keys", "events"]
    people = _young_people(parcours)
    assert len(people) == 2
    assert all(store.get(person) is not None for person in people)


@pytest.mark.parametrize(
    ("role", "command", "args"),
    [
        ("AUDITOR", "enrol_young_person", {"first_name": "A", "last_name": "B",
                                            "date_of_birth": "2009-01-01", "territory": "93"}),
        ("EVALUATOR", "register_association", {"name": "n", "territory": "93"}),
        ("WORKER", "register_association", {"name": "n", "territory": "93"}),
    ],
)  # fmt: skip
def test_an_import_line_may_do_only_what_its_actor_s_role_may(
    parcours: Parcours, role: str, command: str, args: dict[str, str]
) -> None:
    """The policy's capability for each command applies to an imported line as to a request:
    an auditor enrolled young people and an evaluator registered associations."""
    actor: dict[str, object] = {"user_id": "x", "role": role}
    if role == "WORKER":
        actor["association_id"] = "9b7e6c1e-8f0a-4a55-9d8e-1c2b3a4d5e6f"
    line = orjson.dumps({"command": command, "actor": actor, "args": args, "key": "k"})

    with pytest.raises(ImportFailed) as failure:
        import_history(parcours.ledger, [line])

    assert isinstance(failure.value.error, NotPermitted)
    # The policy's refusal, not the domain's own (which would refuse some of these later):
    article = "an" if role[0] in "AEIOU" else "a"
    assert failure.value.error.message.startswith(f"{article} {role.lower()} may not ")
    assert stored(parcours) == 0


def test_a_key_used_again_for_another_line_stops_the_import_at_that_line(
    parcours: Parcours,
) -> None:
    """The second enrolment was dropped without a word and its name pointed at the first
    young person: the intervention after it went into the wrong case file."""
    bob = {**enrolment("bob", "a"), "key": "yp-camille"}

    with pytest.raises(ImportFailed) as failure:
        import_history(
            parcours.ledger,
            lines(association("a"), enrolment("camille", "a"), bob, intervention("bob", "a", 1)),
        )

    assert failure.value.line == 3
    assert failure.value.error.field == "key"
    assert len(_young_people(parcours)) == 1


def test_a_refusal_names_the_argument_as_the_line_writes_it(parcours: Parcours) -> None:
    """The ledger names a consent's recipients `association_ids`, as a request does; the
    line calls them `args.recipients`, and the operator must find the item in the file."""
    consent: dict[str, object] = {
        "command": "give_consent",
        "actor": worker("a"),
        "key": "consent-1",
        "args": {
            "young_person_id": {"$ref": "p"},
            "sensitivities": ["HEALTH"],
            "purpose": "care coordination",
            "given_by": "YOUNG_PERSON",
            "recipients": [{"$ref": "a"}, "9b7e6c1e-8f0a-4a55-9d8e-1c2b3a4d5e6f"],
            "occurred_at": "2025-01-07T09:00:00+00:00",
        },
    }

    with pytest.raises(ImportFailed) as failure:
        import_history(parcours.ledger, lines(association("a"), enrolment("p", "a"), consent))

    assert failure.value.line == 3
    assert failure.value.error.field == "args.recipients[1]"
    assert "line 3 (args.recipients[1])" in str(failure.value)


@pytest.mark.parametrize(
    ("field", "in_the_line"),
    [
        (None, None),
        ("first_name", "args.first_name"),
        ("association_ids[2]", "args.recipients[2]"),
        ("partner_ids", "args.partners"),
        ("components[1].association_id", "args.components[1].association_id"),
        ("idempotency_key", "key"),
        ("association_id", "actor.association_id"),  # no such argument: the actor's
        ("args.domain", "args.domain"),
        ("actor.role", "actor.role"),
        ("line", "line"),
    ],
)
def test_the_ledger_s_field_names_become_the_line_s(field: str | None, in_the_line: str) -> None:
    assert line_field(field) == in_the_line
