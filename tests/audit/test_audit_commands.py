"""The auditor's commands on both backends: verify, checkpoint, replay, trail, dump, erase."""

import json
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.bootstrap import audit_key_path, build
from api.cli import app
from api.settings import Settings
from api.simulation import simulate
from api.simulation.clock import SimulatedClock
from domain.actor import Actor
from domain.ledger.chain.store import ChainStore
from domain.vocabulary import Role


@pytest.fixture
def simulated(settings: Settings) -> list[str]:
    """A small simulated network, its projections caught up; returns its young people."""
    clock = SimulatedClock()
    parcours = build(settings, clock=clock)
    try:
        summary = simulate(parcours.ledger, clock, young_people=12, months=3, seed=3)
        parcours.projections.prepare()
        parcours.projections.catch_up()
    finally:
        parcours.close()
    return [str(i) for i in summary.young_person_ids]


def run(environment: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=environment)
    return result.exit_code, result.output


def test_replay_of_a_simulated_ledger_equals_the_live_projections(
    environment: dict[str, str], simulated: list[str]
) -> None:
    code, output = run(environment, "audit", "replay")

    assert code == 0, output
    assert "replay equals live" in output


def test_verify_passes_then_fails_after_tampering_naming_the_position(
    environment: dict[str, str], simulated: list[str], settings: Settings, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "witness"
    assert run(environment, "audit", "checkpoint", "--out", str(checkpoints))[0] == 0
    code, output = run(environment, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 0, output
    assert "intact" in output

    from tests.persistence.test_chain import raw  # noqa: PLC0415

    with raw(settings) as sql:
        sql("UPDATE {events} SET state = ? WHERE {pos} = 20", b'{"forged":1}')
    code, output = run(environment, "audit", "verify", "--checkpoints", str(checkpoints))

    assert code == 1
    assert "position 20" in output


def test_a_checkpoint_signs_the_head_it_verified_while_commands_are_recorded(
    environment: dict[str, str],
    simulated: list[str],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command recorded between the head's read and the verification's end: signed with the
    link and hash verified but the position read before, the checkpoint failed every later
    verification against it."""
    live = build(settings)
    head = ChainStore.head

    def then_a_command(store: ChainStore) -> tuple[int, int, bytes] | None:
        found = head(store)
        admin = Actor("admin", Role.NETWORK_ADMIN)
        live.ledger.register_association(admin, name="Arrivée", territory="93", competences=())
        return found

    monkeypatch.setattr(ChainStore, "head", then_a_command)
    witness = tmp_path / "witness"
    try:
        signed = run(environment, "audit", "checkpoint", "--out", str(witness))
    finally:
        live.close()
    monkeypatch.undo()

    code, output = run(environment, "audit", "verify", "--checkpoints", str(witness))

    assert signed[0] == 0, signed[1]
    assert code == 0, output
    assert "1 checkpoint(s) matched" in output


def test_a_checkpoint_is_not_signed_over_a_chain_that_does_not_verify(
    environment: dict[str, str], simulated: list[str], settings: Settings, tmp_path: Path
) -> None:
    """Signed blindly, the head of a tampered chain would be vouched for as "the chain we
    saw", and every later verification against it would pass."""
    witness = tmp_path / "witness"
    assert run(environment, "audit", "checkpoint", "--out", str(witness))[0] == 0
    from tests.persistence.test_chain import raw  # noqa: PLC0415

    with raw(settings) as sql:
        sql("UPDATE {events} SET state = ? WHERE {pos} = 20", b'{"forged":1}')

    code, output = run(environment, "audit", "checkpoint", "--out", str(witness))

    assert code == 1
    assert "position 20" in output
    assert "no checkpoint signed" in output
    assert len(list(witness.iterdir())) == 1


def test_verify_against_checkpoints_fails_closed(
    environment: dict[str, str], simulated: list[str], settings: Settings, tmp_path: Path
) -> None:
    """A mistyped directory, an empty one, or a missing audit key: an error, never "intact,
    0 checkpoint(s) matched" — and verifying never makes a new audit key."""
    witness, empty = tmp_path / "witness", tmp_path / "empty"
    empty.mkdir()
    assert run(environment, "audit", "checkpoint", "--out", str(witness))[0] == 0

    missing = run(environment, "audit", "verify", "--checkpoints", str(tmp_path / "witnes"))
    none = run(environment, "audit", "verify", "--checkpoints", str(empty))
    key = audit_key_path(settings)
    key.unlink()
    keyless = run(environment, "audit", "verify", "--checkpoints", str(witness))

    assert missing[0] == 2
    assert "is not a directory" in missing[1]
    assert none[0] == 2
    assert "holds no checkpoint" in none[1]
    assert keyless[0] == 2
    assert "audit key" in keyless[1]
    assert not key.exists()


def test_trail_and_dump_show_a_stream_with_its_chain_links(
    environment: dict[str, str], simulated: list[str]
) -> None:
    code, trail = run(environment, "audit", "trail", "--stream", simulated[0], "--first", "3")
    assert code == 0, trail
    assert len(trail.strip().splitlines()) == 3
    assert "YoungPerson.Enrolled" in trail.splitlines()[0]

    code, dumped = run(environment, "audit", "dump", "--stream", simulated[0])
    assert code == 0, dumped
    first = json.loads(dumped.splitlines()[0])
    assert first["version"] == 1
    assert len(first["chain_hash"]) == 64
    assert first["state_base64"]


def test_erase_destroys_the_key_and_the_ledger_still_verifies(
    environment: dict[str, str], simulated: list[str], settings: Settings
) -> None:
    code, output = run(environment, "erase", simulated[1], "--reason", "request 2026-17")
    assert code == 0, output

    parcours = build(settings)
    try:
        assert not parcours.vault.has_key(UUID(simulated[1]))
    finally:
        parcours.close()
    assert run(environment, "audit", "verify")[0] == 0
    again = run(environment, "erase", simulated[1], "--reason", "twice")
    assert again[0] == 2
    assert "ERASED" in again[1]


def test_a_checkpoint_into_a_file_is_refused_naming_out(
    environment: dict[str, str], simulated: list[str], tmp_path: Path
) -> None:
    """`--out` naming a file ended in a `FileExistsError` traceback."""
    existing = tmp_path / "witness.txt"
    existing.write_text("kept\n")

    code, output = run(environment, "audit", "checkpoint", "--out", str(existing))

    assert code == 2
    assert "--out" in output
    assert "is not a directory" in output
    assert existing.read_text() == "kept\n"
