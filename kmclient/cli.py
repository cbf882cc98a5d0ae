"""``kmclient sync`` and ``kmclient search`` (and ``must-read | ack | broadcasts``,
kmclient/attention_cli.py): the sync engine without a window.

The main thread is the engine's owner thread; it drains an OwnerLoop until
the job is done. Exit codes: 0 done, 1 other failure, 2 bad usage,
3 server unreachable or too slow, 4 sign-in refused (password, session).
"""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

from kmclient import attention_cli
from kmclient.core import profile
from kmclient.core.local_store import LocalStore
from kmclient.core.model import (
    ConnState,
    DocChanged,
    EngineEvent,
    IndexProgress,
    StatusChanged,
    SyncCompleted,
)
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.search import SearchIndex, SearchResult
from kmclient.core.sync_engine import NotSignedIn, ProfileMismatch, SyncEngine

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_AUTH = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kmclient", description="Knowledge base client.")
    sub = p.add_subparsers(dest="command", required=True)
    sync = sub.add_parser("sync", help="bring the local profile up to date with the server")
    sync.add_argument("--server", required=True, help="e.g. ws://kb.example.org:8765")
    sync.add_argument("--user", required=True)
    sync.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (one line)"
    )
    sync.add_argument("--profile", type=Path, help="profile directory (default: per server+user)")
    sync.add_argument("--watch", action="store_true", help="stay live and print changes")
    sync.add_argument(
        "--timeout", type=float, default=300.0, help="give up after this many seconds (one-shot)"
    )
    search = sub.add_parser("search", help="search the local profile (works offline)")
    search.add_argument("query")
    search.add_argument("--profile", type=Path, help="default: the profile last synced")
    search.add_argument("--all-topics", action="store_true", help="not only your topics")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.add_argument("--limit", type=int, default=10)
    attention_cli.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sync":
            return _sync(args)
        if args.command in attention_cli.COMMANDS:
            return attention_cli.run(args)
        return _search(args)
    except profile.ProfileBusy as exc:
        return _fail(str(exc), EXIT_FAIL)
    except ProfileMismatch as exc:
        return _fail(f"{exc}; give another --profile", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted; everything received so far is stored", 130)


def _fail(message: str, code: int) -> int:
    print(f"kmclient: {message}", file=sys.stderr)
    return code


# -- sync ------------------------------------------------------------------------


class _Stop:
    """SIGTERM (and Ctrl+C) end --watch cleanly: the engine stores everything first."""

    def __init__(self, loop: OwnerLoop) -> None:
        self.requested = False
        self._loop = loop

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        self.requested = True
        self._loop.post(lambda: None)  # wake run_until


def _sync(args: argparse.Namespace) -> int:
    profile_dir = args.profile or profile.default_profile_dir(args.server, args.user)
    loop = OwnerLoop()
    started = time.perf_counter()
    with SyncEngine(profile_dir, loop.post) as engine:
        password = _password(args, engine)
        try:
            engine.connect(args.server, args.user, password)
        except NotSignedIn as exc:
            return _fail(f"{exc} (use --password-stdin)", EXIT_AUTH)
        profile.remember_last(profile_dir)
        if args.watch:
            return _watch(engine, loop)
        return _sync_once(engine, loop, args.timeout, started, bool(password))


def _password(args: argparse.Namespace, engine: SyncEngine) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if engine.replica.store.get_setting("token") is None and sys.stdin.isatty():
        return getpass.getpass(f"Password for {args.user}: ")
    return None


def _sync_once(
    engine: SyncEngine, loop: OwnerLoop, timeout: float, started: float, with_password: bool
) -> int:
    summary: list[SyncCompleted] = []
    reached = [False]  # got as far as a signed-in socket at least once

    def note(event: EngineEvent) -> None:
        if isinstance(event, SyncCompleted):
            summary.append(event)
        elif isinstance(event, StatusChanged) and event.status.state == ConnState.SYNCING:
            reached[0] = True

    engine.listen(note)
    sent = engine.unconfirmed + engine.pending_requests  # edits, and flags, acks, ...

    def settled() -> bool:
        status = engine.status
        if status.state == ConnState.SIGNED_OUT:
            return True
        if status.state == ConnState.OFFLINE and status.error and not reached[0]:
            return True  # unreachable from the start: say so now, do not wait
        return (
            bool(summary)
            and status.state == ConnState.ONLINE
            and engine.unconfirmed == 0
            and engine.pending_requests == 0
        )

    deadline = started + timeout
    if not loop.run_until(settled, max(0.0, deadline - time.perf_counter())):
        return _fail(
            f"no complete sync within {timeout:.0f} s ({_describe(engine)})", EXIT_UNREACHABLE
        )
    status = engine.status
    if status.state == ConnState.SIGNED_OUT:
        hint = "" if with_password else " (use --password-stdin)"
        return _fail((status.error or "sign-in refused") + hint, EXIT_AUTH)
    if not summary:
        return _fail(status.error or "cannot reach the server", EXIT_UNREACHABLE)
    engine.disconnect()  # nothing more to receive; indexing goes on locally
    done = summary[-1]
    indexed = _wait_for_index(engine, loop, sys.stderr)
    line = (
        f"synced {done.new + done.changed} documents ({done.new} new, {done.changed} changed, "
        f"{done.removed} removed) in {_seconds(done.seconds)}"
    )
    if sent:
        line += f"; sent {sent} local change{'s' if sent != 1 else ''}"
    line += "; index up to date" if indexed else "; index not finished (continues next time)"
    print(line)
    return EXIT_OK


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 1 else f"{value:.1f} s"


def _describe(engine: SyncEngine) -> str:
    s = engine.status
    text = s.state.value
    if s.state == ConnState.SYNCING and s.total:
        text += f" {s.done}/{s.total}"
    return text + (f": {s.error}" if s.error else "")


def _wait_for_index(engine: SyncEngine, loop: OwnerLoop, out: TextIO) -> bool:
    last = [0.0]

    def show(event: EngineEvent) -> None:
        if isinstance(event, IndexProgress) and not event.idle and out.isatty():
            now = time.monotonic()
            if now - last[0] > 0.5:
                last[0] = now
                what = "rebuilding index" if event.rebuilding else "indexing"
                print(f"\r{what} {event.done}/{event.total}", end="", file=out, flush=True)

    stop = engine.listen(show)
    try:
        return loop.run_until(lambda: engine.index_progress.idle, timeout=None)
    except KeyboardInterrupt:
        return False
    finally:
        stop()
        if last[0]:
            print(file=out)


def _watch(engine: SyncEngine, loop: OwnerLoop) -> int:
    stop = _Stop(loop)
    previous = signal.signal(signal.SIGTERM, stop)

    def show(event: EngineEvent) -> None:
        stamp = time.strftime("%H:%M:%S")
        if isinstance(event, DocChanged):
            info = engine.doc(event.doc_id)
            title = f" {info.title}" if info else ""
            origin = " (this client)" if event.local else ""
            print(f"{stamp} {event.kind:<8} {event.doc_id}{title}{origin}", flush=True)
        elif isinstance(event, StatusChanged):
            print(f"{stamp} status   {_describe(engine)}", flush=True)
        elif isinstance(event, SyncCompleted):
            print(
                f"{stamp} synced   {event.new} new, {event.changed} changed, "
                f"{event.removed} removed in {_seconds(event.seconds)}",
                flush=True,
            )

    engine.listen(show)
    try:
        loop.run_until(lambda: stop.requested, timeout=None)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    print("stopped; everything received is stored", flush=True)
    return EXIT_OK


# -- search ----------------------------------------------------------------------


def _search(args: argparse.Namespace) -> int:
    profile_dir = args.profile or profile.last_profile()
    if profile_dir is None or not (profile_dir / profile.DB_FILE).exists():
        return _fail("no profile here yet: run 'kmclient sync' first", EXIT_FAIL)
    loop = OwnerLoop()
    try:
        engine = SyncEngine(profile_dir, loop.post)
    except profile.ProfileBusy:
        # The app (or a sync) holds the profile: search its index as it stands.
        results, topics = _search_read_only(profile_dir, args)
    else:
        with engine:
            _wait_for_index(engine, loop, sys.stderr)  # catch up a stale index first
            results = engine.search(args.query, args.all_topics, args.limit)
            topics = engine.relevance(args.all_topics)
    _print_results(args, results, topics)
    return EXIT_OK


def _search_read_only(
    profile_dir: Path, args: argparse.Namespace
) -> tuple[list[SearchResult], tuple[str, ...] | None]:
    store = LocalStore(profile_dir / profile.DB_FILE)
    try:
        user = store.get_setting("user") or {}
    finally:
        store.close()
    topics = None if args.all_topics else tuple(user.get("topics") or ()) or None
    with SearchIndex(profile_dir / profile.INDEX_DIR) as index:
        return index.search(args.query, topics=topics, limit=args.limit), topics


def _print_results(
    args: argparse.Namespace, results: list[SearchResult], topics: tuple[str, ...] | None
) -> None:
    if args.json:
        payload = {
            "query": args.query,
            "topics": list(topics) if topics is not None else None,
            "results": [
                {
                    "id": r.doc_id,
                    "title": r.title,
                    "topics": list(r.topics),
                    "score": r.score,
                    "snippet": r.snippet_text(),
                    "snippet_html": r.snippet_html(),
                }
                for r in results
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    bold = sys.stdout.isatty()
    for n, r in enumerate(results, 1):
        print(f"{n}. {r.title}  [{', '.join(r.topics)}]  ({r.doc_id})")
        snippet = "".join(
            (f"\033[1m{text}\033[0m" if bold else f"*{text}*") if hit else text
            for text, hit in r.snippet
        )
        print(f"   {snippet}")
    scope = f"in your topics ({', '.join(topics)})" if topics else "in all topics"
    count = f"{len(results)} result{'s' if len(results) != 1 else ''}"
    hint = "; --all-topics searches everything" if topics else ""
    print(f"{count} {scope}{hint}")


if __name__ == "__main__":
    sys.exit(main())
