"""Which UPDATEs the writer may batch, and the batched statement it sends for them."""

import pytest

from projections.keyed_updates import column_types, keyed_update

TYPES = {"referral_id": "TEXT", "status": "TEXT", "position": "BIGINT", "responded_at": "TEXT"}


def test_an_update_by_key_is_read_with_the_column_of_every_parameter() -> None:
    keyed = keyed_update(
        "UPDATE {referrals} SET status = ?, position = ?,"
        " responded_at = COALESCE(responded_at, ?) WHERE referral_id = ? AND status = 'MADE'"
    )

    assert keyed is not None
    assert (keyed.table, keyed.key, keyed.key_at) == ("referrals", "referral_id", 3)
    assert keyed.columns == ("status", "position", "responded_at", "referral_id")
    assert keyed.fits(TYPES)
    assert not keyed.fits({"status": "TEXT"})


def test_the_batched_statement_keeps_the_clauses_and_casts_each_parameter() -> None:
    keyed = keyed_update(
        "UPDATE {referrals} SET position = ?, responded_at = COALESCE(responded_at, ?)"
        " WHERE referral_id = ? AND responded_at IS NULL"
    )
    assert keyed is not None

    statement = keyed.statement_for("referrals_g2", TYPES, 2)

    assert statement == (
        "UPDATE referrals_g2 SET position = CAST(v.p1 AS BIGINT),"
        " responded_at = COALESCE(responded_at, CAST(v.p2 AS TEXT))"
        " FROM (VALUES ($1, $2, $3), ($4, $5, $6)) AS v(p1, p2, p3)"
        " WHERE referral_id = CAST(v.p3 AS TEXT) AND responded_at IS NULL"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET a = ?",  # no WHERE: every row
        "UPDATE {t} SET a = ? WHERE b IS NULL",  # no key
        "UPDATE {t} SET k = ? WHERE k = ?",  # moves its own key
        "UPDATE {t} SET a = ? WHERE k = ? OR b = ?",  # not a conjunction
        "UPDATE {t} SET a = ? WHERE k IN (?, ?)",  # not `column = ?`
        "UPDATE {t} SET a = ? WHERE k > ?",
        "UPDATE {t} SET a = (SELECT max(a) FROM {t}) WHERE k = ?",  # reads the table
        "UPDATE {t} SET a = ? FROM {u} WHERE k = ?",
        "DELETE FROM {t} WHERE k = ?",
    ],
)
def test_anything_but_a_plain_update_by_key_is_sent_as_it_is(statement: str) -> None:
    assert keyed_update(statement) is None


def test_column_types_are_read_from_a_table_definition() -> None:
    assert column_types(
        "programme_id TEXT NOT NULL, seats BIGINT, note TEXT DEFAULT 'a, b',"
        " PRIMARY KEY (programme_id, seats), UNIQUE (note)"
    ) == {"programme_id": "TEXT", "seats": "BIGINT", "note": "TEXT"}
