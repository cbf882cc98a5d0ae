"""The demo's embedded server (``kmclient.demo.DemoServer``), in a module of its
own: importing it imports the whole of kmserver, which a window on a real
server never needs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from kmclient.demo import seed_database
from kmserver.embedded import EmbeddedServer


class DemoServer(EmbeddedServer):
    """The embedded server on a demo database.

    ``db_path`` names an existing, seeded database (tests copy a template);
    without it a temporary directory gets a freshly seeded one.
    """

    def __init__(self, db_path: Path | None = None, port: int = 0) -> None:
        self._own_dir: Path | None = None
        if db_path is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="kmclient-demo-"))
            db_path = self._own_dir / "server.db"
            seed_database(f"sqlite:///{db_path}")
        super().__init__(f"sqlite:///{db_path}", port)

    def close(self) -> None:
        """Stop and delete the temporary database (if this server made it)."""
        self.stop()
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None
