"""Reliability under load and faults: real processes, real HTTP, real PostgreSQL."""
