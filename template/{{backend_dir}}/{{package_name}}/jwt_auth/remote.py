"""The documents the API follows from the frontend (the key set, the revocation list): where
they may come from, the one client they are fetched with, one capped GET within a deadline, and
the background tasks that fetch them."""

import asyncio
from dataclasses import dataclass
from enum import StrEnum

import httpx

from .urls import is_private_channel


def private_url(value: str, document: str) -> str:
    """`value`, if what travels to it stays private (https, or http to this machine)."""
    if is_private_channel(value):
        return value
    raise ValueError(
        f"{value!r} is not an https URL: {document} fetched over plain http can be swapped in "
        "transit (http is allowed only for localhost)"
    )


def document_client(timeout_seconds: float) -> httpx.AsyncClient:
    """The HTTP client a document is fetched with, by the API and by doctor alike: no redirects."""
    return httpx.AsyncClient(
        timeout=timeout_seconds, follow_redirects=False, headers={"Accept": "application/json"}
    )


class DownloadFailure(StrEnum):
    """Why a GET gave no body to read."""

    DEADLINE = "deadline"
    UNREACHABLE = "unreachable"
    HTTP_STATUS = "http_status"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class Download:
    """One GET: its body, or why there is none."""

    body: bytes = b""
    failure: DownloadFailure | None = None
    detail: str = ""  # the values behind a failure, for the log (" status=404")
    error: str = ""  # the exception's name when nothing answered in time
    response: httpx.Response | None = None  # its headers (doctor compares clocks with Date)


async def download(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, deadline_seconds: float
) -> Download:
    """GET `url`: a 200's body, at most `max_bytes` read, all within `deadline_seconds`."""
    try:
        # httpx's timeout bounds each read; this bounds the whole fetch, so an endpoint that
        # trickles a byte at a time cannot hold requests for longer.
        async with asyncio.timeout(deadline_seconds):
            async with client.stream("GET", url) as response:
                if response.status_code != 200:
                    status = f" status={response.status_code}"
                    return Download(
                        failure=DownloadFailure.HTTP_STATUS, detail=status, response=response
                    )
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        limit = f" limit={max_bytes}"
                        return Download(
                            failure=DownloadFailure.TOO_LARGE, detail=limit, response=response
                        )
    except TimeoutError:
        return Download(
            failure=DownloadFailure.DEADLINE,
            detail=f" seconds={deadline_seconds}",
            error=f"no answer within {deadline_seconds} s",
        )
    except httpx.HTTPError as error:
        name = type(error).__name__
        return Download(failure=DownloadFailure.UNREACHABLE, detail=f" error={name}", error=name)
    return Download(body=bytes(body), response=response)


async def cancel_and_wait(*tasks: "asyncio.Task[object] | None") -> None:
    """Stop a follower's background loop and its fetch in flight (before its client closes)."""
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
