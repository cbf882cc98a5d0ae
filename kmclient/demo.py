"""``kmclient --demo``: an embedded kmserver with the sample knowledge base and demo users.

The server runs its own asyncio loop on a background thread (the GUI thread
must stay free), on 127.0.0.1 and a free port, with a throw-away SQLite
database in a temporary directory. Everyone signs in with :data:`DEMO_PASSWORD`.

Qt-free, so tests and benchmarks can start the same server without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmclient.resources import resources_dir

if TYPE_CHECKING:
    from kmclient.demo_server import DemoServer as DemoServer  # re-exported, lazily

KB_DIR = resources_dir() / "kb"
DEMO_PASSWORD = "demo"


def QT_TRANSLATE_NOOP(_context: str, text: str) -> str:
    """Marks a string for translation (``pyside6-lupdate``) without Qt: the UI says it
    with ``tr(blurb)``."""
    return text


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    topics: tuple[str, ...]
    blurb: str  # what this account shows off, for the menu and the About box


# Owners olle and karin and supervisor sara own the articles in resources/kb.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "olle",
        "owner",
        ("parking", "waste", "payments"),
        QT_TRANSLATE_NOOP("", "content owner: edits his articles"),
    ),
    DemoUser(
        "karin",
        "owner",
        ("building-permits", "school", "elderly-care"),
        QT_TRANSLATE_NOOP("", "content owner: building permits, school, elderly care"),
    ),
    DemoUser(
        "sara", "supervisor", (), QT_TRANSLATE_NOOP("", "supervisor: reads and edits everything")
    ),
    DemoUser(
        "anna",
        "rep",
        ("parking", "waste", "payments"),
        QT_TRANSLATE_NOOP("", "rep: reads parking, waste, payments"),
    ),
    DemoUser(
        "erik",
        "rep",
        ("school", "elderly-care"),
        QT_TRANSLATE_NOOP("", "rep: reads school and elderly care"),
    ),
    DemoUser(
        "admin",
        "admin",
        (),
        QT_TRANSLATE_NOOP("", "administrator: reads everything, edits nothing"),
    ),
)
# Olle first: an owner sees reading *and* live editing; the rep's view is one menu click away.
DEFAULT_USER = "olle"
# The colleague a second window opens as, so co-editing shows at once (sara may edit everything).
PARTNER_USER = "sara"


def seed_database(db_url: str, kb_dir: Path = KB_DIR, *, story: bool = True) -> None:
    """Create the demo users and import the sample articles into an empty database;
    with ``story``, give it a little history (kmclient/demo_story.py)."""
    from kmclient.demo_story import tell_story
    from kmserver.content import import_dir
    from kmserver.store.accounts import Accounts
    from kmserver.store.database import Database

    db = Database(db_url)
    try:
        accounts = Accounts(db)
        for user in DEMO_USERS:
            accounts.add_user(user.name, user.role, list(user.topics), DEMO_PASSWORD)
        import_dir(db, kb_dir)
        if story and kb_dir == KB_DIR:
            tell_story(db)
    finally:
        db.dispose()


def web_addresses(port: int, host: str = "127.0.0.1") -> list[str]:
    """What ``kmclient --demo`` prints: the same server in a browser, with a sign-in."""
    base = f"http://{host}:{port}"
    return [
        f"Web app:     {base}/  (sign in as anna, a rep, or olle, an owner; password "
        f"'{DEMO_PASSWORD}')",
        f"Help centre: {base}/help/  (public articles, no sign-in)",
    ]


def demo_user(name: str) -> DemoUser:
    for user in DEMO_USERS:
        if user.name == name:
            return user
    raise KeyError(f"no demo user '{name}' (try one of: {', '.join(u.name for u in DEMO_USERS)})")


def __getattr__(name: str) -> Any:
    # DemoServer pulls in the whole server (~0.7 s of imports): only --demo,
    # tests and benchmarks pay for it, not a window on a real server.
    if name == "DemoServer":
        from kmclient.demo_server import DemoServer

        return DemoServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
