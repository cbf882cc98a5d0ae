"""The smallest y-websocket server in Python: the floor kmserver's hot path stands on.

``edit_latency.py --targets py-relay,py-durable`` runs it beside Node's references
and kmserver. It does what y-websocket's own server does, on the libraries
kmserver uses (websockets' asyncio server, pycrdt) and nothing else: one Doc
per room (the URL path), sync step 1 answered from it, each update applied
and relayed to the room's other sockets, awareness relayed. No accounts,
tokens, policy, rate limits, catalog, metrics or compaction.

``--durable`` adds the one promise kmserver keeps and the references do not:
an update is committed before anyone hears of it. Updates are appended to a
SQLite table (WAL, ``synchronous=FULL``) by one writer thread, group commit
(what queued during a commit goes in the next), and relayed once committed.

So, on the same load in the same run: node/hocuspocus -> py-relay is what
Python and websockets cost; py-relay -> py-durable what a durable commit per
batch costs; py-durable -> ours what kmserver adds beyond both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import queue
import signal
import sqlite3
import sys
import threading
from collections import defaultdict
from pathlib import Path

from pycrdt import Doc
from websockets.asyncio.server import broadcast, serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kmserver.protocol import ysync  # the repo's pure y-protocols codec


class Durable:
    """One writer thread; ``append`` resolves once the update's transaction committed.
    ``inline``: no thread, each update committed on the event loop as it arrives (no
    hand-offs at all, and the loop blocked for every fsync: the CPU floor of a durable
    commit per update, not a design to serve with)."""

    def __init__(self, path: str, inline: bool = False) -> None:
        self.inline = inline
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=full")
        self._db.execute("create table if not exists log (room text, data blob)")
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: list[tuple[str, bytes, asyncio.Future]] = []
        self._busy = False
        threading.Thread(target=self._serve, daemon=True).start()

    def append(self, room: str, update: bytes) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        if self.inline:
            self._db.execute("begin immediate")
            self._db.execute("insert into log values (?, ?)", (room, update))
            self._db.execute("commit")
            fut.set_result(None)
            return fut
        self._pending.append((room, update, fut))
        if not self._busy:
            self._start()
        return fut

    def _start(self) -> None:
        batch, self._pending = self._pending, []
        self._busy = True
        self._inbox.put((asyncio.get_running_loop(), batch))

    def _serve(self) -> None:
        while True:
            loop, batch = self._inbox.get()
            self._db.execute("begin immediate")
            self._db.executemany(
                "insert into log values (?, ?)", [(room, data) for room, data, _ in batch]
            )
            self._db.execute("commit")
            loop.call_soon_threadsafe(self._committed, batch)

    def _committed(self, batch: list) -> None:
        self._busy = False
        if self._pending:
            self._start()  # pipelined, as kmserver's writer is
        for _room, _data, fut in batch:
            fut.set_result(None)


class Relay:
    def __init__(self, durable: Durable | None) -> None:
        self.docs: dict[str, Doc] = defaultdict(Doc)
        self.rooms: dict[str, set] = defaultdict(set)
        self.durable = durable

    async def handler(self, ws) -> None:
        room = ws.request.path.lstrip("/")
        doc, peers = self.docs[room], self.rooms[room]
        peers.add(ws)
        await ws.send(ysync.sync_step1(doc.get_state()))
        try:
            async for frame in ws:
                message = ysync.parse_message(frame)
                if message.type == ysync.MessageType.SYNC:
                    if message.step == ysync.SyncStep.STEP1:
                        await ws.send(ysync.sync_step2(doc.get_update(message.payload)))
                        continue
                    doc.apply_update(message.payload)
                    if self.durable is not None:
                        await self.durable.append(room, message.payload)
                    broadcast(peers - {ws}, ysync.sync_update(message.payload))
                elif message.type == ysync.MessageType.AWARENESS:
                    broadcast(peers - {ws}, frame)
        finally:
            peers.discard(ws)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--durable", metavar="FILE", help="commit every update to this SQLite file")
    parser.add_argument(
        "--inline", action="store_true", help="with --durable: commit on the event loop"
    )
    args = parser.parse_args()
    relay = Relay(Durable(args.durable, args.inline) if args.durable else None)
    sys.setswitchinterval(0.0005)  # as kmserver serve does: thread hand-offs wait less
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with serve(relay.handler, args.host, args.port, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"py-relay running at {args.host} on port {port}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
