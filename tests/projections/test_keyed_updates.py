"""Which UPDATEs the writer may batch, and the batched statement it sends for them."""

import pytest

from projections.keyed_updates import column_types, keyed_update

TYPES = {"referral_id": "TEXT", "status": "TEXT", "position": "BIGINT", "responded_at": "TEXT"}


def test_an_update_by_key_is_read_with_the_column_of_every_parameter() -> None:
    keyed = keyed_update(
        "UPDATE {referrals} SET status = ?, position = ?,"
        " responded_at = COALESCE(responded_at, ?) WHERE referral_id = ? AND outcome IS NULL"
    )

    assert keyed is not None
    assert (keyed.table, keyed.key, keyed.key_at) == ("referrals", "referral_id", 3)
    assert keyed.columns == ("status", "position", "responded_at", "referral_id")
    assert keyed.carries(TYPES, ("ACCEPTED", 7, None, "r1"))
    assert not keyed.carries({"status": "TEXT"}, ("ACCEPTED", 7, None, "r1"))


@pytest.mark.parametrize(
    "params",
    [
        ("ACCEPTED", "7", None, "r1"),  # text for a BIGINT: refused alone, cast in a batch
        ("ACCEPTED", True, None, "r1"),  # a bool is not an integer to SQL
        ("ACCEPTED", 7, None, 1),  # an integer key for a TEXT key
        ("ACCEPTED", 7, None, None),  # no key: NULL names no row
        ("ACCEPTED", 7.5, None, "r1"),
    ],
)
def test_parameters_of_another_type_than_their_column_are_not_batched(
    params: tuple[object, ...],
) -> None:
    keyed = keyed_update(
        "UPDATE {referrals} SET status = ?, position = ?,"
        " responded_at = COALESCE(responded_at, ?) WHERE referral_id = ?"
    )
    assert keyed is not None
    assert not keyed.carries(TYPES, params)


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
        "UPDATE {t} SET a = ? WHERE k = ? AND b = 'x and y'",  # a constant in WHERE
        "UPDATE {t} SET a = ? * 60 WHERE k = ?",  # the parameter is not the value
        "UPDATE {t} SET a = CASE WHEN ? IS NULL THEN 0 ELSE 1 END WHERE k = ?",
        "UPDATE {t} SET a = COALESCE(b, ?) WHERE k = ?",  # another column's type
        "UPDATE {t} SET a = 1 -- reset\n WHERE k = ?",  # a comment
        "UPDATE {t} SET b = 'why?', a = ? WHERE k = ?",  # a ? that is no parameter
    ],
)
def test_anything_but_a_plain_update_by_key_is_sent_as_it_is(statement: str) -> None:
    assert keyed_update(statement) is None


def test_column_types_are_read_from_a_table_definition() -> None:
    """Only the types a batch casts to (a cast to `CHARACTER` would cut text to one letter)."""
    assert column_types(
        "programme_id TEXT NOT NULL, seats BIGINT, note text DEFAULT 'a, b', rank INTEGER,"
        " name CHARACTER VARYING, score DOUBLE PRECISION, fee NUMERIC(10, 2),"
        " at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (programme_id, seats), UNIQUE (note)"
    ) == {"programme_id": "TEXT", "seats": "BIGINT", "note": "TEXT", "rank": "INTEGER"}
