"""Several server processes on one PostgreSQL database (docs/server.md, "Several processes").

What crosses between processes goes through PostgreSQL itself:

- the log: every write transaction NOTIFYs ``kmdesk_log`` at its commit
  (store/database.py); here a listening connection turns another process's
  notification into ``Writer.poke``, so its entries reach this process's
  sessions within milliseconds instead of at the next poll;
- awareness (carets, who is reading), which is never stored: a local peer's
  update is sent as a NOTIFY on ``kmdesk_awareness`` and the other processes
  hand it to their peers of the same document.

A dropped listening connection is opened again; meanwhile the writer's poll
still reads the log every second, so nothing is missed, only later. With
SQLite there is one server process (``serve_lock``) and nothing to do here.
"""

from __future__ import annotations

import base64
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from kmserver.store.database import LOG_CHANNEL, PROCESS_ID, Database

log = logging.getLogger(__name__)

AWARENESS_CHANNEL = "kmdesk_awareness"
MAX_NOTIFY = 7900  # PostgreSQL refuses NOTIFY payloads of 8,000 bytes and more
RETRY_SECONDS = 1.0

OnAwareness = Callable[[str, str, bytes], None]  # doc id, sender key, payload


def _conninfo(db: Database) -> str:
    url = db.write_engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Cluster:
    def __init__(
        self,
        db: Database,
        on_log: Callable[[], None],
        on_awareness: OnAwareness,
        call_soon: Callable[..., Any],
    ) -> None:
        """``on_log`` and ``on_awareness`` run on the event loop (through ``call_soon``,
        the loop's call_soon_threadsafe)."""
        self.db = db
        self._on_log = on_log
        self._on_awareness = on_awareness
        self._call_soon = call_soon
        self._stop = threading.Event()
        self._outbox: queue.Queue[str | None] = queue.Queue(maxsize=10_000)
        self._threads: list[threading.Thread] = []
        self.enabled = db.is_postgresql

    def start(self) -> None:
        if not self.enabled:
            return
        for target, name in ((self._listen, "kmserver-listen"), (self._send, "kmserver-notify")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        if self._threads:
            self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    # -- awareness out ---------------------------------------------------------------

    def send_awareness(self, doc_id: str, sender: str, payload: bytes) -> None:
        """From the event loop: tell the other processes (dropped if too big or if the
        queue is full: awareness is a hint, renewed by clients every few seconds)."""
        if not self.enabled:
            return
        message = json.dumps(
            {"o": PROCESS_ID, "s": sender, "d": doc_id, "a": base64.b64encode(payload).decode()},
            separators=(",", ":"),
        )
        if len(message.encode()) > MAX_NOTIFY:
            log.debug("awareness update for %s too large to cross processes", doc_id)
            return
        try:
            self._outbox.put_nowait(message)
        except queue.Full:
            log.warning("awareness to other processes is falling behind; dropping one")

    # -- threads -------------------------------------------------------------------------

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg  # the PostgreSQL driver: only needed here

        return psycopg.connect(_conninfo(self.db), autocommit=True)

    def _send(self) -> None:
        conn = None
        while not self._stop.is_set():
            message = self._outbox.get()
            if message is None:
                break
            try:
                if conn is None or conn.closed:
                    conn = self._connect()
                conn.execute("SELECT pg_notify(%s, %s)", (AWARENESS_CHANNEL, message))
            except Exception as exc:  # a lost connection: the next message opens a new one
                log.warning("could not pass awareness to other processes: %s", exc)
                conn = None
        if conn is not None:
            conn.close()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except Exception as exc:
                log.warning("cannot listen for other processes' commits: %s", exc)
                self._stop.wait(RETRY_SECONDS)
                continue
            try:
                conn.execute(f"LISTEN {LOG_CHANNEL}")
                conn.execute(f"LISTEN {AWARENESS_CHANNEL}")
                self._call_soon(self._on_log)  # whatever committed while not listening
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=1.0):
                        self._dispatch(note.channel, note.payload)
            except Exception as exc:
                if not self._stop.is_set():
                    log.warning("lost the connection that listens to other processes: %s", exc)
                    time.sleep(RETRY_SECONDS)
            finally:
                conn.close()

    def _dispatch(self, channel: str, payload: str) -> None:
        if channel == LOG_CHANNEL:
            if payload != PROCESS_ID:  # our own commits: the writer already has them
                self._call_soon(self._on_log)
            return
        try:
            message = json.loads(payload)
            if message["o"] == PROCESS_ID:
                return
            data = base64.b64decode(message["a"])
            sender = f"{message['o']}:{message['s']}"
            self._call_soon(self._on_awareness, str(message["d"]), sender, data)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a malformed awareness notification: %s", exc)
