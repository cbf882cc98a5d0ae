"""Shared setup for the PySide6 UI tests: run Qt headless.

The tests are grouped like ``kmclient/ui/``: shell, library, reading, editing,
feedback, notify, publishing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Must happen before the QApplication exists; pytest-qt creates it lazily in `qapp`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _empty_clipboard() -> Iterator[None]:
    """PySide6 6.11's offscreen clipboard crashes the interpreter at exit if it still holds
    data set from Python (the xcb one does not): empty it after each test."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
