"""PySide6's import hook (``__feature__``) reads the source of every module
imported after PySide6 (~0.1 s for the engine, its SQLAlchemy and Whoosh):
the Qt-free engine is imported here first, before any ui module imports Qt."""

import kmclient.core.sync_engine  # noqa: F401
