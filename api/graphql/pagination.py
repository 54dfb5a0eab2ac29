"""Relay connections, built from the read side's keyset pages."""

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from projections.queries.paging import Page

Node = TypeVar("Node")
Row = TypeVar("Row")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def connection(page: Page[Row], make: Callable[[Row], Node]) -> Connection[Node]:
    return Connection(
        edges=[Edge(cursor=cursor, node=make(row)) for cursor, row in page.items],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        ),
    )
