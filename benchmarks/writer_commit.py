"""What one committed edit costs inside kmserver, against raw sqlite3.

Runs the server's writer on a real SQLite file (seeded like the tests) and
times `Writer._commit` for one CRDT update at a time, back to back and with
an idle gap between edits (a cold CPU, as when people type), for both
`--sqlite-sync` modes; then the same transaction shape in plain `sqlite3`,
the floor any Python server on SQLite pays.

    python benchmarks/writer_commit.py [--edits 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server, ServerConfig
from kmserver.writer import UpdateJob
from tests.server.conftest import seed


async def writer_ms(sync: str, gap: float, edits: int) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="kmbench-"))
    url = f"sqlite:///{tmp / 'server.db'}"
    seed(url, tmp)
    server = Server(ServerConfig(db_url=url, port=0, sqlite_sync=sync))
    await server.start()
    doc, writer, times = new_doc(), server.writer, []
    for _ in range(edits):
        before = doc.get_state()
        body(doc).insert(0, "x")
        job = UpdateJob(doc_id="parking", update=doc.get_update(before), author="sara")
        start = time.perf_counter()
        await writer.thread.run(writer._commit, [job])  # on the writer's own thread
        times.append(time.perf_counter() - start)
        if gap:
            await asyncio.sleep(gap)
    await server.stop()
    return statistics.median(times) * 1e3


def raw_ms(sync: str, gap: float, edits: int) -> float:
    path = Path(tempfile.mkdtemp(prefix="kmbench-")) / "raw.db"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={sync.upper()}")
    con.execute("CREATE TABLE log(seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT, data BLOB)")
    con.execute("CREATE TABLE docs(id TEXT PRIMARY KEY, n INT, body TEXT)")
    con.execute("INSERT INTO docs VALUES('a', 0, '')")
    times = []
    for _ in range(edits):
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO log(doc, data) VALUES(?, ?)", ("a", os.urandom(40)))
        con.execute("UPDATE docs SET n = n + 1, body = ? WHERE id = 'a'", ("text " * 100,))
        con.execute("COMMIT")
        times.append(time.perf_counter() - start)
        if gap:
            time.sleep(gap)
    con.close()
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    print(f"median ms per committed edit ({args.edits} edits each)")
    print(f"{'sync':7} {'gap':>6} {'kmserver writer':>16} {'raw sqlite3':>12}")
    for sync in ("full", "normal"):
        for gap in (0.0, 0.02):
            ours = asyncio.run(writer_ms(sync, gap, args.edits))
            raw = raw_ms(sync, gap, args.edits)
            print(f"{sync:7} {gap * 1000:>4.0f}ms {ours:>16.2f} {raw:>12.2f}")


if __name__ == "__main__":
    main()
