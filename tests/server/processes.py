"""kmserver in processes of its own (``python -m kmserver serve``), for kill -9 and for
several processes on one database. ``reap_servers`` (an autouse fixture where imported)
makes sure none outlives its test."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest

_started: list[asyncio.subprocess.Process] = []


@pytest.fixture(autouse=True)
async def reap_servers() -> AsyncIterator[None]:
    """Whatever a test does, no server subprocess outlives it."""
    yield
    while _started:
        proc = _started.pop()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def start_subprocess(db_url: str, *extra: str) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kmserver",
        "serve",
        "--db",
        db_url,
        "--port",
        "0",
        "--log-level",
        "WARNING",
        *extra,
        stdout=asyncio.subprocess.PIPE,  # its one line: where it listens (stderr: the log)
    )
    _started.append(proc)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    assert line, "the server did not start (its log is above)"
    assert line.startswith("listening on ws://127.0.0.1:"), line
    return proc, int(line.rsplit(":", 1)[1])


class PortOnly:
    """Enough of a Server for WireClient.open: where it listens."""

    def __init__(self, port: int) -> None:
        self.port = port
