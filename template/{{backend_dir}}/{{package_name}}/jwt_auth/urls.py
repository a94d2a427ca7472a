"""Which URLs may carry keys, tokens or passwords: https, or plain http to this machine only."""

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str | None) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1) only. A name that merely
    starts with "127." (`127.0.0.1.nip.io`) is someone else's machine."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_private_channel(url: str) -> bool:
    """Whether what travels to `url` stays private: https, or http to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and is_loopback(parts.hostname)
