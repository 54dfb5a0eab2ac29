"""What a case-file command may need besides the case file, computed only when asked."""

from datetime import datetime
from functools import cached_property
from uuid import UUID

from domain.case_file.case_time import CaseTime
from domain.case_file.young_person import YoungPerson
from domain.errors import RuleViolation
from domain.ledger.core import LedgerCore
from domain.privacy.sealed import Seal


class CaseContext:
    def __init__(self, ledger: LedgerCore, young_person: YoungPerson) -> None:
        self._ledger = ledger
        self.young_person = young_person
        self.now: datetime = ledger.clock()

    @cached_property
    def seal(self) -> Seal:
        if not self._ledger.vault.has_key(self.young_person.id):
            raise RuleViolation("the young person's data was erased", code="ERASED")
        return self._ledger.vault.sealer(self.young_person.id)

    @cached_property
    def partners(self) -> frozenset[UUID]:
        return self._ledger.programme_partners(self.young_person)

    @cached_property
    def time(self) -> CaseTime:
        return CaseTime(self.now, self._ledger.born_on(self.young_person))
