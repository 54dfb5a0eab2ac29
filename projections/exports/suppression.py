"""Small-cell suppression: no published figure may rest on fewer than k young people.

A cell is suppressed when between 1 and k-1 distinct young people contribute to it: its
figures are blanked and `suppressed` is true. Zero is published (nobody can be singled out of
an empty cell). Where a published figure would let a reader subtract their way back to a small
group — a rate's complement, the rest of a cohort — that group's count is checked too
(`small_any`), and a cell hidden alone among cells that add up to a published total makes
another one hidden with it (`complemented`). This protects the *published* aggregates and
report; the row-level datasets are pseudonymised microdata for the study's evaluators, not for
publication.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from projections.exports.columns import Record, Value

DEFAULT_K = 5


def small(young_people: int, k: int) -> bool:
    return 0 < young_people < k


def small_any(counts: Iterable[int], k: int) -> bool:
    return any(small(count, k) for count in counts)


def shown(value: float | int | None, suppressed: bool) -> float | int | None:
    return None if suppressed else value


def complemented(
    records: Sequence[Record],
    groups: Iterable[tuple[int, Sequence[int]]],
    figures: Sequence[str],
    size: str,
    known: frozenset[int] = frozenset(),
) -> list[Record]:
    """Secondary suppression. Each group is an equation, a total and the cells that add up to it
    (a cohort and its quarters, the referrals made and their end states): with exactly one of
    them hidden — a part or the total itself — it comes back by subtraction. So another is
    hidden with it: the published part whose `size` (the figure being protected) is smallest
    and not zero — a zero hides nothing, it is known or can be inferred — else the total.
    Groups share cells (DECLINED is a part of MADE and the total of its reasons), so this runs
    until no equation has a lone hidden member. `known` cells are published elsewhere (a rate
    gives them away): hidden or not here, they count as shown, and hiding them hides nothing.
    Only the `figures` a record has are blanked (tables of several kinds may share equations)."""
    out: list[dict[str, Value]] = [dict(record) for record in records]
    equations = [(total, [total, *parts]) for total, parts in groups]
    changed = True
    while changed:
        changed = False
        for total, members in equations:
            if sum(1 for i in members if out[i]["suppressed"] and i not in known) != 1:
                continue
            shown_parts = [
                i
                for i in members
                if i != total and i not in known and not out[i]["suppressed"] and out[i][size]
            ]
            if shown_parts:
                target = min(shown_parts, key=lambda i: _count(out[i][size]))
            elif not out[total]["suppressed"] and total not in known:
                target = total
            else:
                continue  # a hidden total over parts that are all zero: it is zero, known
            out[target].update(dict.fromkeys(f for f in figures if f in out[target]))
            out[target]["suppressed"] = True
            changed = True
    return list(out)


def complemented_by_published(
    records: Sequence[Record],
    total_of: Callable[[Record], str | None],
    figures: Sequence[str],
    size: str,
) -> list[Record]:
    """Secondary suppression for cells that add up to a total published in another table (the
    interventions of every domain and programme to the headline's, the accepted handovers
    between associations to `handovers_accepted`): `total_of` names the published total a cell
    is a part of, or None. Such a total is known whatever this table hides, so a cell hidden
    alone among its parts is hidden with another part, never with the total."""
    parts: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        total = total_of(record)
        if total is not None:
            parts[total].append(i)
    totals = [{**dict.fromkeys(figures), size: 0, "suppressed": False} for _ in parts]
    groups = [(len(records) + n, members) for n, members in enumerate(parts.values())]
    published = frozenset(total for total, _ in groups)
    return complemented([*records, *totals], groups, figures, size, published)[: len(records)]


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0
