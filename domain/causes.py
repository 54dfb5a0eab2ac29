"""Walking an exception's causes: libraries wrap the driver errors that say what went wrong."""

from collections.abc import Iterator


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what caused it (explicitly or while handling), each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
