"""Where the sample knowledge base, style sheet and icons are.

In a source checkout (and an editable install) they are the repository's
``resources/``; a regular install puts them under ``<prefix>/share/kmdesk``
(``[tool.setuptools.data-files]`` in pyproject.toml).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_CANDIDATES = (
    Path(__file__).resolve().parent.parent / "resources",
    Path(sys.prefix) / "share" / "kmdesk",
)


@cache
def resources_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "kb").is_dir():
            return candidate
    looked = ", ".join(str(c) for c in _CANDIDATES)
    raise FileNotFoundError(f"kmclient's resources are missing (looked in {looked})")
