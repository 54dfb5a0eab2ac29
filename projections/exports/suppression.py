"""Small-cell suppression: no published figure may rest on fewer than k young people.

A cell is suppressed when between 1 and k-1 distinct young people contribute to it: its
figures are blanked and `suppressed` is true. Zero is published (nobody can be singled out of
an empty cell). Where a published figure would let a reader subtract their way back to a small
group — a rate's complement, the rest of a cohort — that group's count is checked too
(`small_any`). This protects the *published* aggregates and report; the row-level datasets are
pseudonymised microdata for the study's evaluators, not for publication.
"""

from collections.abc import Iterable

DEFAULT_K = 5


def small(young_people: int, k: int) -> bool:
    return 0 < young_people < k


def small_any(counts: Iterable[int], k: int) -> bool:
    return any(small(count, k) for count in counts)


def shown(value: float | int | None, suppressed: bool) -> float | int | None:
    return None if suppressed else value
