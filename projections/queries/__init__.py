"""Small query functions over the served read models; they return plain data, never aggregates."""
