"""Plots drawn at once by two exports (two downloads) are the plots each draws alone."""

import threading
from contextlib import suppress
from typing import Any

import pytest
from matplotlib.figure import Figure

from projections.exports import plots

INTERLEAVE_SECONDS = 1.0
"""How long a drawing waits for the other inside `savefig`, to overlap them if they can."""


def _figure(values: list[float]) -> Figure:
    figure = Figure(figsize=(3, 2))
    figure.subplots().bar(["a", "b", "c"], values)
    return figure


def test_plots_drawn_at_the_same_time_keep_their_own_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone = {name: plots.svg(_figure([1, 2, 3]), name) for name in ("funnel", "times")}
    both_inside = threading.Barrier(2, timeout=INTERLEAVE_SECONDS)
    savefig = Figure.savefig

    def savefig_when_both_draw(figure: Figure, *args: Any, **kwargs: Any) -> None:
        with suppress(threading.BrokenBarrierError):  # one at a time: the other waits
            both_inside.wait()
        savefig(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig_when_both_draw)
    drawn: dict[str, str] = {}
    threads = [
        threading.Thread(target=lambda n=name: drawn.update({n: plots.svg(_figure([1, 2, 3]), n)}))
        for name in alone
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert drawn == alone
