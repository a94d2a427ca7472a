"""Logging that never records a credential."""

import logging


class DropQueryString(logging.Filter):
    """Cut the query string from uvicorn's access log lines.

    Tokens belong in the Authorization header, but a client may still send one as
    `?access_token=...`; the API ignores it, and this keeps it out of the logs too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access records: (client, method, path with query, HTTP version, status).
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def keep_credentials_out_of_access_logs() -> None:
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryString) for f in access_log.filters):
        access_log.addFilter(DropQueryString())
