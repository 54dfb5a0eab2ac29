"""The case file of one young person: one event stream, the ledger of their parcours."""
