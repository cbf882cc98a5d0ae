"""Shared setup for the PySide6 UI tests: run Qt headless.

The tests are grouped like ``kmclient/ui/``: shell, library, reading, editing,
feedback, notify, publishing.
"""

from __future__ import annotations

import os

# Must happen before the QApplication exists; pytest-qt creates it lazily in `qapp`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
