"""Resolves a projection's served generation to physical table names, per transaction."""

from projections import positions
from projections.projection import Projection
from projections.store import Params, Row, Tx


class Reader:
    """A read transaction bound to the served tables of the projections it names."""

    def __init__(self, tx: Tx, *projections: type[Projection]) -> None:
        self.tx = tx
        self.tables: dict[str, str] = {}
        for projection in projections:
            generation = positions.served_generation(tx, projection.name)
            if generation is None:
                msg = f"projection {projection.name} has never been prepared"
                raise LookupError(msg)
            self.tables.update(
                {f"{projection.name}.{k}": v for k, v in projection.physical(generation).items()}
            )

    def _sql(self, statement: str) -> str:
        return statement.format_map({k.replace(".", "_"): v for k, v in self.tables.items()})

    def all(self, statement: str, params: Params = ()) -> list[Row]:
        return self.tx.fetchall(self._sql(statement), params)

    def one(self, statement: str, params: Params = ()) -> Row | None:
        return self.tx.fetchone(self._sql(statement), params)
