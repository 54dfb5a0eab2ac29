"""The network's own aggregates: associations, programmes, shared resources, practice notes."""
