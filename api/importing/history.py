"""Runs an import file through the ledger: chunk by chunk, each chunk in one transaction.

A chunk's commands are decided at once and saved together (`Ledger.staged`). When a chunk
cannot be saved as a whole — some of its keys were imported before, or someone wrote to the
same case files meanwhile — its lines are run again one by one, the ordinary way, where a key
seen before returns its first outcome. The first invalid line stops the import with its line
number and the rule it broke; every line before it is recorded, and running the corrected file
again records only what was not recorded yet.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from api.importing.commands import arguments, command_of
from api.importing.lines import ImportLine, parse, resolve
from domain.errors import DomainError
from domain.ledger import Ledger

DEFAULT_CHUNK = 500
Progress = Callable[[int], None]
"""Called with the number of lines just done."""


class ImportFailed(Exception):
    def __init__(self, line: int, error: DomainError) -> None:
        field = f" ({error.field})" if error.field else ""
        super().__init__(f"line {line}{field}: {error}")
        self.line = line
        self.error = error


@dataclass
class ImportReport:
    lines: int = 0
    chunks: int = 0
    chunks_run_one_by_one: int = 0


class _Importer:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.names: dict[str, UUID] = {}
        self.given: list[tuple[str, UUID | None]] = []
        """The names the current chunk gave, with what each named before: a chunk run again
        line by line first takes them back. (Copying `names` for each chunk instead grew with
        the history: a million names by ten million events.)"""

    def run(self, number: int, line: ImportLine) -> None:
        try:
            command = command_of(self.ledger, line.command)
            given = arguments(line.command, resolve(line.args, self.names))
            outcome = command(line.actor_with(self.names), idempotency_key=line.key, **given)
        except DomainError as error:
            raise ImportFailed(number, error) from error
        if line.name is not None:
            self.given.append((line.name, self.names.get(line.name)))
            self.names[line.name] = outcome

    def chunk(self, lines: list[tuple[int, ImportLine]], report: ImportReport) -> None:
        self.given = []
        try:
            with self.ledger.staged() as commit:
                for number, line in lines:
                    self.run(number, line)
                commit()
        except (IntegrityError, ImportFailed):
            self._take_back_names()
            report.chunks_run_one_by_one += 1
            for number, line in lines:
                self.run(number, line)
        report.chunks += 1
        report.lines += len(lines)

    def _take_back_names(self) -> None:
        for name, before in reversed(self.given):
            if before is None:
                del self.names[name]
            else:
                self.names[name] = before
        self.given = []


def _numbered(lines: Iterable[str | bytes]) -> Iterator[tuple[int, ImportLine]]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, parse(text)
        except DomainError as error:
            raise ImportFailed(number, error) from error


def import_history(
    ledger: Ledger,
    lines: Iterable[str | bytes],
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> ImportReport:
    importer = _Importer(ledger)
    report = ImportReport()
    numbered = _numbered(lines)
    while chunk := list(islice(numbered, chunk_size)):
        importer.chunk(chunk, report)
        if progress is not None:
            progress(len(chunk))
    return report
