"""A real kmserver on 127.0.0.1 (free port, SQLite file in tmp_path) and a small wire client."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc
from websockets.asyncio.client import ClientConnection, connect

from kmserver.content import import_dir
from kmserver.protocol import streams, ysync
from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server, ServerConfig
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.server import pg_cluster

PASSWORD = "correct horse battery"

USERS = {
    "rita": ("rep", ["parking"]),
    "olle": ("owner", ["parking"]),
    "karin": ("owner", ["school"]),
    "sara": ("supervisor", []),
    "adam": ("admin", []),
}

ARTICLES = {
    "parking": (
        "Parking permit",
        ["parking"],
        ["everyone"],
        "olle",
        "published",
        "# Parking permit\n\nApply online. Överklaga inom tre veckor.\n",
    ),
    "school": (
        "School places",
        ["school"],
        ["everyone"],
        "karin",
        "published",
        "# School places\n\nApply in January.\n",
    ),
    "internal": (
        "Threat routine",
        ["general"],
        ["supervisor"],
        "sara",
        "published",
        "# Threat routine\n\nCall security.\n",
    ),
    "styleguide": (
        "Style guide",
        ["general"],
        ["owner", "supervisor"],
        "sara",
        "published",
        "# Style guide\n\nWrite short sentences.\n",
    ),
    "draft": (
        "Draft on towing",
        ["parking"],
        ["everyone"],
        "olle",
        "draft",
        "# Towing\n\nNot ready.\n",
    ),
}


def write_articles(directory: Path, articles: dict = ARTICLES) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, topics, audience, owner, status, text) in articles.items():
        (directory / f"{doc_id}.md").write_text(
            f"---\nid: {doc_id}\ntitle: {title}\ntopics: {json.dumps(topics)}\n"
            f"audience: {json.dumps(audience)}\nowner: {owner}\nstatus: {status}\n---\n{text}",
            encoding="utf-8",
        )


def seed(db_url: str, tmp: Path) -> None:
    db = Database(db_url)
    accounts = Accounts(db)
    for name, (role, topics) in USERS.items():
        accounts.add_user(name, role, topics, PASSWORD)
    write_articles(tmp / "kb")
    import_dir(db, tmp / "kb")
    db.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed once (argon2 hashing is slow by design); each test gets a copy."""
    directory = tmp_path_factory.mktemp("template")
    seed(f"sqlite:///{directory / 'server.db'}", directory)
    return directory / "server.db"


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL cluster with a seeded template database."""
    if pg_cluster.pg_bin() is None:
        pytest.skip("PostgreSQL is not installed here (.ci/run installs it)")
    with pg_cluster.cluster() as admin:
        pg_cluster.execute(admin, "CREATE DATABASE km_template")
        seed(f"{admin}/km_template", tmp_path_factory.mktemp("pgseed"))
        yield admin


_pg_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, seeded_template: Path) -> Iterator[str]:
    """Every server test runs on SQLite and on PostgreSQL: only the URL differs."""
    if request.param == "sqlite":
        target = tmp_path / "server.db"
        shutil.copyfile(seeded_template, target)
        yield f"sqlite:///{target}"
        return
    admin = request.getfixturevalue("pg_template")
    name = f"km_{next(_pg_databases)}"
    pg_cluster.execute(admin, f"CREATE DATABASE {name} TEMPLATE km_template")
    yield f"{admin}/{name}"
    pg_cluster.execute(admin, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
async def server(db_url: str) -> AsyncIterator[Server]:
    srv = Server(ServerConfig(db_url=db_url, host="127.0.0.1", port=0))
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@dataclass
class WireClient:
    """Speaks /ws at the frame level and keeps pycrdt Docs: ``docs`` the working
    copies it receives (editors), ``published`` the published CRDTs (everyone)."""

    ws: ClientConnection
    welcome: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, Doc] = field(default_factory=dict)
    published: dict[str, Doc] = field(default_factory=dict)
    metas: dict[str, dict] = field(default_factory=dict)
    controls: list[dict] = field(default_factory=list)
    awareness: list[tuple[str, bytes]] = field(default_factory=list)
    updates: list[tuple[str, bytes]] = field(default_factory=list)
    cursor: int = 0
    held: dict[tuple[str, str], dict] = field(default_factory=dict)  # records, newest seq
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task | None = None

    @classmethod
    async def open(cls, server: Server, user: str, password: str = PASSWORD) -> WireClient:
        ws = await connect(f"ws://127.0.0.1:{server.port}/ws", max_size=8 * 1024 * 1024)
        await ws.send(
            json.dumps(
                {"type": "hello", "protocol": PROTOCOL_VERSION, "user": user, "password": password}
            )
        )
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        client = cls(ws, welcome)
        client._reader = asyncio.get_running_loop().create_task(client._read())
        return client

    async def _read(self) -> None:
        async for frame in self.ws:
            if isinstance(frame, str):
                msg = json.loads(frame)
                self.controls.append(msg)
                if msg["type"] == "doc":
                    self.metas[msg["id"]] = msg
                    if msg["working"]:
                        self.docs.setdefault(msg["id"], new_doc())
                    else:
                        self.docs.pop(msg["id"], None)
                elif msg["type"] == "removed":
                    for doc_id in msg["ids"]:
                        self.docs.pop(doc_id, None)
                        self.published.pop(doc_id, None)
                        self.metas.pop(doc_id, None)
                    # a client drops the records of documents it may no longer see
                    self.held = {k: r for k, r in self.held.items() if r["doc"] not in msg["ids"]}
                elif msg["type"] == "record":
                    key = (msg["kind"], msg["id"])
                    if key not in self.held or msg["seq"] >= self.held[key]["seq"]:
                        self.held[key] = msg
                elif msg["type"] in ("cursor", "sync_end"):
                    self.cursor = msg.get("seq", msg.get("cursor"))
            else:
                name, raw = ysync.unwrap(frame)
                doc_id, published = streams.parse(name)
                message = ysync.parse_message(raw)
                if message.type == ysync.MessageType.AWARENESS:
                    self.awareness.append((doc_id, message.payload))
                else:
                    self.updates.append((name, message.payload))
                    held = self.published if published else self.docs
                    held.setdefault(doc_id, new_doc()).apply_update(message.payload)
            self._changed.set()

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
        async def loop() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)

    async def send_json(self, **msg: Any) -> None:
        await self.ws.send(json.dumps(msg))

    async def sync(self, cursor: int = 0, known: list[str] | None = None, **extra: Any) -> None:
        n = len([c for c in self.controls if c["type"] == "sync_end"])
        await self.send_json(type="sync", cursor=cursor, known=known or [], **extra)
        await self.wait_for(lambda: len([c for c in self.controls if c["type"] == "sync_end"]) > n)

    def text(self, doc_id: str) -> str:
        """What the user sees: the working copy if they hold it, else the published text."""
        if doc_id in self.docs:
            return str(body(self.docs[doc_id]))
        return self.published_text(doc_id)

    def published_text(self, doc_id: str) -> str:
        return str(body(self.published[doc_id])) if doc_id in self.published else ""

    async def publish(self, doc_id: str, note: str = "") -> dict:
        """Publish the working copy; returns the answer (``saved`` or ``error``)."""
        return await self.ask(type="publish", id=str(uuid.uuid4()), doc=doc_id, note=note)

    async def edit(self, doc_id: str, fn) -> None:  # type: ignore[no-untyped-def]
        """Run fn(Y.Text) on the local doc (the working copy, or for a reader the
        published one) and send the resulting update as an edit of the working copy."""
        doc = self.docs[doc_id] if doc_id in self.docs else self.published[doc_id]
        before = doc.get_state()
        fn(body(doc))
        await self.ws.send(ysync.wrap(doc_id, ysync.sync_update(doc.get_update(before))))

    def of_type(self, kind: str) -> list[dict]:
        return [c for c in self.controls if c["type"] == kind]

    def records(self, kind: str) -> dict[str, dict]:
        """The records of one kind this client holds (newest state of each id)."""
        return {rid: r for (k, rid), r in self.held.items() if k == kind}

    def notifications(self, event: str | None = None) -> list[dict]:
        found = self.records("notification").values()
        return sorted(
            (n for n in found if event is None or n["data"]["event"] == event),
            key=lambda n: n["seq"],
        )

    async def ask(self, **msg: Any) -> dict:
        """Send a control message with a fresh ``ref`` and wait for the reply naming it."""
        ref = f"ref-{next(_refs)}"
        await self.send_json(ref=ref, **msg)
        await self.wait_for(lambda: any(c.get("ref") == ref for c in self.controls))
        return next(c for c in self.controls if c.get("ref") == ref)

    async def barrier(self) -> None:
        """Every frame the server queued for this client before now has arrived."""
        await self.ask(type="flag_inbox")

    async def close(self) -> None:
        await self.ws.close()
        if self._reader:
            await asyncio.gather(self._reader, return_exceptions=True)


@pytest.fixture
async def clients(server: Server) -> AsyncIterator[Any]:
    opened: list[WireClient] = []

    async def make(user: str, sync: bool = True) -> WireClient:
        client = await WireClient.open(server, user)
        opened.append(client)
        if sync:
            await client.sync()
        return client

    yield make
    for client in opened:
        await client.close()


_refs = itertools.count()


class FakeClock:
    """The server's clock, moved by hand: escalations and edit digests without waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@contextlib.asynccontextmanager
async def running_server(db_url: str, **config: Any) -> AsyncIterator[Server]:
    """A server with extra ServerConfig settings (clock, feedback intervals)."""
    srv = Server(ServerConfig(db_url=db_url, host="127.0.0.1", port=0, **config))
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


async def eventually(check: Any, what: str, timeout: float = 10.0, every: float = 0.05) -> Any:
    """Until ``await check()`` is truthy, for what another process or the server's own
    schedule brings about (no message to wait for): its last answer, or an AssertionError."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await check()
        if answer or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(every)
    assert answer, f"timed out after {timeout} s waiting for {what}"
    return answer
