"""The GraphQL edge: the contract's schema, resolvers that translate, authorise and delegate."""
