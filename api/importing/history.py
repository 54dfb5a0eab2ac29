"""Runs an import file through the ledger: chunk by chunk, each chunk in one transaction,
written while the next one is decided.

A chunk's commands are decided at once and saved together (`Ledger.run_chunks`). When a chunk
cannot be saved as a whole — some of its keys were imported before, or someone wrote to the
same case files meanwhile — its lines are run again one by one, the ordinary way, where a key
seen before returns its first outcome. The first invalid line stops the import with its line
number and the rule it broke; every line before it is recorded, and running the corrected file
again records only what was not recorded yet.
"""

import inspect
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from uuid import UUID

from api.importing.commands import arguments, command_of
from api.importing.lines import ImportLine, parse, resolve
from domain.errors import DomainError
from domain.ledger import Ledger

DEFAULT_CHUNK = 500
Progress = Callable[[int], None]
"""Called with the number of lines just done."""


class ImportFailed(Exception):
    """The line that stopped the import and its refusal, whose field is named as the line
    writes it (`args.recipients[1]`, `key`), not as the ledger or a request calls it."""

    def __init__(self, line: int, error: DomainError) -> None:
        field = f" ({error.field})" if error.field else ""
        super().__init__(f"line {line}{field}: {error}")
        self.line = line
        self.error = error


_LINE_FIELDS = {
    "idempotency_key": "key",
    "association_ids": "args.recipients",
    "partner_ids": "args.partners",
}
"""The ledger's and the requests' names of fields that an import line names otherwise."""
_OF_THE_LINE = ("line", "command", "key", "as", "actor", "args")
_FIRST_STEP = re.compile(r"[^.\[]*")


def line_field(field: str | None, arguments: Collection[str] = ()) -> str | None:
    """Where a refusal of the command a line runs points in the line: the ledger names an
    argument alone (`first_name`, `association_ids[1]`), a line holds it under `args`, some
    under another name; an `association_id` the command takes no argument of is the actor's
    (a worker enrols for the association they act for)."""
    if field is None:
        return None
    step = _FIRST_STEP.match(field)
    head = "" if step is None else step.group(0)
    if head in _OF_THE_LINE:
        return field
    if head == "association_id" and head not in arguments:
        return f"actor.{field}"
    return _LINE_FIELDS.get(head, f"args.{head}") + field[len(head) :]


@dataclass
class ImportReport:
    lines: int = 0
    chunks: int = 0
    chunks_run_one_by_one: int = 0


class _Importer:
    def __init__(self, ledger: Ledger, report: ImportReport, progress: Progress | None) -> None:
        self.ledger = ledger
        self.report = report
        self.progress = progress
        self.names: dict[str, UUID] = {}

    def run(self, number: int, line: ImportLine, given: list[tuple[str, UUID | None]]) -> None:
        """Runs one line; a name it gives is noted in `given` with what the name meant before."""
        try:
            command = command_of(self.ledger, line.command)
            arguments_given = arguments(line.command, resolve(line.args, self.names, "args"))
            outcome = command(
                line.actor_with(self.names), idempotency_key=line.key, **arguments_given
            )
        except DomainError as error:
            error.field = line_field(error.field, _parameters(line.command))
            raise ImportFailed(number, error) from error
        if line.name is not None:
            given.append((line.name, self.names.get(line.name)))
            self.names[line.name] = outcome


class _Chunk:
    """Lines saved together (`Ledger.run_chunks`). The names its staging gave are noted so
    that they can be taken back if it is refused: lines run again after it must not resolve a
    name to an outcome that was never saved. (Copying every name before each chunk instead
    grew with the history: a million names by ten million events.)"""

    def __init__(
        self,
        importer: _Importer,
        lines: list[tuple[int, ImportLine]],
        unreadable: ImportFailed | None = None,
    ) -> None:
        """`unreadable`: the line after `lines` could not be read; the import stops there, once
        the lines before it are recorded."""
        self.importer = importer
        self.lines = lines
        self.unreadable = unreadable
        self.given: list[tuple[str, UUID | None]] = []

    def stage(self) -> None:
        for number, line in self.lines:
            self.importer.run(number, line, self.given)
        if self.unreadable is not None:
            raise self.unreadable

    def take_back(self) -> None:
        names = self.importer.names
        for name, before in reversed(self.given):
            if before is None:
                del names[name]
            else:
                names[name] = before
        self.given = []

    def run_alone(self) -> None:
        self.importer.report.chunks_run_one_by_one += 1
        self.stage()
        self.committed()

    def committed(self) -> None:
        self.given = []
        report = self.importer.report
        report.chunks += 1
        report.lines += len(self.lines)
        if self.importer.progress is not None:
            self.importer.progress(len(self.lines))


def _chunks(importer: _Importer, lines: Iterable[str | bytes], size: int) -> Iterator[_Chunk]:
    chunk: list[tuple[int, ImportLine]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            chunk.append((number, parse(text)))
        except DomainError as error:
            yield _Chunk(importer, chunk, ImportFailed(number, error))
            return
        if len(chunk) == size:
            yield _Chunk(importer, chunk)
            chunk = []
    if chunk:
        yield _Chunk(importer, chunk)


def import_history(
    ledger: Ledger,
    lines: Iterable[str | bytes],
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport()
    importer = _Importer(ledger, report, progress)
    ledger.run_chunks(_chunks(importer, lines, chunk_size))
    return report


@cache
def _parameters(command: str) -> frozenset[str]:
    """The arguments a ledger command takes (none for a command that is not one)."""
    method = getattr(Ledger, command, None)
    return frozenset() if method is None else frozenset(inspect.signature(method).parameters)
