"""Projection tests run on both backends: a network on a real store, caught up on demand."""

from dataclasses import dataclass

import pytest

from api.bootstrap import Parcours
from tests.conftest import Instances
from tests.support import Network, build_network


@dataclass
class World:
    parcours: Parcours
    network: Network

    def caught_up(self) -> "World":
        """Applies every recorded event to every projection, as the worker would."""
        self.parcours.projections.prepare()
        self.parcours.projections.catch_up()
        return self


@pytest.fixture
def world(instances: Instances) -> World:
    parcours = instances.start()
    return World(parcours, build_network(parcours.ledger, instances.clock))
