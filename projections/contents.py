"""A projection's contents as plain sorted rows: what rebuild tests and `audit replay` compare."""

from projections import positions
from projections.projection import Projection
from projections.store import ReadStore, Row

Contents = dict[str, list[Row]]


def generation_contents(
    store: ReadStore, projection: type[Projection], generation: int
) -> Contents:
    """Every row of every table of one generation, normalised (booleans as ints) and sorted."""
    with store.transaction() as tx:
        return {
            logical: sorted(
                (
                    tuple(_normal(v) for v in row)
                    for row in tx.fetchall(f"SELECT * FROM {physical}")
                ),
                key=repr,
            )
            for logical, physical in projection.physical(generation).items()
        }


def served_contents(store: ReadStore, projection: type[Projection]) -> Contents:
    with store.transaction() as tx:
        generation = positions.served_generation(tx, projection.name)
    if generation is None:
        return {}
    return generation_contents(store, projection, generation)


def _normal(value: object) -> object:
    return int(value) if isinstance(value, bool) else value
