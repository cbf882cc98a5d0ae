"""Which kmdesk this is: the installed package's version, for ``--version`` and the
server's start line (processes of a rolling upgrade say which release each runs)."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("kmdesk")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
