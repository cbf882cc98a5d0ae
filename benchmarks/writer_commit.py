"""What one committed edit costs inside kmserver, against raw sqlite3.

Runs the server's writer on a real SQLite file (seeded like the tests) and
times `Writer._commit` for one CRDT update at a time, back to back and with
an idle gap between edits (a cold CPU, as when people type; 2 ms is the gap
between batches at 500 edits a second), for both `--sqlite-sync` modes; then
the same transaction shape in plain `sqlite3`, the floor any Python server on
SQLite pays. Each cell: the median wall time and the mean CPU time of the
thread that commits (on a VM a thread that idles between edits comes back
to cold caches, and pays for it in CPU).

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
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server, ServerConfig
from kmserver.writer import UpdateJob
from tests.server.conftest import seed


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall s, CPU s of the calling thread) of ``fn()``."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def _summary(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """(median wall ms, mean CPU ms)"""
    return (
        statistics.median(w for w, _ in samples) * 1e3,
        statistics.fmean(c for _, c in samples) * 1e3,
    )


async def writer_ms(sync: str, gap: float, edits: int) -> tuple[float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="kmbench-"))
    url = f"sqlite:///{tmp / 'server.db'}"
    seed(url, tmp)
    server = Server(ServerConfig(db_url=url, port=0, sqlite_sync=sync))
    await server.start()
    doc, writer, samples = new_doc(), server.writer, []
    for _ in range(edits):
        before = doc.get_state()
        body(doc).insert(0, "x")
        job = UpdateJob(doc_id="parking", update=doc.get_update(before), author="sara")
        # on the writer's own thread, timed there
        samples.append(await writer.thread.run(_timed, partial(writer._commit, [job])))
        if gap:
            await asyncio.sleep(gap)
    await server.stop()
    return _summary(samples)


def raw_ms(sync: str, gap: float, edits: int) -> tuple[float, float]:
    path = Path(tempfile.mkdtemp(prefix="kmbench-")) / "raw.db"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={sync.upper()}")
    con.execute("CREATE TABLE log(seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT, data BLOB)")
    con.execute("CREATE TABLE docs(id TEXT PRIMARY KEY, n INT, body TEXT)")
    con.execute("INSERT INTO docs VALUES('a', 0, '')")

    def transaction() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO log(doc, data) VALUES(?, ?)", ("a", os.urandom(40)))
        con.execute("UPDATE docs SET n = n + 1, body = ? WHERE id = 'a'", ("text " * 100,))
        con.execute("COMMIT")

    samples = []
    for _ in range(edits):
        samples.append(_timed(transaction))
        if gap:
            time.sleep(gap)
    con.close()
    return _summary(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    print(f"ms per committed edit, median wall / mean CPU ({args.edits} edits each)")
    print(f"{'sync':7} {'gap':>6} {'kmserver writer':>17} {'raw sqlite3':>13}")
    for sync in ("full", "normal"):
        for gap in (0.0, 0.002, 0.02):
            ours = asyncio.run(writer_ms(sync, gap, args.edits))
            raw = raw_ms(sync, gap, args.edits)
            print(
                f"{sync:7} {gap * 1000:>4.0f}ms {ours[0]:>8.2f} / {ours[1]:<6.3f}"
                f" {raw[0]:>6.2f} / {raw[1]:.3f}"
            )


if __name__ == "__main__":
    main()
