"""The schema partner front ends rely on: the exported schema must not break the contract."""

from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from api.graphql.schema import build_schema as parcours_schema

HERE = Path(__file__).parent
COPY = HERE / "contract.graphql"
SHARED = HERE.parents[2] / "shared" / "contract.graphql"


def test_the_exported_schema_contains_the_contract_without_breaking_changes() -> None:
    contract = build_schema(COPY.read_text())
    ours = build_schema(parcours_schema().as_str())

    breaking = [f"{c.type.name}: {c.description}" for c in find_breaking_changes(contract, ours)]

    assert breaking == []


def test_the_copy_in_the_repository_is_the_shared_contract() -> None:
    if not SHARED.exists():
        pytest.skip("outside the workspace (a plain clone): the copy is the reference")
    assert COPY.read_text() == SHARED.read_text()


def test_the_check_detects_a_removed_field() -> None:
    contract = build_schema(COPY.read_text())
    broken = build_schema(parcours_schema().as_str().replace("  referentUserId: String\n", "", 1))

    assert find_breaking_changes(contract, broken) != []
