"""A real SMTP server on loopback (aiosmtpd) that keeps what the frontend sends, as an inbox
would get it: the end-to-end tests read Better Auth's reset and verification mail from it."""

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"the mail has no text/{subtype} part"
        return str(part.get_content())  # type: ignore[attr-defined]

    @property
    def link(self) -> str:
        """The link the mail asks to follow (the same in its text and its HTML)."""
        found = LINK.search(self.body("plain"))
        assert found, self.body("plain")
        return found.group(0)


class Mailbox:
    """Every message the server on `port` accepted, in order of arrival."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._received: list[Received] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self._received.append(Received(list(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self._arrived:
            return [mail for mail in self._received if address in mail.to]

    def wait_for(self, address: str, subject: str, count: int = 1, timeout: float = 30) -> Received:
        """The `count`th mail to `address` whose subject contains `subject`, once it arrived."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [m for m in self._received if address in m.to and subject in m.subject]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f'no mail "{subject}" to {address} within {timeout} s')
                self._arrived.wait(left)


@contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1:`port` until the block ends (no TLS, no login: loopback)."""
    mailbox = Mailbox(port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
