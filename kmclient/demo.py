"""``kmclient --demo``: an embedded kmserver with the sample knowledge base and demo users.

The server runs its own asyncio loop on a background thread (the GUI thread
must stay free), on 127.0.0.1 and a free port, with a throw-away SQLite
database in a temporary directory. Everyone signs in with :data:`DEMO_PASSWORD`.

Qt-free, so tests and benchmarks can start the same server without a window.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
KB_DIR = RESOURCES / "kb"
DEMO_PASSWORD = "demo"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    topics: tuple[str, ...]
    blurb: str  # what this account shows off, for the menu and the About box


# Owners olle and karin and supervisor sara own the articles in resources/kb.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "olle", "owner", ("parking", "waste", "payments"), "content owner: edits his articles"
    ),
    DemoUser(
        "karin",
        "owner",
        ("building-permits", "school", "elderly-care"),
        "content owner: building permits, school, elderly care",
    ),
    DemoUser("sara", "supervisor", (), "supervisor: reads and edits everything"),
    DemoUser(
        "anna", "rep", ("parking", "waste", "payments"), "rep: reads parking, waste, payments"
    ),
    DemoUser("erik", "rep", ("school", "elderly-care"), "rep: reads school and elderly care"),
    DemoUser("admin", "admin", (), "administrator: reads everything, edits nothing"),
)
# Olle first: an owner sees reading *and* live editing; the rep's view is one menu click away.
DEFAULT_USER = "olle"
# The colleague a second window opens as, so co-editing shows at once (sara may edit everything).
PARTNER_USER = "sara"


def seed_database(db_url: str, kb_dir: Path = KB_DIR) -> None:
    """Create the demo users and import the sample articles into an empty database."""
    from kmserver.content import import_dir
    from kmserver.store.accounts import Accounts
    from kmserver.store.database import Database

    db = Database(db_url)
    try:
        accounts = Accounts(db)
        for user in DEMO_USERS:
            accounts.add_user(user.name, user.role, list(user.topics), DEMO_PASSWORD)
        import_dir(db, kb_dir)
    finally:
        db.dispose()


class DemoServer:
    """kmserver on a background thread; start, stop and start again on the same port.

    ``db_path`` names an existing, seeded database (tests copy a template);
    without it a temporary directory gets a freshly seeded one.
    """

    def __init__(self, db_path: Path | None = None, port: int = 0) -> None:
        self._own_dir: Path | None = None
        if db_path is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="kmclient-demo-"))
            db_path = self._own_dir / "server.db"
            seed_database(f"sqlite:///{db_path}")
        self.db_url = f"sqlite:///{db_path}"
        self.port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> DemoServer:
        if self._thread is not None:
            return self
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="kmserver-demo", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise TimeoutError("the demo server did not start")
        if self._error is not None:
            self._thread = None
            raise self._error
        return self

    async def _main(self) -> None:
        from kmserver.server import Server, ServerConfig

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = Server(ServerConfig(db_url=self.db_url, host="127.0.0.1", port=self.port))
        try:
            await server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self.port = server.port  # keep it: a restart comes back on the same address
        self._ready.set()
        await self._stop.wait()
        await server.stop()

    def stop(self) -> None:
        """Stop serving (clients see the connection drop); the database stays."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None or loop is None or stop is None:
            return
        loop.call_soon_threadsafe(stop.set)
        thread.join(START_TIMEOUT)
        self._thread = None

    def close(self) -> None:
        """Stop and delete the temporary database (if this server made it)."""
        self.stop()
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None


def demo_user(name: str) -> DemoUser:
    for user in DEMO_USERS:
        if user.name == name:
            return user
    raise KeyError(f"no demo user '{name}' (try one of: {', '.join(u.name for u in DEMO_USERS)})")
