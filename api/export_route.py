"""`GET /exports/{study}.zip`: a fresh evaluation export, zipped and streamed to an evaluator.

Only the EVALUATOR role may download (401 without a valid token, 403 for any other role):
exports are pseudonymised, but they are still row-level data about young people. The export
is built in a worker thread into a private temporary directory, zipped with fixed entry times
(the same export gives the same archive), streamed in chunks, and the directory is removed
once the response is sent.
"""

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import Annotated

from fastapi import HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from api import policy
from api.access_log import AccessLog
from api.auth.dependencies import CurrentViewer
from api.bootstrap import Parcours
from api.graphql.outage import StoreUnavailableError
from api.policy import Capability
from domain.actor import Actor
from projections.exports.errors import ExportError
from projections.exports.suppression import DEFAULT_K
from projections.outage import outage_message

PATH = "/exports/{study}.zip"
CHUNK = 1 << 16
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
STATUS = {"UNKNOWN_STUDY": 404, "INVALID_STUDY_NAME": 404, "REPLAY_FAILED": 503}
"""Any other refusal (a position out of range…) is the request's fault: 422; a read model that
cannot be replayed is the instance's (503, until the projection is fixed)."""

log = logging.getLogger("parcours.exports")


async def download_export(
    study: str,
    request: Request,
    viewer: CurrentViewer,
    at_position: Annotated[
        int | None, Query(ge=1, description="Export as at this position.")
    ] = None,
    k: Annotated[int, Query(ge=DEFAULT_K, description="Suppression threshold.")] = DEFAULT_K,
) -> StreamingResponse:
    """The study's export as a zip: datasets, aggregates, report, codebook and manifest."""
    if not policy.allows(viewer.actor, Capability.DOWNLOAD_EXPORTS):
        raise HTTPException(403, detail="only evaluators download evaluation exports")
    parcours: Parcours = request.app.state.parcours
    directory = Path(tempfile.mkdtemp(prefix="parcours-download-"))
    try:
        archive = await run_in_threadpool(
            _zipped,
            parcours,
            study,
            directory,
            at_position,
            k,
            viewer.actor,
            request.app.state.access_log,
        )
    except ExportError as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise HTTPException(STATUS.get(error.code, 422), detail=error.message) from None
    except BaseException as error:
        shutil.rmtree(directory, ignore_errors=True)
        outage = outage_message(error) if isinstance(error, Exception) else None
        if outage is not None:  # the export or its access record could not be written
            raise StoreUnavailableError(outage) from error
        raise
    log.info("evaluation export of study %s downloaded by %s", study, viewer.user_id)
    return StreamingResponse(
        _chunks(archive, directory),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{study}.zip"'},
        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True),
    )


def _zipped(
    parcours: Parcours,
    study: str,
    directory: Path,
    at_position: int | None,
    k: int,
    reader: Actor,
    access_log: AccessLog,
) -> Path:
    from api.evaluation import run_export  # noqa: PLC0415 - pyarrow/matplotlib load on first use

    root = directory / "export"
    run_export(
        parcours, study, root, at_position=at_position, k=k, reader=reader, access_log=access_log
    )
    archive = directory / f"{study}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(f"{study}/{path.relative_to(root).as_posix()}", ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(entry, path.read_bytes())
    return archive


def _chunks(path: Path, directory: Path) -> Generator[bytes]:
    """The archive, then its directory removed however the stream ends: the response's
    background task runs only after a stream sent whole or cut by the client, and a streaming
    error or a server stopping left row-level pseudonymised data in the temporary directory."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(directory, ignore_errors=True)
