"""The app's data: the sample knowledge base, the style sheet, icons and translations.

They live in the repository's ``resources/`` and are installed as the package
``kmclient.assets`` (pyproject.toml maps the one to the other), so they are
found with ``importlib.resources`` by every kind of install: editable, a
wheel, ``pip install --user`` and ``pip install --target``. Nothing is looked
up under ``sys.prefix``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

PACKAGE = "kmclient.assets"


@cache
def resources_dir() -> Path:
    """The directory of the data files (a plain directory in every supported install)."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"kmclient's data files are missing (the package {PACKAGE} is not installed)"
        ) from exc
    path = Path(str(root))
    if not (path / "kb").is_dir():  # a zipped install: not supported, say so
        raise FileNotFoundError(f"kmclient's data files are missing from {path}")
    return path


def read_text(*parts: str) -> str:
    """A text file of the data, e.g. ``read_text("style", "app.qss")``."""
    return resources.files(PACKAGE).joinpath(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    return resources.files(PACKAGE).joinpath(*parts).read_bytes()
