"""Publishing a 50 KB article to N connected readers, against one ordinary edit.

A kmserver runs in its own process (as in production) on a fresh SQLite
database; N readers (reps) and N editors (supervisors, who receive the
working copy) are plain websocket clients in this process, signed in with
tokens and synced. Then, in one run:

- **edit**: one keystroke in the working copy: the author's ack, and the
  time until the last of the N editors has the update;
- **publish**: a changed paragraph of the 50 KB article published as a new
  revision: the publisher's ``saved``, and the time until the last of the N
  readers has the new revision's CRDT update (what their reading view shows);
- **first publication**: a new 50 KB article published for the first time:
  every reader receives its ``doc`` frame and full state.

Each measure is repeated (``--runs``); the medians and maxima are printed
with the machine, so the ratios can be compared within one run.

    python benchmarks/publish_bench.py --readers 500 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kmserver.protocol import streams, ysync  # noqa: E402
from kmserver.protocol.messages import PROTOCOL_VERSION  # noqa: E402
from kmserver.protocol.ytext import body, new_doc  # noqa: E402

ARTICLE = "bench-article"


def article_text(size: int = 50_000) -> str:
    """About ``size`` bytes of Swedish-flavoured Markdown, in paragraphs."""
    para = (
        "Medborgaren kan ansöka om boendeparkering i e-tjänsten. Avgiften för zon B är "
        "600 kronor per månad och dras i förskott. Handläggaren kontrollerar adressen "
        "mot folkbokföringen innan tillståndet blir giltigt. "
    )
    parts, n = ["# Benchmark article\n\n"], 0
    while sum(len(p.encode()) for p in parts) < size:
        parts.append(f"## Avsnitt {n}\n\n{para * 3}\n\n")
        n += 1
    return "".join(parts)


class Client:
    """One /ws session: counts what arrives for the benchmark article."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.got_working = asyncio.Event()
        self.got_published = asyncio.Event()
        self.got_doc = asyncio.Event()
        self.synced = asyncio.Event()
        self.replies: dict[str, dict] = {}
        self.replied = asyncio.Event()
        self.acks = 0
        self.acked = asyncio.Event()
        self.doc = new_doc()
        self.watch = ARTICLE  # the document whose published frames count
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if isinstance(frame, str):
                msg = json.loads(frame)
                kind = msg.get("type")
                if kind == "sync_end":
                    self.synced.set()
                elif kind == "ack":
                    self.acks += 1
                    self.acked.set()
                elif kind == "doc" and msg.get("id") == self.watch:
                    self.got_doc.set()
                if "ref" in msg:
                    self.replies[msg["ref"]] = msg
                    self.replied.set()
                continue
            name, raw = ysync.unwrap(frame)
            doc_id, published = streams.parse(name)
            message = ysync.parse_message(raw)
            if message.type != ysync.MessageType.SYNC:
                continue
            if published and doc_id == self.watch:
                self.got_published.set()
            elif doc_id == ARTICLE and not published:
                self.doc.apply_update(message.payload)
                self.got_working.set()

    async def ask(self, **msg: object) -> dict:
        ref = uuid.uuid4().hex
        await self.ws.send(json.dumps({**msg, "ref": ref}))
        while ref not in self.replies:
            self.replied.clear()
            await self.replied.wait()
        return self.replies.pop(ref)

    def reset(self) -> None:
        for event in (self.got_working, self.got_published, self.got_doc):
            event.clear()

    async def close(self) -> None:
        await self.ws.close()
        self._task.cancel()


async def signed_in(url: str, token: str, open_timeout: float = 60) -> ClientConnection:
    """A /ws socket past its hello (with a token: no argon2 per client)."""
    ws = await connect(url, max_size=16 * 1024 * 1024, open_timeout=open_timeout)
    await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token}))
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return ws


async def sync_from_scratch(client: Any) -> Any:
    """Ask for everything and wait until the client's reader has seen it all."""
    await client.ws.send(json.dumps({"type": "sync", "cursor": 0, "known": []}))
    await client.synced.wait()
    return client


async def open_client(url: str, token: str) -> Client:
    return await sync_from_scratch(Client(await signed_in(url, token)))


def prepare(db_url: str, readers: int) -> dict[str, list[str]]:
    """Token-only accounts (no argon2 per user), and their tokens."""
    from kmserver.store.accounts import Accounts
    from kmserver.store.database import Database

    db = Database(db_url)
    accounts = Accounts(db)
    tokens: dict[str, list[str]] = {"rep": [], "supervisor": [], "author": []}
    author = accounts.add_user("author", "supervisor", [])
    tokens["author"].append(accounts.issue_token(author)[0])
    for i in range(readers):
        for role in ("rep", "supervisor"):
            account = accounts.add_user(f"{role}{i}", role, ["bench"])
            tokens[role].append(accounts.issue_token(account)[0])
    db.dispose()
    return tokens


def profile_server(pid: int) -> subprocess.Popen | None:
    """PUBLISH_BENCH_PROFILE=out.svg (or out.txt: collapsed stacks): py-spy samples the
    server for PUBLISH_BENCH_SECONDS (default 60) from when the clients are connected.
    (A duration, not Ctrl+C: started in the background, py-spy ignores SIGINT.)"""
    profile = os.environ.get("PUBLISH_BENCH_PROFILE")
    if not profile:
        return None
    seconds = os.environ.get("PUBLISH_BENCH_SECONDS", "60")
    raw = ["--format", "raw"] if profile.endswith(".txt") else []  # collapsed stacks
    return subprocess.Popen(
        ["py-spy", "record", "--pid", str(pid), "-o", profile, "--duration", seconds, *raw]
    )


def start_server(db_url: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [
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
            "--sqlite-sync",
            "normal",
        ],
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    match = re.search(r"listening on ws://[^:]+:(\d+)$", line.strip())
    assert match, f"the server did not start: {line!r}"
    return proc, int(match.group(1))


async def run(readers: int, runs: int) -> dict[str, list[float]]:
    tmp = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    tokens = prepare(db_url, readers)
    proc, port = start_server(db_url)
    url = f"ws://127.0.0.1:{port}/ws"
    spy = None
    figures: dict[str, list[float]] = {
        "edit: ack": [],
        "edit: last of N editors": [],
        "publish: saved": [],
        "publish: last of N readers": [],
        "first publication: last of N readers": [],
    }
    try:
        author = await open_client(url, tokens["author"][0])
        text = article_text()
        created = await author.ask(
            type="create_doc",
            id=ARTICLE,
            title="Benchmark article",
            topics=["bench"],
            audience=["everyone"],
            body=text,
        )
        assert created["type"] == "created", created
        saved = await author.ask(type="publish", id=str(uuid.uuid4()), doc=ARTICLE)
        assert saved["type"] == "saved", saved
        print(f"connecting {readers} readers and {readers} editors …", flush=True)
        reps = [await open_client(url, t) for t in tokens["rep"]]
        editors = [await open_client(url, t) for t in tokens["supervisor"]]
        await asyncio.wait_for(author.got_working.wait(), 30)
        spy = profile_server(proc.pid)
        for n in range(runs):
            for c in [*reps, *editors]:
                c.reset()
            # one keystroke
            before = author.doc.get_state()
            body(author.doc).insert(len(f"# Benchmark article\n\nx{n}".encode()) - 2, "k")
            update = author.doc.get_update(before)
            author.acked.clear()
            start = time.perf_counter()
            await author.ws.send(ysync.wrap(ARTICLE, ysync.sync_update(update)))
            await author.acked.wait()
            figures["edit: ack"].append(time.perf_counter() - start)
            await asyncio.gather(*(c.got_working.wait() for c in editors))
            figures["edit: last of N editors"].append(time.perf_counter() - start)
            # change a paragraph and publish it
            before = author.doc.get_state()
            at = len(str(body(author.doc)).encode()) // 2
            body(author.doc).insert(at, f" Ändring {n}: avgiften höjs till 650 kronor. ")
            author.acked.clear()
            await author.ws.send(
                ysync.wrap(ARTICLE, ysync.sync_update(author.doc.get_update(before)))
            )
            await author.acked.wait()
            for c in reps:
                c.reset()
            start = time.perf_counter()
            answer = await author.ask(type="publish", id=str(uuid.uuid4()), doc=ARTICLE)
            assert answer["type"] == "saved", answer
            figures["publish: saved"].append(time.perf_counter() - start)
            await asyncio.gather(*(c.got_published.wait() for c in reps))
            figures["publish: last of N readers"].append(time.perf_counter() - start)
            # a new 50 KB article, published for the first time
            doc_id = f"new-{n}"
            created = await author.ask(
                type="create_doc",
                id=doc_id,
                title=f"New {n}",
                topics=["bench"],
                audience=["everyone"],
                body=text,
            )
            assert created["type"] == "created", created
            for c in reps:
                c.reset()
                c.watch = doc_id
            start = time.perf_counter()
            answer = await author.ask(type="publish", id=str(uuid.uuid4()), doc=doc_id)
            assert answer["type"] == "saved", answer
            await asyncio.gather(*(c.got_published.wait() for c in reps))  # its full state
            figures["first publication: last of N readers"].append(time.perf_counter() - start)
            for c in reps:
                c.watch = ARTICLE
        for c in [author, *reps, *editors]:
            await c.close()
    finally:
        if spy is not None:
            spy.wait()
        proc.terminate()
        proc.wait(30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = asyncio.run(run(args.readers, args.runs))
    print(
        f"\n{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d')} · N = {args.readers}, {args.runs} runs\n"
    )
    print(f"{'measure':40} {'median ms':>10} {'max ms':>10}")
    for name, values in figures.items():
        ms = [v * 1000 for v in values]
        print(f"{name:40} {statistics.median(ms):10.1f} {max(ms):10.1f}")


if __name__ == "__main__":
    main()
