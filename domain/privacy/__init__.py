"""Personal data protection: per-subject keys, sealing and opening, key stores.

Every personal value is sealed with the key of the young person it belongs to (crypto-shredding):
destroying that key makes every copy unreadable at once — in events, snapshots, projections and
backups — while the ledger's structure stays intact and verifiable.
"""
