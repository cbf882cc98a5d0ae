"""Log lines: one event per line, with its logger's name, never a secret.

``--log-format text`` (default) writes ``time level logger: message``;
``--log-format json`` one JSON object per line (``ts``, ``level``, ``logger``,
``msg``, and ``exc`` with a traceback), for a log shipper. A traceback stays on
its event's line in both. Passwords and tokens never reach a log call: sign-in
failures name the user and the address only, tokens appear nowhere, and the
websockets library's frame dumps (DEBUG) stay off (tests/server/test_logs.py).

websockets traces every frame and handshake line at DEBUG: a hello carries a
password, ``/y/<doc>?token=`` a session token. Its logger is therefore kept
at INFO or above whatever the root level is, and a filter on it drops any
line that still mentions a password or a token (belt and braces: a future
websockets may log more at INFO).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

FORMATS = ("text", "json")
HEALTH_PATH = "/health"  # kmserver/server.py answers it


def _when(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class OneLineText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{_when(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return line.replace("\n", " | ")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "ts": _when(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)


def configure(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else OneLineText())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # websockets logs every frame at DEBUG, sign-in passwords and tokens included:
    # never below INFO, whatever the server's level.
    logging.getLogger("websockets").setLevel(max(logging.INFO, root.level))
    logging.getLogger(WEBSOCKETS_LOGGER).setLevel(max(logging.INFO, root.level))


WEBSOCKETS_LOGGER = "kmserver.websockets"
_SECRET = re.compile(r"password|token=|\"token\"", re.IGNORECASE)


class _NoSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record: drop it rather than fail the log call
            return False
        return _SECRET.search(text) is None


class _QuietHealthChecks(logging.Filter):
    """A load balancer asks ``/health`` every few seconds of every process (HAProxy's
    configuration in docs/operations.md: every 2 s); an answered check is not an event.
    A failed one (not 200) and anything above INFO still are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        connection = getattr(record, "websocket", None)  # websockets' LoggerAdapter
        request = getattr(connection, "request", None)
        response = getattr(connection, "response", None)
        if request is None or response is None or response.status_code != 200:
            return True
        return urlsplit(request.path).path != HEALTH_PATH


def websockets_logger() -> logging.Logger:
    """The logger handed to ``websockets.serve``: INFO at most, secrets filtered, load
    balancers' health checks left out."""
    logger = logging.getLogger(WEBSOCKETS_LOGGER)
    if logger.level < logging.INFO:  # NOTSET (0) or DEBUG: frame traces stay off
        logger.setLevel(logging.INFO)
    for kind in (_NoSecrets, _QuietHealthChecks):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    return logger
