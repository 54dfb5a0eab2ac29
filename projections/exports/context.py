"""What every dataset builder shares: the snapshot's rows, the study's pseudonyms, and who may
appear at all.

Erased young people are left out here, once, for every file: their case has `erased_at` as at
the export's position, or their key is gone now (erased since — an export as at an earlier
position must not bring them back). The date of birth is opened here and nowhere else, reduced
at once to a birth-year band, and the plaintext is dropped.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.privacy.vault import Vault
from projections.exports.pseudonyms import Pseudonymiser
from projections.exports.snapshot import Snapshot
from projections.exports.values import birth_year_band

Source = dict[str, object]


@dataclass(frozen=True)
class Context:
    snapshot: Snapshot
    pseudonyms: Pseudonymiser
    kept: frozenset[str]
    """Young people who may appear in the export (never erased)."""
    birth_bands: Mapping[str, str | None]
    as_at: date | None
    """The UTC day the ledger recorded the export's position: the end of every follow-up."""

    def rows(self, source: str) -> list[Source]:
        """A source's rows; for case sources, only those of young people who may appear."""
        found = self.snapshot.rows[source]
        if not found or "young_person_id" not in found[0]:
            return found
        return [r for r in found if str(r["young_person_id"]) in self.kept]

    def person(self, young_person_id: object) -> str:
        return self.pseudonyms.of("young_person", str(young_person_id))

    def hidden(self, kind: str, identifier: object) -> str | None:
        """The pseudonym of a case-level identifier (need, goal, referral…), None for none."""
        return self.pseudonyms.maybe(kind, identifier)


def build_context(
    snapshot: Snapshot, pseudonyms: Pseudonymiser, vault: Vault, as_at: date | None
) -> Context:
    kept: set[str] = set()
    bands: dict[str, str | None] = {}
    for case in snapshot.rows["cases"]:
        young_person = str(case["young_person_id"])
        if case["erased_at"] is not None or not vault.has_key(UUID(young_person)):
            continue
        kept.add(young_person)
        token = case["date_of_birth"]
        opened = vault.open_token(young_person, None if token is None else str(token))
        bands[young_person] = birth_year_band(opened)
    return Context(snapshot, pseudonyms, frozenset(kept), bands, as_at)
