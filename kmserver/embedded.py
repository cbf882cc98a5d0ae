"""kmserver on a background thread: for the desktop demo and for tests.

The server runs its own asyncio loop on a daemon thread, so the calling
thread (a Qt GUI thread, or a test driving client engines) stays free. It
can be stopped and started again on the same database and port, which is how
a "server went away and came back" is shown and tested.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Self

from kmserver.limits import Limits
from kmserver.server import Server, ServerConfig

START_TIMEOUT = 30.0


class EmbeddedServer:
    def __init__(
        self, db_url: str, port: int = 0, host: str = "127.0.0.1", limits: Limits | None = None
    ) -> None:
        self.db_url = db_url
        self.limits = limits or Limits()
        self.host = host
        self.port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.server: Server | None = None  # while it runs

    def config(self) -> ServerConfig:
        """How the server is made (a test may give it its own clock or intervals)."""
        return ServerConfig(db_url=self.db_url, host=self.host, port=self.port, limits=self.limits)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> Self:
        """Start serving; returns once the port is listening (or raises why not)."""
        if self._thread is not None:
            return self
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="kmserver-embedded", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise TimeoutError("the embedded server did not start")
        if self._error is not None:
            self._thread = None
            raise self._error
        return self

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = Server(self.config())
        try:
            await server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self.server = server
        self.port = server.port  # kept: a restart comes back on the same address
        self._ready.set()
        await self._stop.wait()
        await server.stop()
        self.server = None

    def stop(self) -> None:
        """Stop serving (clients see the connection drop); the database stays."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None or loop is None or stop is None:
            return
        loop.call_soon_threadsafe(stop.set)
        thread.join(START_TIMEOUT)
        self._thread = None
