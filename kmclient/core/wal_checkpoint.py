"""SQLite WAL checkpoints on a thread of their own, not inside the owner's commits.

With SQLite's automatic checkpoints, the commit that crosses 1,000 WAL pages
copies them into the database file and syncs it: on a busy disk that made
one commit in ten of a first sync take 10-90 ms on the GUI thread (10k
documents write ~90 MB). The owner's connection turns them off
(``wal_autocheckpoint=0``) and this thread runs a PASSIVE checkpoint, which
never blocks a writer or a reader, every ``interval`` seconds. SQLite still
checkpoints when the last connection closes.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between checkpoints: bounds the WAL to what half a second writes


class Checkpointer:
    def __init__(self, engine: Engine, interval: float = INTERVAL) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kmclient-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.checkpoint()

    def checkpoint(self) -> None:
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one catches up; the WAL only grows meanwhile
            log.warning("WAL checkpoint failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
