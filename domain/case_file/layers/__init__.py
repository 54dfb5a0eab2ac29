"""The layers the `YoungPerson` aggregate is built from, one concern per module."""
