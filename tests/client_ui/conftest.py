"""Shared setup for the PySide6 UI tests: run Qt headless."""

from __future__ import annotations

import os

# Must happen before the QApplication exists; pytest-qt creates it lazily in `qapp`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The two editors wired together, for test_ytext_binding.py and test_ytext_carets.py.
from tests.client_ui.ytext_helpers import pair  # noqa: F401
