"""An export pauses the cyclic collector over each batch of rows it stages
(`domain/collector.py`), and not between them: in the API process a pause held for the whole
export kept the collector off for every request thread. It is on afterwards, also when the
export is refused."""

import gc
from pathlib import Path

import pytest

import projections.exports.export
from projections.exports.datasets import build_dataset
from projections.exports.errors import ExportError
from projections.exports.staging import Staging
from tests.exports.conftest import Simulated


def test_an_export_pauses_the_collector_over_each_staged_batch_only(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.enable()
    staging_batch: list[bool] = []
    between: list[bool] = []
    append = Staging.append

    def watched_append(self: Staging, *args: object, **kwargs: object) -> None:
        staging_batch.append(gc.isenabled())
        append(self, *args, **kwargs)  # type: ignore[arg-type]

    def watched_build(*args: object, **kwargs: object) -> None:
        between.append(gc.isenabled())
        build_dataset(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Staging, "append", watched_append)
    monkeypatch.setattr(projections.exports.export, "build_dataset", watched_build)

    simulated.export(tmp_path / "out")
    assert gc.isenabled()
    with pytest.raises(ExportError):
        simulated.export(tmp_path / "beyond", at_position=10**9)

    assert staging_batch
    assert not any(staging_batch)
    assert between
    assert all(between)
    assert gc.isenabled()
