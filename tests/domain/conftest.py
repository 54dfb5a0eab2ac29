import pytest

from tests.support import FrozenClock, Network, build_network, memory_ledger


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def network(clock: FrozenClock) -> Network:
    return build_network(memory_ledger(clock), clock)
