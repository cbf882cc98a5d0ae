"""Logging that never holds a secret, at any level.

websockets traces every frame and handshake line at DEBUG: a hello carries a
password, ``/y/<doc>?token=`` a session token. Its logger is therefore kept
at INFO or above whatever the root level is, and a filter on it drops any
line that still mentions a password or a token (belt and braces: a future
websockets may log more at INFO).
"""

from __future__ import annotations

import logging
import re

WEBSOCKETS_LOGGER = "kmserver.websockets"
_SECRET = re.compile(r"password|token=|\"token\"", re.IGNORECASE)


class _NoSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record: drop it rather than fail the log call
            return False
        return _SECRET.search(text) is None


def websockets_logger() -> logging.Logger:
    """The logger handed to ``websockets.serve``: INFO at most, secrets filtered."""
    logger = logging.getLogger(WEBSOCKETS_LOGGER)
    if logger.level < logging.INFO:  # NOTSET (0) or DEBUG: frame traces stay off
        logger.setLevel(logging.INFO)
    if not any(isinstance(f, _NoSecrets) for f in logger.filters):
        logger.addFilter(_NoSecrets())
    return logger
