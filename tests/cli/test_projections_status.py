"""`parcours projections status`: a failed projection exits 1, and projections held behind the
access facts say why they lag."""

import pytest
from typer.testing import CliRunner

from api.bootstrap import build
from api.cli import app
from api.settings import Settings
from tests.projections.broken import BrokenCases
from tests.support import FrozenClock, build_network


def test_the_projections_held_behind_failed_facts_say_where_and_why(
    settings: Settings, environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock()
    parcours = build(settings, clock=clock)
    try:
        network = build_network(parcours.ledger, clock)
        young_person = network.enrol()
        runner = parcours.projections
        runner.prepare()
        runner.catch_up()
        monkeypatch.setitem(runner.projections, "cases", BrokenCases)
        network.intervene(young_person)
        runner.catch_up()
        held = next(g for g in runner.generations() if g.served and g.name == "cases").position
    finally:
        parcours.close()

    result = CliRunner().invoke(app, ["projections", "status", "--json"], env=environment)

    assert result.exit_code == 1
    assert f"the other projections wait at position {held}" in result.output
    assert "projection cases (generation 1) failed at position" in result.output
