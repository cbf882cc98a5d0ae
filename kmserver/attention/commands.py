"""``kmserver acks`` (must-read coverage for the compliance file) and ``kmserver
broadcast`` (send, end, list early warnings).

``kmserver publish DOC --must-read --for ...`` lives with the publishing
commands and uses ``ask_from`` below. Changes run the app's operations
(ops.py) in a transaction of their own beside a running server, which
delivers them from its log tail within a second.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kmserver.attention import coverage, ops
from kmserver.durations import duration
from kmserver.protocol import audience
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.coverage_csv import csv_rows
from kmserver.protocol.messages import SEVERITIES
from kmserver.publishing import review_dates
from kmserver.store import documents as docs
from kmserver.store.database import Database

COMMANDS = ("acks", "broadcast")


def add_must_read_arguments(p: argparse.ArgumentParser) -> None:
    """The must-read options of ``kmserver publish``."""
    p.add_argument("--must-read", action="store_true", help="readers must acknowledge it")
    p.add_argument(
        "--for",
        dest="audience",
        metavar="TERMS",
        help="who must read it: roles, topic:<topic>, user:<name>, e.g. rep,topic:parking",
    )
    p.add_argument("--due", help="acknowledge by, e.g. 2026-12-01T12:00 (UTC unless given)")
    p.add_argument(
        "--remind-every",
        type=duration,
        metavar="DURATION",
        help="remind those who have not, e.g. 4h",
    )


def ask_from(args: argparse.Namespace) -> ops.MustReadAsk | None:
    """The publish command's must-read, or None; clear errors for half-given options."""
    if not args.must_read:
        if args.audience or args.due or args.remind_every:
            raise ValueError("--for, --due and --remind-every go with --must-read")
        return None
    if not args.audience:
        raise ValueError("say who must read it: --for rep,topic:parking,user:anna")
    try:
        terms = audience.parse(args.audience)
    except ProtocolError as exc:
        raise ValueError(str(exc)) from None
    due = review_dates.parse_time(args.due) if args.due else None
    if args.due and due is None:
        raise ValueError(f"--due '{args.due}' is not a date and time like 2026-12-01T12:00")
    every = int(args.remind_every) if args.remind_every else None
    return ops.MustReadAsk(terms, due, every, args.note)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("acks", parents=[common], help="who has acknowledged a must-read (coverage)")
    p.add_argument("doc")
    p.add_argument("--rev", type=int, help="the must-read revision (default: the newest)")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--csv", action="store_true", help="one line per user, for the file")
    p = sub.add_parser("broadcast", parents=[common], help="send, end or list early warnings")
    p.add_argument("text", nargs="?", help="the warning, up to 1,000 characters")
    p.add_argument("--for", dest="audience", metavar="TERMS", help="e.g. rep or topic:parking")
    p.add_argument("--severity", choices=SEVERITIES, default="info")
    p.add_argument("--expires", type=duration, default=7200.0, metavar="DURATION",
                   help="how long it shows, e.g. 30m, 2h (default 2h, at most 7d)")  # fmt: skip
    p.add_argument("--doc", help="a document to link to")
    p.add_argument("--end", metavar="ID", help="end the broadcast ID now")
    p.add_argument("--list", action="store_true", help="active and past broadcasts")
    p.add_argument("--by", metavar="USER", help="act as USER (with USER's rights)")


def run(args: argparse.Namespace, db: Database, change: Callable[..., dict]) -> int:
    """``change(db, op, by, *args)`` runs an operation (publishing/commands.py)."""
    if args.command == "acks":
        return _acks(args, db)
    return _broadcast(args, db, change)


def _acks(args: argparse.Namespace, db: Database) -> int:
    with db.read() as s:
        row = docs.get_document(s, args.doc)
        meta = docs.meta_of(s, row) if row is not None else None
        if meta is None:
            raise ValueError(f"no document '{args.doc}'")
        facts = coverage.facts(s, args.doc, args.rev)
    if facts is None:
        which = f"version {args.rev} of " if args.rev else ""
        raise ValueError(f"{which}{args.doc} is not a must-read")
    report = coverage.report(facts, meta, set())
    if args.json:
        report = {k: v for k, v in report.items()}
        for user in report["users"]:
            user.pop("online")  # the command line cannot know who is connected
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(csv_rows(report))
        return 0
    counts = report["counts"]
    due = f", due {report['due'][:16].replace('T', ' ')}" if report["due"] else ""
    print(
        f"{report['doc']} version {report['rev']}: must-read for "
        f"{audience.describe(report['for'])}{due}"
    )
    print(
        f"{counts['acknowledged']} of {counts['total']} acknowledged, {counts['opened']} opened, "
        f"{counts['not_opened']} not opened, {counts['not_received']} not received"
    )
    for user in report["users"]:
        when = (user["acked_at"] or user["opened_at"] or "")[:16].replace("T", " ")
        print(f"  {user['name']:20} {user['role']:10} {user['state']:13} {when}")
    return 0


def _broadcast(args: argparse.Namespace, db: Database, change: Callable[..., dict]) -> int:
    if args.list:
        with db.read() as s:
            items = coverage.broadcasts(s)
        now = datetime.now(UTC)
        for item in items:
            ended = item["ended_at"] or (
                item["expires_at"] if review_dates.parse_time(item["expires_at"]) <= now else None  # type: ignore[operator]
            )
            state = f"ended {ended[:16].replace('T', ' ')}" if ended else "ACTIVE"
            print(f"{item['id']}  {item['severity']:8}  {state:22}  seen by {item['seen']:<4} "
                  f"{item['text'][:60]}")  # fmt: skip
        if not items:
            print("no broadcasts yet")
        return 0
    if args.end:
        change(db, _end_op, args.by, args.end)
        print(f"ended broadcast {args.end}")
        return 0
    if not args.text or not args.audience:
        raise ValueError("give the text and who it is for: kmserver broadcast TEXT --for rep")
    try:
        terms = audience.parse(args.audience)
    except ProtocolError as exc:
        raise ValueError(str(exc)) from None
    broadcast_id = str(uuid.uuid4())
    change(
        db, _send_op, args.by, broadcast_id, args.text, args.severity, terms,
        int(args.expires), args.doc,
    )  # fmt: skip
    print(f"sent broadcast {broadcast_id} to {audience.describe(terms)}")
    return 0


# ``change`` calls op(rc, actor, request_id, *args); broadcasts carry their own id.
def _send_op(rc: Any, actor: Any, _request: Any, *args: Any) -> int | None:
    return ops.send_broadcast(rc, actor, *args)


def _end_op(rc: Any, actor: Any, _request: Any, broadcast_id: str) -> int | None:
    return ops.end_broadcast(rc, actor, broadcast_id)
