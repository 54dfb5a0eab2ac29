"""Bulk import of history migrated from legacy systems (`parcours import FILE.jsonl`)."""
