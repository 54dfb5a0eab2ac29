"""The Relay `Node` interface: every implementer resolves its own global id."""

import strawberry


@strawberry.interface
class Node:
    @strawberry.field
    def id(self) -> strawberry.ID:
        """Each node type answers with its global id; the interface itself has none."""
        raise NotImplementedError(type(self).__name__)
