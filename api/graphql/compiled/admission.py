"""Admission: a document is compiled only if the general path would execute it without error.

It is parsed and validated exactly as strawberry does for the general path — the token limit of
the schema's `MaxTokensLimiter`, graphql-core's specified rules plus the rules the schema's
extensions add (depth and alias limits) and strawberry's own — read from the schema's extensions,
so the two paths cannot apply different limits. A document that fails anything is left to the
general path, which answers it with its usual errors.
"""

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from graphql.validation import ASTValidationRule
from strawberry import Schema
from strawberry.extensions import AddValidationRules, MaxTokensLimiter
from strawberry.schema.schema import validate_document


class Admission:
    """Parses and validates documents under the general path's own limits."""

    def __init__(self, schema: Schema) -> None:
        extensions = schema.get_extensions()
        added = [
            rule
            for extension in extensions
            if isinstance(extension, AddValidationRules)
            for rule in extension.validation_rules
        ]
        self._rules: tuple[type[ASTValidationRule], ...] = (*specified_rules, *added)
        limits = [e.max_token_count for e in extensions if isinstance(e, MaxTokensLimiter)]
        self._max_tokens = min(limits) if limits else None
        self._schema: GraphQLSchema = schema._schema

    def admit(self, text: str) -> DocumentNode | None:
        """The parsed document, or None when parsing or validation reports any error."""
        try:
            document = parse(text, max_tokens=self._max_tokens)
        except GraphQLError:
            return None
        if validate_document(self._schema, document, self._rules):
            return None
        return document
