"""Test servers on 127.0.0.1 (a JWKS endpoint, a revocation list, Better Auth's sign-in), each
served by a thread of the test process."""

import threading
from http.server import ThreadingHTTPServer

# How often a serving thread checks whether it should stop: `shutdown()` returns within this
# (the standard library's default, 0.5 s, would add half a second to every test that stops one).
POLL_SECONDS = 0.02


def serving_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """A daemon thread that serves `server` once started, until `server.shutdown()`."""
    return threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
