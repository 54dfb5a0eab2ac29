"""The schema's object types, each a thin view over read-model rows."""
