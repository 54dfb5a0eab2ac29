"""What an error may tell the client: GraphQL's own refusals of the request and our typed
refusals, never a value the server produced."""

from graphql import GraphQLError

from api.graphql.error_log import is_unexpected
from domain.errors import InvalidInput


def test_a_refusal_of_the_request_is_shown_and_an_error_while_answering_is_masked() -> None:
    """The message of an output serialisation error prints the value the resolver returned
    (`Enum 'Role' cannot represent value: {'email': …}`): raised with a path, it is masked;
    the same kind of error without a path refused a variable and is shown."""
    coercion = GraphQLError("String cannot represent a non string value: 5")
    serialising = GraphQLError("Enum 'Role' cannot represent value: {'email': 'a@b.fr'}")

    refused_variable = GraphQLError("Variable '$t' has invalid value", original_error=coercion)
    while_answering = GraphQLError(
        serialising.message, path=["me", "role"], original_error=serialising
    )
    driver = GraphQLError("boom", path=["youngPeople"], original_error=RuntimeError("dsn=…"))
    typed = GraphQLError("too long", path=["x"], original_error=InvalidInput("too long"))

    assert not is_unexpected(refused_variable)
    assert is_unexpected(while_answering)
    assert is_unexpected(driver)
    assert not is_unexpected(typed)
