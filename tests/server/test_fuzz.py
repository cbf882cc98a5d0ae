"""Property-based fuzzing (Hypothesis) of the /ws and /y/ handlers and the import parser.

Issue 10, "done means": whatever a peer sends, before or after sign-in, the
server answers or closes cleanly (never 1011), logs no traceback, and the
stored data does not change. The runs are reproducible in CI: a fixed seed
(``derandomize=True``), a bounded number of examples, no example database.

One real server (SQLite) runs on its own thread for each test; each example
opens real sockets to it with the synchronous websockets client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from kmserver.content import ContentError, parse_article
from kmserver.limits import Limits
from kmserver.protocol import ysync
from kmserver.protocol.codec import write_var_bytes, write_var_uint
from kmserver.protocol.messages import CLIENT_MESSAGES, PROTOCOL_VERSION, ProtocolError
from kmserver.protocol.messages import parse_client_message as parse
from kmserver.server import Server, ServerConfig
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from kmserver.store.feedback_models import Comment, Flag, Notification, PrivateNote, WatchPref
from kmserver.store.models import Document, LogEntry, User
from kmserver.store.revision_models import AuditEvent, Revision, Submission

FUZZ = settings(
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    deadline=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A change a rep may really make is not fuzzing: such frames are not sent as they are.
CHANGES = {"flag", "flag_state", "comment", "comment_state", "note", "note_edit", "note_delete"}
CHANGES |= {"watch", "read", "create_doc", "set_meta", "publish", "submit", "review", "restore"}
CHANGES |= {"archive", "verify", "logout"}
STEP2 = ysync.SyncStep.STEP2
CLEAN_CLOSES = {1000, 1001, 1008, 1009, 4001, 4002, 4003, 4008}


class ThreadedServer:
    """A kmserver on its own event loop thread, for synchronous Hypothesis tests."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.server: Server | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # shown by __enter__/__exit__
            self._error = exc
            self.ready.set()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self.server = Server(self.config)
        await self.server.start()
        self.ready.set()
        await self._stop.wait()
        await self.server.stop()

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        assert self.ready.wait(60), "server did not start"
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)
        self.loop.close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.port


class Problems(logging.Handler):
    """Every error or traceback the server logs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("websockets.client"):
            return  # the fuzzing client's own complaints
        self.found.append(f"{record.name}: {record.getMessage()}")


def snapshot(db: Database) -> dict[str, Any]:
    """What must not change: content, records, revisions, accounts, the audit trail."""
    with db.read() as s:
        counts = {
            model.__name__: s.scalar(select(func.count()).select_from(model))
            for model in (
                Document,
                LogEntry,
                Revision,
                Submission,
                AuditEvent,
                Flag,
                Comment,
                PrivateNote,
                WatchPref,
                Notification,
                User,
            )
        }
        docs = s.execute(
            select(Document.id, Document.body_text, Document.audience, Document.status)
        ).all()
        users = s.execute(select(User.name, User.role, User.password_hash)).all()
        return {
            "counts": counts,
            "max_seq": s.scalar(select(func.max(LogEntry.seq))),
            "docs": sorted(map(tuple, docs)),
            "users": sorted(map(tuple, users)),
        }


@pytest.fixture
def fuzz_server(tmp_path: Path, seeded_template: Path) -> Iterator[tuple[ThreadedServer, dict]]:
    target = tmp_path / "fuzz.db"
    shutil.copyfile(seeded_template, target)
    url = f"sqlite:///{target}"
    db = Database(url)
    accounts = Accounts(db)
    tokens = {}
    for name in ("rita", "olle"):
        account = accounts.get(name)
        assert account is not None
        tokens[name] = accounts.issue_token(account)[0]
    problems = Problems()
    logging.getLogger().addHandler(problems)
    limits = Limits(signin_tarpit=0.01)
    config = ServerConfig(db_url=url, host="127.0.0.1", port=0, limits=limits)
    try:
        with ThreadedServer(config) as running:
            before = snapshot(db)
            yield running, {"tokens": tokens, "db": db, "before": before, "problems": problems}
            assert problems.found == []
            # the tokens' last-seen bookkeeping aside, nothing was stored
            assert snapshot(db) == before
    finally:
        logging.getLogger().removeHandler(problems)
        db.dispose()


# -- strategies ---------------------------------------------------------------------

STRINGS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "parking",
            "internal",
            "draft",
            "parking@published",
            "",
            " ",
            "../etc/passwd",
            "a" * 250,
            "\ud800",  # a lone surrogate: valid JSON, not valid Unicode
            "\udfff\ud83d",
            str(uuid.uuid4()),
            "everyone",
            "supervisor",
            "2026-01-01",
            "nul\x00byte",
        ]
    ),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**53, 2**63, 2**64, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(STRINGS, inner, max_size=4),
    max_leaves=12,
)
FIELDS = sorted({name for spec in CLIENT_MESSAGES.values() for name in spec} | {"ref", "extra"})


@st.composite
def control_frames(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*CLIENT_MESSAGES, "nope", 7, None]))
    names = draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True))
    msg: dict[str, Any] = {"type": kind}
    for name in names:
        msg[name] = draw(VALUES)
    text = json.dumps(msg, allow_nan=True)  # ASCII: lone surrogates travel as \\udXXX
    if draw(st.booleans()):
        return text
    # mangled: cut, doubled, a huge integer, NaN, deep nesting
    return draw(
        st.sampled_from(
            [
                text[: len(text) // 2],
                text + text,
                text.replace("{", '{"cursor":' + "9" * 5000 + ",", 1),
                text.replace("{", '{"cursor":NaN,', 1),
                "[" * 2000 + "]" * 2000,
                '"just a string"',
                "",
            ]
        )
    )


@st.composite
def hellos(draw: st.DrawFn) -> str:
    """Hellos that are almost right: the fields are there, their values are not."""
    msg: dict[str, Any] = {"type": "hello"}
    msg["protocol"] = draw(st.one_of(st.just(PROTOCOL_VERSION), NUMBERS, STRINGS))
    for name in draw(st.lists(st.sampled_from(["user", "password", "token", "client"]))):
        msg[name] = draw(st.one_of(STRINGS, VALUES))
    return json.dumps(msg, allow_nan=True)


def _name(draw: st.DrawFn) -> bytes:
    name = draw(
        st.one_of(
            st.sampled_from(["parking", "parking@published", "internal", "nope", "draft"]),
            st.text(max_size=20),
        )
    )
    raw = name.encode("utf-8", "surrogatepass")
    return write_var_uint(len(raw)) + raw


@st.composite
def y_messages(draw: st.DrawFn) -> bytes:
    payload = draw(st.binary(max_size=80))
    return draw(
        st.sampled_from(
            [
                bytes([0, 0]) + write_var_bytes(payload),  # sync step 1: a state vector
                bytes([0, 1]) + write_var_bytes(payload),  # step 2
                bytes([0, 2]) + write_var_bytes(payload),  # update
                bytes([0, 2]) + write_var_bytes(b"\x00\x00"),  # an empty update
                bytes([1]) + write_var_bytes(payload),  # awareness
                bytes([1]) + write_var_bytes(b"\x01\x05\x01" + write_var_bytes(payload)),
                bytes([3]),  # query awareness
                bytes([2, 0]) + payload,  # auth
                bytes([0, 9]) + payload,  # unknown step
                b"\xff" * 11,  # an endless varint
                payload,
            ]
        )
    )


@st.composite
def binary_frames(draw: st.DrawFn) -> bytes:
    return _name(draw) + draw(y_messages())


def _harmless(frame: str | bytes) -> bool:
    """Frames a rep may legitimately send to change data are left out."""
    if isinstance(frame, bytes):
        return True
    try:
        msg = parse(frame)
    except Exception:  # malformed (ProtocolError, or worse: then the server must cope)
        return True
    return msg["type"] not in CHANGES


WS_FRAMES = st.lists(
    st.one_of(control_frames(), binary_frames(), st.binary(max_size=40)).filter(_harmless),
    min_size=1,
    max_size=8,
)


def _drain_until(ws: Any, ref: str) -> int | None:
    """Read until the answer naming ``ref`` (None) or the close (its code)."""
    try:
        while True:
            frame = ws.recv(timeout=20)
            if isinstance(frame, str) and f'"ref":"{ref}"' in frame:
                return None
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None
    except TimeoutError:
        pytest.fail("the server neither answered nor closed")


# -- /ws -------------------------------------------------------------------------------


@FUZZ
@given(frames=WS_FRAMES)
def test_fuzz_ws_after_sign_in(fuzz_server, frames: list[str | bytes]) -> None:
    server, ctx = fuzz_server
    with connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None) as ws:
        token = ctx["tokens"]["rita"]
        ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token}))
        assert json.loads(ws.recv(timeout=20))["type"] == "welcome"
        for frame in frames:
            try:
                ws.send(frame)
            except ConnectionClosed:
                break
        ref = uuid.uuid4().hex
        with contextlib.suppress(ConnectionClosed):
            ws.send(json.dumps({"type": "flag_inbox", "ref": ref}))
        code = _drain_until(ws, ref)
    assert code is None or code in CLEAN_CLOSES, code
    assert ctx["problems"].found == []


@FUZZ
@given(first=st.one_of(hellos(), control_frames(), st.binary(max_size=60), binary_frames()))
def test_fuzz_ws_before_sign_in(fuzz_server, first: str | bytes) -> None:
    server, ctx = fuzz_server
    with connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None) as ws:
        ws.send(first)
        try:
            while True:
                frame = ws.recv(timeout=20)
                assert '"welcome"' not in str(frame)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
    assert code in CLEAN_CLOSES, code
    assert ctx["problems"].found == []


# -- /y/ -------------------------------------------------------------------------------


@FUZZ
@given(
    user=st.sampled_from(["rita", "olle"]),  # a reader (published, read-only); an editor
    frames=st.lists(st.one_of(y_messages(), st.binary(max_size=40)), min_size=1, max_size=6),
)
def test_fuzz_y(fuzz_server, user: str, frames: list[bytes]) -> None:
    server, ctx = fuzz_server
    url = f"ws://127.0.0.1:{server.port}/y/parking?token={ctx['tokens'][user]}"
    if user == "olle":  # an editor's garbage must not become a change either
        frames = [f for f in frames if not _decodes_as_a_change(f)]
    with connect(url, max_size=None) as ws:
        for frame in frames:
            try:
                ws.send(frame)
            except ConnectionClosed:
                break
        try:
            ws.send(ysync.sync_step1(b"\x00"))  # then a real question: is it still serving?
            while True:
                message = ysync.parse_message(ws.recv(timeout=20))
                if message.type == ysync.MessageType.SYNC and message.step == STEP2:
                    code = None
                    break
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
    assert code is None or code in CLEAN_CLOSES, code
    assert ctx["problems"].found == []


def _decodes_as_a_change(frame: bytes) -> bool:
    """A random frame that happens to be a valid, non-empty update (practically never)."""
    try:
        message = ysync.parse_message(frame)
    except ProtocolError:
        return False
    if message.type != ysync.MessageType.SYNC or message.step == ysync.SyncStep.STEP1:
        return False
    from kmserver.writer import would_change

    try:
        return would_change(b"\x00\x00", message.payload)
    except Exception:
        return False


def test_fuzz_y_handshake_refusals(fuzz_server) -> None:
    server, ctx = fuzz_server
    for path in ("/y/", "/y/%ED%A0%80", "/y/parking?token=\ud800", "/y/" + "x" * 5000):
        try:
            url = f"ws://127.0.0.1:{server.port}{path}"
            with connect(url.encode("utf-8", "replace").decode()):
                pass
        except (InvalidStatus, ConnectionClosed, OSError):
            pass
    assert ctx["problems"].found == []


# -- the import parser --------------------------------------------------------------------

FRONT_KEYS = ["id", "title", "topics", "audience", "owner", "editors", "status"]
FRONT_KEYS += ["review_required", "review_every", "surprise"]


@st.composite
def article_files(draw: st.DrawFn) -> bytes:
    """Markdown files as people (and tools) write them, and broken ones."""
    front = draw(
        st.dictionaries(
            st.sampled_from(FRONT_KEYS),
            st.one_of(
                st.text(max_size=20),
                st.lists(st.sampled_from(["rep", "owner", "everyone", "supervisor", "x"])),
                st.integers(),
                st.booleans(),
                st.none(),
            ),
            max_size=6,
        )
    )
    lines = ["---", *(f"{k}: {json.dumps(v)}" for k, v in front.items()), "---", "# Title", "Body"]
    if draw(st.booleans()):  # mangle the structure
        cut = draw(st.integers(min_value=0, max_value=len(lines)))
        lines = lines[:cut] + draw(st.lists(st.text(max_size=20), max_size=3)) + lines[cut:]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\r"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", "\ufeff", "\n", " "])) + text
    raw = text.encode("utf-8")
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        raw = draw(st.binary(max_size=200))
    return raw


@settings(derandomize=True, database=None, deadline=None, max_examples=400)
@given(raw=article_files())
def test_fuzz_import_parser(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    """A file is read exactly, or refused with ContentError: never another exception,
    never front matter in the body, never a wider audience than written."""
    path = tmp_path_factory.mktemp("fuzz") / "article.md"
    path.write_bytes(raw)
    try:
        article = parse_article(path)
    except ContentError as exc:
        assert str(exc).startswith(str(path))
        return
    assert article.meta.audience
    if b"audience" not in raw:  # nobody wrote an audience: the narrowest one
        assert article.meta.audience == ("supervisor",)
    assert not article.body.lstrip("\ufeff").startswith(("---\n", "---\r\n"))
