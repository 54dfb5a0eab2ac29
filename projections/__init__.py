"""The read side: projections consume the notification log in order, keep their own tables and
record their position in the same transaction as their writes; queries read only these tables."""
