"""Mutations: one `input`, a result union of the payload and the `UserError` members."""
