"""An instance that fails to build, or an app that fails to start, closes what it had opened
(on PostgreSQL, connection pools and their threads) instead of leaving it to the collector's
finalizers."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.app
import api.bootstrap
from api.app import create_app
from api.bootstrap import Parcours, build
from api.settings import Settings
from domain.ledger import Ledger


def test_a_build_failing_late_closes_the_stores_it_opened(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []
    read_store_of = api.bootstrap._read_store

    def recorded(name: str, close: Any) -> Any:
        def closing() -> None:
            closed.append(name)
            close()

        return closing

    def read_store(*args: Any) -> Any:
        store = read_store_of(*args)
        monkeypatch.setattr(store, "close", recorded("read store", store.close))
        return store

    def refused(*_: Any, **__: Any) -> None:
        msg = "the database went away during the runner's DDL"
        raise RuntimeError(msg)

    def ledger(*args: Any) -> Ledger:
        made = Ledger(*args)
        monkeypatch.setattr(made, "close", recorded("ledger", made.close))
        return made

    monkeypatch.setattr(api.bootstrap, "Ledger", ledger)
    monkeypatch.setattr(api.bootstrap, "_read_store", read_store)
    monkeypatch.setattr(api.bootstrap, "ProjectionRunner", refused)

    with pytest.raises(RuntimeError, match="went away"):
        build(settings)

    assert closed == ["read store", "ledger"]


def test_an_app_failing_to_start_closes_the_instance_it_built(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Parcours] = []
    close = Parcours.close

    def closing(parcours: Parcours) -> None:
        closed.append(parcours)
        close(parcours)

    def refused(*_: Any) -> None:
        msg = "no token verifier: the JWKS file is unreadable"
        raise RuntimeError(msg)

    monkeypatch.setattr(Parcours, "close", closing)
    monkeypatch.setattr(api.app, "verifier_from_settings", refused)

    with pytest.raises(RuntimeError, match="JWKS"), TestClient(create_app(settings)):
        pass

    assert len(closed) == 1
