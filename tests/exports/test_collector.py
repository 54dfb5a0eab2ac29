"""An export runs with the cyclic collector paused (`domain/collector.py`) and leaves it on,
also when it is refused."""

import gc
from pathlib import Path

import pytest

import api.evaluation
from projections.exports.errors import ExportError
from projections.exports.export import export_evaluation
from tests.exports.conftest import Simulated


def test_an_export_pauses_the_collector_and_turns_it_back_on(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.enable()
    seen: list[bool] = []

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return export_evaluation(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api.evaluation, "export_evaluation", watched)

    simulated.export(tmp_path / "out")
    assert gc.isenabled()
    with pytest.raises(ExportError):
        simulated.export(tmp_path / "beyond", at_position=10**9)

    assert seen == [False, False]
    assert gc.isenabled()
