"""The FastAPI application: GraphQL at /graphql, health probes, and the embedded worker.

`create_app` is the only way to get an app: it builds nothing at import time. By default the
projections run in-process (embedded mode, a background thread that waits for leadership), so a
single `parcours serve` is a complete instance; with `embedded_projections=False` a separate
`parcours projections run` worker keeps them current.
"""

import asyncio
import logging
import threading
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.requests import HTTPConnection
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from api import export_route
from api.access_log import AccessLog
from api.auth.dependencies import viewer_from_connection_params, viewer_from_request
from api.auth.errors import AuthenticationError
from api.auth.tokens import verifier_from_settings
from api.bootstrap import Parcours, build
from api.graphql.compiled import CompiledQueries
from api.graphql.context import Context, Loaders
from api.graphql.outage import OUTAGE, StoreUnavailableError, store_unavailable_response
from api.graphql.schema import build_schema
from api.http_limits import BodySizeLimit
from api.settings import Environment, Settings
from projections.positions import FAILED

log = logging.getLogger(__name__)

WORKER_GRACE_SECONDS = 30
"""How long shutdown waits for the embedded projection worker, which stops between batches."""

STORE_THREADS = 8
"""Worker threads for store work (resolvers, mutations, probes): as many as the read store's
pooled connections. More threads only queue for a connection while contending for the GIL:
with 32, sixteen clients of timeline pages got 132 pages/s; with 8, 168 (issue 7). An outage
does not hold them: the store breaker answers at once once it has seen the store down."""


class RefusingWebSocketAdapter(ASGIWebSocketAdapter):
    """A websocket message our `decode_json` refuses (a NUL, bytes that are not UTF-8, nesting
    too deep) closes the socket with 4400 and the rule, as graphql-transport-ws asks for an
    invalid message: strawberry only knew `JSONDecodeError`, and the refusal, an HTTP 400 on
    a body, escaped the socket's handler as a server error."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        try:
            async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
                yield message
        except HTTPException as refused:
            await self.ws.close(4400, reason=refused.reason)


class ParcoursGraphQLRouter(GraphQLRouter[Context, None]):
    """Authenticates websockets from their `connection_init` payload, answers the hottest
    documents through the compiled path, and encodes responses with orjson."""

    websocket_adapter_class = RefusingWebSocketAdapter

    def __init__(
        self, schema: strawberry.Schema, *, compiled: CompiledQueries | None, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self.compiled = compiled

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A supported document (a timeline page) is answered by the compiled path, with no
        per-field dispatch; anything it declines, by strawberry. Only POST: queries over GET are
        refused, and that refusal is the general path's to give."""
        if self.compiled is not None and request_adapter.method == "POST":
            compiled = await self.compiled.execute(
                request_data.query, request_data.variables, request_data.operation_name, context
            )
            if compiled is not None:
                return compiled
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    def encode_json(self, data: object) -> str | bytes:
        """orjson: a 100-entry page encodes in 0.05 ms instead of `json.dumps`'s 0.7 ms. What
        orjson refuses (an integer beyond 64 bits, a lone surrogate) is left to `json.dumps`."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        """A body that is not UTF-8, or nested deeper than the parser goes, is the client's
        mistake, so 400 like malformed JSON; strawberry only catches `JSONDecodeError`, and the
        `UnicodeDecodeError` or `RecursionError` raised by `json.loads` would otherwise escape
        as a 500."""
        try:
            decoded = super().decode_json(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "Request body is not valid UTF-8") from None
        except RecursionError:  # the standard parser's own bound, a few thousand levels deep
            raise HTTPException(400, "Request body is nested too deeply") from None
        if _holds_nul(decoded) or _escapes_nul(decoded):
            raise HTTPException(400, "strings may not contain the NUL character (U+0000)")
        return decoded

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """An operation that failed because the store is down is answered 503, not 200 (see
        api.graphql.outage); the exception reaches the app's handler."""
        outage = (result.extensions or {}).get(OUTAGE)
        if outage is not None:
            raise StoreUnavailableError(str(outage))
        return await super().process_result(request, result)

    async def on_ws_connect(self, context: Context) -> Any:
        verifier = context.app_state.token_verifier
        try:
            viewer = viewer_from_connection_params(context.connection_params, verifier)
        except AuthenticationError as error:
            raise ConnectionRejectionError({"reason": error.message}) from None
        context.authenticated = viewer.actor
        context.expires_at = viewer.expires_at
        if viewer.expires_at is not None and isinstance(context.request, WebSocket):
            _close_at_expiry(context.request, viewer.expires_at)
        return {"userId": viewer.user_id}


def _close_at_expiry(websocket: WebSocket, expires_at: datetime) -> None:
    """Closes the connection (4403) when its token runs out: a token's lifetime is the only
    bound on a leaked one, and a websocket held open would otherwise outlive it for ever, with
    the role it had at the handshake. Holds the socket weakly: a connection that ended first
    leaves nothing behind but the timer."""
    loop = asyncio.get_running_loop()
    held = weakref.ref(websocket)

    def close() -> None:
        socket = held()
        if socket is not None:
            closing = loop.create_task(_close_expired(socket))
            _CLOSING.add(closing)  # the loop keeps only a weak reference to a task
            closing.add_done_callback(_CLOSING.discard)

    loop.call_later(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()), close)


_CLOSING: set["asyncio.Task[None]"] = set()


async def _close_expired(websocket: WebSocket) -> None:
    with suppress(Exception):  # already closed by the client or the server
        await websocket.close(code=4403, reason="token expired")


def _holds_nul(value: object) -> bool:
    """NUL has no place in any text of the ledger, and PostgreSQL cannot store it in text: it is
    refused at the door, in the query and in every variable, rather than deep in a resolver.
    Walked with a stack, not by recursion: a body nested a thousand deep raised
    `RecursionError`, a 500."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _escapes_nul(body: object) -> bool:
    """A GraphQL string literal can spell NUL as an escape (`"\\u0000"`) in the document."""
    query = body.get("query") if isinstance(body, dict) else None
    return isinstance(query, str) and "\\u0000" in query.lower()


def create_app(
    settings: Settings | None = None,
    *,
    parcours: Parcours | None = None,
    embedded_projections: bool = True,
    compiled_queries: bool = True,
) -> FastAPI:
    """With `compiled_queries=False` every document takes the general path (the differential
    tests compare the two)."""
    chosen = settings or (parcours.settings if parcours else Settings())
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Store work runs in worker threads; asyncio's default pool (CPUs + 4 threads) let a few
        # calls stuck on an unreachable database hold up every other request.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="parcours-store")
        )
        instance = parcours or build(chosen)
        worker = None
        try:  # a failure from here on still closes what was built
            app.state.parcours = instance
            app.state.access_log = AccessLog(instance.read_store)
            app.state.token_verifier = verifier_from_settings(chosen)
            worker = _start_worker(instance, stop) if embedded_projections else None
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=WORKER_GRACE_SECONDS)  # it stops between two batches
                if worker.is_alive():
                    log.warning(
                        "the projection worker is still applying a batch after %d s;"
                        " closing the stores under it",
                        WORKER_GRACE_SECONDS,
                    )
            if parcours is None:
                instance.close()

    app = FastAPI(title="Parcours", lifespan=lifespan)
    schema = build_schema()
    router = ParcoursGraphQLRouter(
        schema,
        compiled=CompiledQueries(schema) if compiled_queries else None,
        context_getter=_context,
        graphql_ide=None if chosen.env is Environment.PRODUCTION else "graphiql",
        allow_queries_via_get=False,
        # graphql-transport-ws only: the legacy protocol never times out a socket that does
        # not authenticate. Browsers apply no CORS to websocket handshakes: the origins
        # allowed to call the API are the ones allowed to open a socket.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=tuple(chosen.cors_origins),
    )
    app.include_router(router, prefix="/graphql")
    app.add_exception_handler(StoreUnavailableError, store_unavailable_response)
    app.add_api_route("/healthz", _healthz, methods=["GET"])
    app.add_api_route("/readyz", _readyz, methods=["GET"])
    app.add_api_route(export_route.PATH, export_route.download_export, methods=["GET"])
    app.add_middleware(BodySizeLimit, max_bytes=chosen.max_body_bytes)
    if chosen.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(chosen.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app


def _start_worker(instance: Parcours, stop: threading.Event) -> threading.Thread:
    """Prepares the read models before serving when this process can lead (so the first
    request finds them), then keeps them current in a background thread."""
    if instance.projections.leadership.try_acquire():
        instance.projections.prepare()
    worker = threading.Thread(
        target=instance.projections.run, args=(stop,), name="parcours-projections", daemon=True
    )
    worker.start()
    return worker


async def _context(connection: HTTPConnection) -> Context:
    """Every GraphQL request is authenticated, but for the GraphiQL page and websocket
    handshakes (which authenticate in `connection_init`)."""
    state = connection.app.state
    viewer = None
    page_only = connection.scope["type"] == "http" and connection.scope["method"] == "GET"
    if connection.scope["type"] == "http" and not page_only:
        request = Request(connection.scope)
        viewer = (await run_in_threadpool(viewer_from_request, request)).actor
    return Context(
        authenticated=viewer,
        parcours=state.parcours,
        access_log=state.access_log,
        loaders=Loaders.over(state.parcours.read_store),
        app_state=state,
        connection_scoped=connection.scope["type"] == "websocket",
    )


async def _healthz() -> dict[str, str]:
    """The process is up (liveness): nothing else is checked."""
    return {"status": "ok"}


async def _readyz(request: Request) -> JSONResponse:
    """Ready to serve: the store answers, no projection failed, all within the lag bound."""
    parcours: Parcours = request.app.state.parcours
    try:
        report = await run_in_threadpool(_readiness, parcours)
    except Exception as error:
        return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, 503)
    return JSONResponse(report, 200 if report["status"] == "ready" else 503)


def _readiness(parcours: Parcours) -> dict[str, Any]:
    head = parcours.projections.source.head()
    generations = [g for g in parcours.projections.generations() if g.served]
    failed = [g.name for g in generations if g.status == FAILED]
    lag = max((head - g.position for g in generations), default=head)
    bound = parcours.settings.ready_lag_bound
    ready = bool(generations) and not failed and lag <= bound
    return {
        "status": "ready" if ready else "not ready",
        "head": head,
        "lag": lag,
        "lag_bound": bound,
        "failed": failed,
        "prepared": bool(generations),
        "subscriptions": parcours.subscriptions.count,
    }
