"""Caps on what a client can make the API read: the request head (in the HTTP protocol, before
the app sees the request) and the body (ASGI middleware, before any route runs)."""

import json

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Node's own limit, so every request the frontend's server accepts fits; nginx's default is 8 KiB
# per line. A JWT in the Authorization header is 1 KiB or so.
MAX_HEAD_BYTES = 16 * 1024


class HeadSizeLimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request line plus headers over MAX_HEAD_BYTES
    with 431: as soon as the bytes read for an unfinished head pass it, or once a head that
    arrived whole is parsed.

    httptools buffers a head of any size (a 50 MB header costs 50 MB before the app is called).
    uvicorn's h11 protocol has a cap, but serves about a fifth of the requests per second.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.reading_head = True
        self.bytes_read_in_head = 0  # every byte received while the head is unfinished
        self.head_size = 0  # the request line and headers parsed so far
        self.refused = False

    def data_received(self, data: bytes) -> None:
        if self.reading_head:
            self.bytes_read_in_head += len(data)
        super().data_received(data)
        # Still in the head after parsing: every byte counted so far belongs to it.
        unfinished_too_long = self.reading_head and self.bytes_read_in_head > MAX_HEAD_BYTES
        if (self.refused or unfinished_too_long) and not self.transport.is_closing():
            self.send_431_response()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        self.head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value) + 4  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.reading_head = False
        if self.head_size > MAX_HEAD_BYTES:
            self.refused = True  # the app never sees this request
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self.refused:
            return
        super().on_message_complete()
        self.reading_head = True
        self.bytes_read_in_head = 0

    def send_431_response(self) -> None:
        detail = f"The request's headers are larger than {MAX_HEAD_BYTES} bytes."
        body = json.dumps({"detail": detail}).encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()


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
