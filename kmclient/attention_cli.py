"""``kmclient must-read``, ``kmclient ack`` and ``kmclient broadcasts``: a profile's
must-reads and broadcasts without a window, for scripts and support staff.

They read and write the local profile only (offline): an acknowledgement is
stored in the request outbox and sent by the next ``kmclient sync`` or the app,
never twice. The app holding the profile open makes them wait for it to close.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kmclient.core import profile
from kmclient.core.attention_model import Broadcast, MustRead
from kmclient.core.feedback_requests import NoSuchDocument, NoSuchRecord
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine

COMMANDS = ("must-read", "ack", "broadcasts")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("must-read", help="must-reads this profile still has to acknowledge")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--all", action="store_true", help="also those acknowledged")
    p.add_argument("--profile", type=Path, help="default: the profile last synced")
    p = sub.add_parser("ack", help="acknowledge a document's must-read (sent on the next sync)")
    p.add_argument("doc")
    p.add_argument("--profile", type=Path, help="default: the profile last synced")
    p = sub.add_parser("broadcasts", help="the active broadcasts in this profile")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--profile", type=Path, help="default: the profile last synced")


def run(args: argparse.Namespace) -> int:
    profile_dir = args.profile or profile.last_profile()
    if profile_dir is None or not (profile_dir / profile.DB_FILE).exists():
        print("kmclient: no profile here yet: run 'kmclient sync' first", file=sys.stderr)
        return 1
    with SyncEngine(profile_dir, OwnerLoop().post) as engine:
        if args.command == "must-read":
            return _must_read(engine, args)
        if args.command == "ack":
            return _ack(engine, args)
        return _broadcasts(engine, args)


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts is not None else None


def must_read_json(m: MustRead, now: datetime) -> dict[str, Any]:
    return {
        "doc": m.doc_id,
        "rev": m.rev,
        "title": m.title,
        "note": m.note,
        "by": m.by,
        "at": _iso(m.at),
        "due": _iso(m.due),
        "overdue": m.overdue(now),
        "opened_at": _iso(m.opened_at),
        "acknowledged_at": _iso(m.acked_at),
        "waiting_to_send": m.pending,
    }


def _must_read(engine: SyncEngine, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    items = engine.must_reads(include_done=args.all, now=now)
    if args.json:
        print(json.dumps([must_read_json(m, now) for m in items], ensure_ascii=False, indent=2))
        return 0
    for m in items:
        state = "acknowledged" if m.acknowledged else ("OVERDUE" if m.overdue(now) else "to read")
        if m.pending:
            state += " (not sent yet)"
        due = f"  due {m.due.astimezone().strftime('%Y-%m-%d %H:%M')}" if m.due else ""
        print(f"{m.doc_id}  version {m.rev}  {state}{due}  {m.title}")
        if m.note:
            print(f"    {m.note}")
    if not items:
        print("nothing to acknowledge" if not args.all else "no must-reads")
    return 0


def _ack(engine: SyncEngine, args: argparse.Namespace) -> int:
    try:
        must = engine.acknowledge(args.doc)
    except (NoSuchDocument, NoSuchRecord) as exc:
        print(f"kmclient: {exc}", file=sys.stderr)
        return 2
    if must.pending:
        print(f"acknowledged {args.doc} version {must.rev}; sent on the next sync")
    else:
        print(f"{args.doc} version {must.rev} was already acknowledged")
    return 0


def broadcast_json(b: Broadcast) -> dict[str, Any]:
    return {
        "id": b.id,
        "text": b.text,
        "severity": b.severity,
        "link": b.link,
        "by": b.by,
        "at": _iso(b.at),
        "expires_at": _iso(b.expires_at),
    }


def _broadcasts(engine: SyncEngine, args: argparse.Namespace) -> int:
    items = engine.broadcasts(include_hidden=True)
    if args.json:
        print(json.dumps([broadcast_json(b) for b in items], ensure_ascii=False, indent=2))
        return 0
    for b in items:
        until = f" (until {b.expires_at.astimezone().strftime('%H:%M')})" if b.expires_at else ""
        print(f"[{b.severity.upper()}] {b.text}{until}")
    if not items:
        print("no active broadcasts")
    return 0
