"""Caps on what a client can make the API hold: in the HTTP protocol, before the app sees a
request (the head's size and time, trailers, requests queued on one connection), and in ASGI
middleware, before any route runs (the body)."""

import asyncio
import json
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Node's own limit, so every request the frontend's server accepts fits; nginx's default is 8 KiB
# per line. A JWT in the Authorization header is 1 KiB or so. Trailers count toward it.
MAX_HEAD_BYTES = 16 * 1024
HEAD_TOO_LARGE = f"The request's headers are larger than {MAX_HEAD_BYTES} bytes."
# From a connection's start, or a request's first byte, to the end of its head: a head arrives
# in one packet, so this is for clients that open connections and send nothing, or a byte at a
# time, to hold them. Each byte does not restart it.
HEAD_DEADLINE_SECONDS = 10.0
# Requests read on one connection while an earlier one is still being answered (HTTP/1.1
# pipelining; browsers never do it). Past it the connection is closed.
MAX_PIPELINED_REQUESTS = 16


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with bounds it lacks. httptools buffers a head of any size
    (a 50 MB header cost 50 MB before the app was called), joins chunked trailers at a cost that
    grows with the square of their size, waits for an unfinished head forever, and uvicorn queues
    every pipelined request it reads. Here:

    - a head (request line, headers, and the trailers of a chunked body) over MAX_HEAD_BYTES is
      refused with 431, as soon as the bytes read for it pass the limit;
    - a head not complete HEAD_DEADLINE_SECONDS after the connection opened (or after its first
      byte, on a kept-alive connection) is refused with 408;
    - a connection with more than MAX_PIPELINED_REQUESTS requests waiting is closed.

    uvicorn's h11 protocol has a head cap, but serves about a fifth of the requests per second.
    This subclasses uvicorn's own protocol: `pyproject.toml` pins uvicorn to the versions
    `tests/test_request_limits.py` proves it with.
    """

    # A subclass may set another (the tests prove the rule with a one-second deadline).
    head_deadline_seconds = HEAD_DEADLINE_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading_head = True
        self.bytes_read_in_head = 0  # every byte received while the head is unfinished
        self.head_size = 0  # the request line and headers parsed so far
        self.in_last_chunk = False  # a chunked body's last chunk began: trailers may follow
        self.refusal: tuple[int, str] | None = None
        self.head_deadline: asyncio.TimerHandle | None = None

    # uvicorn types the transport as BaseTransport; asyncio always hands a server a Transport.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        self.pipeline.clear()  # requests that will never be answered
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.reading_head or self.in_last_chunk:
            if self.reading_head and self.head_deadline is None:
                self._start_head_deadline()  # the first byte of a request on a kept-alive connection
            self.bytes_read_in_head += len(data)
        super().data_received(data)
        # Still in the head (or the trailers) after parsing: every byte counted belongs to it.
        if (self.reading_head or self.in_last_chunk) and self.bytes_read_in_head > MAX_HEAD_BYTES:
            self.refuse(431, HEAD_TOO_LARGE)
        if self.refusal and not self.transport.is_closing():
            self._send_refusal()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        self.head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value) + 4  # ": " and CRLF
        if self.head_size > MAX_HEAD_BYTES:
            self.refuse(431, HEAD_TOO_LARGE)
        if not self.refusal:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.reading_head = False
        self._stop_head_deadline()
        if self.refusal:
            return  # the app never sees this request
        if len(self.pipeline) >= MAX_PIPELINED_REQUESTS:
            self.refuse(0, "too many pipelined requests")  # closed without an answer
            return
        super().on_headers_complete()

    def on_chunk_header(self) -> None:
        # The last chunk has no data: until it completes, what arrives is trailers.
        self.in_last_chunk = True
        self.bytes_read_in_head = self.head_size

    def on_body(self, body: bytes) -> None:
        self.in_last_chunk = False
        if not self.refusal:
            super().on_body(body)

    def on_chunk_complete(self) -> None:
        self.in_last_chunk = False

    def on_message_complete(self) -> None:
        if self.refusal:
            return
        super().on_message_complete()
        self.reading_head = True
        self.bytes_read_in_head = 0

    def refuse(self, status: int, detail: str) -> None:
        """Answer `status` (0: none) and close, once the current bytes are parsed."""
        self.refusal = self.refusal or (status, detail)

    def _send_refusal(self) -> None:
        status, detail = self.refusal or (0, "")
        if status:
            body = json.dumps({"detail": detail}).encode()
            reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
            self.transport.write(
                b"HTTP/1.1 %d %s\r\n" % (status, reason) + b"content-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\n"
                b"connection: close\r\n\r\n" + body
            )
        self.transport.close()

    def _start_head_deadline(self) -> None:
        self.head_deadline = self.loop.call_later(self.head_deadline_seconds, self._head_too_slow)

    def _stop_head_deadline(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_too_slow(self) -> None:
        self.head_deadline = None
        if self.reading_head and not self.transport.is_closing():
            seconds = f"{self.head_deadline_seconds:g}"
            self.refuse(408, f"The request's headers did not arrive within {seconds} s.")
            self._send_refusal()


class BodySizeLimit:
    """Refuses a body over `max_bytes` with 413: by its Content-Length before reading a byte, and,
    for a body that does not declare its length, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        refused = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    if not response_started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}  # the app stops reading
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return  # the 413 has been sent: nothing the app says afterwards goes out
            response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except ClientDisconnect:
            if not refused:
                raise  # a real disconnect; after a 413 it is the app noticing the cut body

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"detail": f"The request body is larger than {self.max_bytes} bytes (MAX_BODY_BYTES)."}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
