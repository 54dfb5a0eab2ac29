"""The access log is append-only in the database itself, on both backends: a record cannot be
quietly edited or deleted through the application's own connection — and opening the log again
(each CLI export does) keeps the guard without replacing it under live requests."""

import pytest

from api.access_log import Access, AccessLog
from tests.conftest import Instances

READ = Access(
    user_id="worker-a", role="WORKER", association_id=None, young_person_id="x", what="timeline:1"
)


@pytest.mark.parametrize(
    "tampering",
    ["UPDATE access_log SET user_id = 'someone-else'", "DELETE FROM access_log"],
    ids=["update", "delete"],
)
def test_a_record_cannot_be_edited_or_deleted(instances: Instances, tampering: str) -> None:
    store = instances.start().read_store
    AccessLog(store).record([READ])
    AccessLog(store)  # opened again: the guard stays

    with pytest.raises(Exception, match="append-only"), store.transaction() as tx:
        tx.execute(tampering)

    with store.transaction() as tx:
        assert tx.fetchall("SELECT user_id FROM access_log") == [("worker-a",)]
