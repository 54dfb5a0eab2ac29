"""`parcours serve` and `parcours schema`: run the API, print its SDL."""

from typing import Annotated

import typer
import uvicorn

from api.cli.app import app, settings_from_environment
from api.graphql.schema import build_schema
from api.settings import Settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Processes to run (each stateless).", min=1)] = 1,
    embedded_projections: Annotated[
        bool,
        typer.Option(help="Run the projection worker inside the server (one leader at a time)."),
    ] = True,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL outside production), /healthz and /readyz."""
    settings = settings_from_environment()
    factory = "api.cli.serve:embedded_app" if embedded_projections else "api.cli.serve:api_only_app"
    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        ws_max_size=settings.max_body_bytes,  # a websocket message is bounded like a body
    )


def embedded_app() -> object:
    from api.app import create_app  # noqa: PLC0415 - built in each worker process, not at import

    return create_app(Settings())


def api_only_app() -> object:
    from api.app import create_app  # noqa: PLC0415

    return create_app(Settings(), embedded_projections=False)


@app.command()
def schema() -> None:
    """Print the GraphQL schema (SDL) partner front ends build against."""
    typer.echo(build_schema().as_str())
