"""The edge of Parcours: settings, the one factory, the CLI (and, later, FastAPI and GraphQL)."""
