"""Tamper evidence: every stored event is bound into a hash chain in the same transaction as
its insert, with its own gapless sequence; signed checkpoints kept outside the database pin it."""
