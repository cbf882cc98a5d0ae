"""A real kmserver on its own thread (127.0.0.1, free port) and real client engines.

The server runs its asyncio loop on a background thread so the test thread
can be the engines' owner thread: it drains an OwnerLoop and waits on
conditions with timeouts, never on fixed pauses.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kmclient.core.model import EngineEvent
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine
from kmclient.net.backoff import Backoff
from kmserver.embedded import EmbeddedServer
from kmserver.store import documents as server_docs
from kmserver.store import row_bookkeeping
from kmserver.store.database import Database
from tests.server.conftest import PASSWORD, seed

WAIT = 20.0  # generous: a 2-core CI machine runs other things too


class ServerThread(EmbeddedServer):
    """The embedded server, plus a look into its database for assertions."""

    def body_text(self, doc_id: str) -> str:
        """The server's committed plain text of a document (read from its database)."""
        db = Database(self.db_url)
        try:
            with db.read() as s:
                row = server_docs.get_document(s, doc_id)
                # the log's text: the row may lag it by a second (store/row_bookkeeping.py)
                return row_bookkeeping.working_text(s, row) if row else ""
        finally:
            db.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Users and articles of tests/server, seeded once (argon2 hashing is slow)."""
    tmp = tmp_path_factory.mktemp("template")
    seed(f"sqlite:///{tmp / 'server.db'}", tmp)
    return tmp / "server.db"


@pytest.fixture
def db_url(tmp_path: Path, seeded_template: Path) -> str:
    shutil.copy(seeded_template, tmp_path / "server.db")
    return f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def server(db_url: str) -> Iterator[ServerThread]:
    srv = ServerThread(db_url).start()
    yield srv
    srv.stop()


@pytest.fixture
def owner() -> OwnerLoop:
    return OwnerLoop()


def fast_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.5, stable_after=5.0)


class Clients:
    """Makes engines on the test thread and closes them at the end."""

    def __init__(self, owner: OwnerLoop, tmp_path: Path, server: ServerThread) -> None:
        self.owner = owner
        self.tmp_path = tmp_path
        self.server = server
        self.engines: list[SyncEngine] = []

    def engine(self, name: str, profile: str | None = None) -> SyncEngine:
        engine = SyncEngine(
            self.tmp_path / "profiles" / (profile or name), self.owner.post, backoff=fast_backoff()
        )
        self.engines.append(engine)
        return engine

    def signed_in(self, name: str, profile: str | None = None) -> SyncEngine:
        """A new engine, signed in with the password and synced."""
        engine = self.engine(name, profile)
        engine.connect(self.server.url, name, PASSWORD)
        self.wait(lambda: engine.status.state == "online")
        return engine

    def wait(self, done: Callable[[], bool], timeout: float = WAIT) -> None:
        if not self.owner.run_until(done, timeout):
            raise AssertionError(f"timed out after {timeout} s waiting for {done}")

    def wait_indexed(self, engine: SyncEngine) -> None:
        self.wait(lambda: engine.index_progress.idle)

    def close_all(self) -> None:
        for engine in self.engines:
            engine.close()
        self.engines.clear()


@pytest.fixture
def clients(owner: OwnerLoop, tmp_path: Path, server: ServerThread) -> Iterator[Clients]:
    made = Clients(owner, tmp_path, server)
    yield made
    made.close_all()


def recorder(engine: SyncEngine) -> list[EngineEvent]:
    events: list[EngineEvent] = []
    engine.listen(events.append)
    return events
