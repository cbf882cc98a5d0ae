"""A must-read and a broadcast to N connected reps, against an ordinary publication.

A kmserver runs in its own process on a fresh SQLite database; N reps are
plain websocket clients in this process, signed in with tokens and synced.
Then, in one run (repeated ``--runs`` times):

- **publish** (the anchor): a changed sentence published as an ordinary
  revision: the time until the last of the N reps has the new revision;
- **must-read**: the same, published as a must-read for ``rep``: the
  supervisor's ``saved``, and the time until the last rep has the
  ``must_read`` record (the strip in their window);
- **broadcast**: a warning for ``rep``: until the last rep has it;
- **coverage**: the supervisor's coverage query of that must-read, with no
  one, then every rep, having acknowledged; and the ``must_reads`` overview;
- **N acknowledgements** sent at once: until the last is answered ``saved``.

    python benchmarks/attention_bench.py --reps 2000 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from publish_bench import REPO, profile_server, signed_in, start_server, sync_from_scratch
from websockets.asyncio.client import ClientConnection

from kmserver.protocol import streams, ysync
from kmserver.protocol.ytext import body, new_doc

DOC = "bench-policy"


class Rep:
    """One /ws session: notes the records and revisions that arrive."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.synced = asyncio.Event()
        self.changed = asyncio.Event()
        self.records: set[tuple[str, str]] = set()
        self.published_frames = 0
        self.replies: dict[str, dict] = {}
        self.doc = new_doc()
        self.acks = 0
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if isinstance(frame, str):
                msg = json.loads(frame)
                kind = msg.get("type")
                if kind == "sync_end":
                    self.synced.set()
                elif kind == "record":
                    self.records.add((msg["kind"], msg["id"]))
                elif kind == "ack":
                    self.acks += 1
                if "ref" in msg:
                    self.replies[msg["ref"]] = msg
            else:
                name, raw = ysync.unwrap(frame)
                doc_id, published = streams.parse(name)
                message = ysync.parse_message(raw)
                if message.type == ysync.MessageType.SYNC and doc_id == DOC:
                    if published:
                        self.published_frames += 1
                    else:
                        self.doc.apply_update(message.payload)
            self.changed.set()

    async def until(self, predicate) -> None:  # type: ignore[no-untyped-def]
        while not predicate():
            self.changed.clear()
            await self.changed.wait()

    async def ask(self, **msg: object) -> dict:
        ref = uuid.uuid4().hex
        await self.ws.send(json.dumps({**msg, "ref": ref}))
        await self.until(lambda: ref in self.replies)
        return self.replies.pop(ref)

    async def close(self) -> None:
        await self.ws.close()
        self._task.cancel()


async def open_rep(url: str, token: str) -> Rep:
    return await sync_from_scratch(Rep(await signed_in(url, token, open_timeout=120)))


def prepare(db_url: str, reps: int) -> tuple[str, list[str]]:
    """Token-only accounts (no argon2 per user): the supervisor's token, the reps'."""
    from kmserver.store.accounts import Accounts
    from kmserver.store.database import Database

    db = Database(db_url)
    accounts = Accounts(db)
    boss = accounts.issue_token(accounts.add_user("boss", "supervisor", []))[0]
    tokens = [
        accounts.issue_token(accounts.add_user(f"rep{i}", "rep", ["bench"]))[0] for i in range(reps)
    ]
    db.dispose()
    return boss, tokens


async def timed(coro) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    await coro
    return time.perf_counter() - start


async def change(boss: Rep, n: int) -> None:
    before = boss.doc.get_state()
    body(boss.doc).insert(0, f"Ändring {n}: avgiften är {600 + n} kronor. ")
    acks = boss.acks
    await boss.ws.send(ysync.wrap(DOC, ysync.sync_update(boss.doc.get_update(before))))
    await boss.until(lambda: boss.acks > acks)


async def run(n_reps: int, runs: int) -> dict[str, list[float]]:
    tmp = Path(tempfile.mkdtemp(prefix="attention-bench-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    boss_token, tokens = prepare(db_url, n_reps)
    proc, port = start_server(db_url)
    url = f"ws://127.0.0.1:{port}/ws"
    figures: dict[str, list[float]] = {
        "publish: last of N reps (anchor)": [],
        "must-read: saved": [],
        "must-read: last of N reps": [],
        "broadcast: last of N reps": [],
        "coverage, none acknowledged": [],
        "N acknowledgements: last saved": [],
        "coverage, all acknowledged": [],
        "must_reads overview": [],
    }
    try:
        boss = await open_rep(url, boss_token)
        created = await boss.ask(
            type="create_doc", id=DOC, title="Policy", topics=["bench"], audience=["everyone"],
            body="# Policy\n\nAvgiften är 600 kronor.\n",
        )  # fmt: skip
        assert created["type"] == "created", created
        await boss.until(lambda: len(str(body(boss.doc))) > 0)
        assert (await boss.ask(type="publish", id=str(uuid.uuid4()), doc=DOC))["type"] == "saved"
        print(f"connecting {n_reps} reps …", flush=True)
        reps = []
        for start in range(0, n_reps, 100):  # in waves: the handshakes share 2 cores
            reps += await asyncio.gather(*(open_rep(url, t) for t in tokens[start : start + 100]))
        spy = profile_server(proc.pid)  # PUBLISH_BENCH_PROFILE=out.txt: py-spy, as there
        for n in range(runs):
            # the anchor: an ordinary publication
            await change(boss, 2 * n)
            seen = [r.published_frames for r in reps]
            start = time.perf_counter()
            answer = await boss.ask(type="publish", id=str(uuid.uuid4()), doc=DOC)
            assert answer["type"] == "saved", answer
            await asyncio.gather(
                *(
                    r.until(lambda r=r, s=s: r.published_frames > s)
                    for r, s in zip(reps, seen, strict=True)
                )
            )
            figures["publish: last of N reps (anchor)"].append(time.perf_counter() - start)
            # the same, as a must-read
            await change(boss, 2 * n + 1)
            start = time.perf_counter()
            saved = await boss.ask(
                type="publish", id=str(uuid.uuid4()), doc=DOC, must_read={"for": ["rep"]}
            )
            assert saved["type"] == "saved", saved
            figures["must-read: saved"].append(time.perf_counter() - start)
            key = ("must_read", saved["must_read"])
            await asyncio.gather(*(r.until(lambda r=r, k=key: k in r.records) for r in reps))
            figures["must-read: last of N reps"].append(time.perf_counter() - start)
            # a broadcast
            bid = str(uuid.uuid4())
            start = time.perf_counter()
            sent = await boss.ask(
                type="broadcast", id=bid, text=f"Linjerna nere {n}", severity="warning",
                expires=3600, **{"for": ["rep"]},
            )  # fmt: skip
            assert sent["type"] == "saved", sent
            await asyncio.gather(
                *(r.until(lambda r=r, b=bid: ("broadcast", b) in r.records) for r in reps)
            )
            figures["broadcast: last of N reps"].append(time.perf_counter() - start)
            # coverage, then everyone acknowledges, then coverage again
            await asyncio.sleep(0.5)  # let "received" be written
            rev = saved["rev"]
            figures["coverage, none acknowledged"].append(
                await timed(boss.ask(type="coverage", doc=DOC, rev=rev))
            )
            start = time.perf_counter()
            answers = await asyncio.gather(
                *(r.ask(type="acknowledge", doc=DOC, rev=rev) for r in reps)
            )
            figures["N acknowledgements: last saved"].append(time.perf_counter() - start)
            assert all(a["type"] == "saved" for a in answers), answers[0]
            start = time.perf_counter()
            report = await boss.ask(type="coverage", doc=DOC, rev=rev)
            figures["coverage, all acknowledged"].append(time.perf_counter() - start)
            assert report["counts"]["acknowledged"] == n_reps, report["counts"]
            figures["must_reads overview"].append(await timed(boss.ask(type="must_reads")))
        for r in [boss, *reps]:
            await r.close()
        if spy is not None:
            spy.wait()
    finally:
        proc.terminate()
        proc.wait(30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures = asyncio.run(run(args.reps, args.runs))
    print(
        f"\n{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d')} · N = {args.reps}, {args.runs} runs\n"
    )
    print(f"{'measure':40} {'median ms':>10} {'max ms':>10}")
    for name, values in figures.items():
        ms = [v * 1000 for v in values]
        print(f"{name:40} {statistics.median(ms):10.1f} {max(ms):10.1f}")


if __name__ == "__main__":
    assert REPO.exists()
    main()
