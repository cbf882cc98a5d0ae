"""``kmserver publish | history | diff | restore | archive | verify | overdue | audit``
(and ``acks | broadcast``, kmserver/attention/commands.py).

Each change runs the same operation as the app's request (ops.py) in a
transaction of its own, beside a running server: the server's log tail picks
the new entries up within a second and delivers them to connected clients.
``--by USER`` acts as that user, with that user's rights; without it the
command acts as the administrator at the console (recorded as such).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kmserver.attention import commands as attention
from kmserver.feedback.context import RecordContext
from kmserver.protocol.audience import describe as describe_audience
from kmserver.protocol.textdiff import describe, diff, render_plain, summarize
from kmserver.publishing import ops, review_dates
from kmserver.store import documents as docs
from kmserver.store import revisions, row_bookkeeping
from kmserver.store.accounts import Account, Accounts
from kmserver.store.database import Database
from kmserver.writer import JobError, WriteContext

WORKING = "working"


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("publish", parents=[common], help="publish a document's working copy")
    p.add_argument("doc")
    p.add_argument("--note", default="", help="the change note readers see")
    p.add_argument("--by", metavar="USER", help="act as USER (with USER's rights)")
    attention.add_must_read_arguments(p)
    p = sub.add_parser("history", parents=[common], help="list a document's revisions")
    p.add_argument("doc")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("diff", parents=[common], help="word diff of two revisions")
    p.add_argument("doc")
    p.add_argument("a", help="revision number")
    p.add_argument("b", help=f"revision number, or '{WORKING}' for the working copy")
    p = sub.add_parser("restore", parents=[common], help="publish an old revision again")
    p.add_argument("doc")
    p.add_argument("rev", type=int)
    p.add_argument("--note", default="")
    p.add_argument("--by", metavar="USER")
    p = sub.add_parser("archive", parents=[common], help="take a document off readers' screens")
    p.add_argument("doc")
    p.add_argument("--undo", action="store_true", help="bring it back")
    p.add_argument("--by", metavar="USER")
    p = sub.add_parser("verify", parents=[common], help="confirm a document is still right")
    p.add_argument("doc")
    p.add_argument("--by", metavar="USER")
    p = sub.add_parser("overdue", parents=[common], help="documents due for review")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--review-every",
        type=review_dates.parse_days,
        default=review_dates.DEFAULT_REVIEW_DAYS,
        metavar="DAYS",
        help="the server's default review interval (e.g. 180d, 6m)",
    )
    p = sub.add_parser("audit", parents=[common], help="who did what, newest first")
    p.add_argument("--doc")
    p.add_argument("--user")
    p.add_argument("--since", help="ISO date or time, e.g. 2026-11-01")
    p.add_argument("--limit", type=int, default=revisions.AUDIT_LIMIT)
    p.add_argument("--json", action="store_true")
    attention.add_parsers(sub, common)


COMMANDS = (
    "publish", "history", "diff", "restore", "archive", "verify", "overdue", "audit",
    *attention.COMMANDS,
)  # fmt: skip


def run(args: argparse.Namespace, db: Database) -> int:
    if args.command in attention.COMMANDS:
        return attention.run(args, db, _change)
    return _HANDLERS[args.command](args, db)


def _actor(db: Database, name: str | None) -> Account | None:
    if name is None:
        return None
    account = Accounts(db).get(name)
    if account is None:
        raise ValueError(f"no user '{name}'")
    return account


def _change(db: Database, op: Callable[..., int | None], by: str | None, *args: Any) -> dict:
    actor = _actor(db, by)
    with db.write() as s, s.begin():
        ctx = WriteContext(s, OrderedDict(), f"cli:{os.getpid()}")
        rc = RecordContext(ctx, datetime.now(UTC))
        try:
            op(rc, actor, None, *args)
        except JobError as exc:
            raise ValueError(exc.message) from None
        ctx.finish()
    return rc.reply


def _publish(args: argparse.Namespace, db: Database) -> int:
    ask = attention.ask_from(args)
    reply = _change(db, ops.publish, args.by, args.doc, args.note, ask)
    print(f"published {args.doc} as revision {reply['rev']}")
    if ask is not None:
        print(f"a must-read for {describe_audience(ask.terms)}: see kmserver acks {args.doc}")
    return 0


def _restore(args: argparse.Namespace, db: Database) -> int:
    reply = _change(db, ops.restore, args.by, args.doc, args.rev, args.note)
    if "rev" in reply:
        print(f"restored revision {args.rev} of {args.doc} as revision {reply['rev']}")
    else:
        print(f"revision {args.rev} of {args.doc} is in the working copy, submitted for review")
    return 0


def _archive(args: argparse.Namespace, db: Database) -> int:
    _change(db, ops.archive, args.by, args.doc, not args.undo)
    print(f"{'brought back' if args.undo else 'archived'} {args.doc}")
    return 0


def _verify(args: argparse.Namespace, db: Database) -> int:
    _change(db, ops.verify, args.by, args.doc)
    print(f"verified {args.doc}")
    return 0


def _history(args: argparse.Namespace, db: Database) -> int:
    with db.read() as s:
        if docs.get_document(s, args.doc) is None:
            raise ValueError(f"no document '{args.doc}'")
        items = [revisions.summary(rev) for rev in revisions.history(s, args.doc)]
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(f"{args.doc} has no published revision (a draft)")
    for item in items:
        note = f"  {item['note']}" if item["note"] else ""
        print(f"{item['rev']:>4}  {item['at'][:16].replace('T', ' ')}  {item['by'] or '-'}{note}")
    return 0


def _text_of(s: Any, doc_id: str, which: str) -> str:
    if which == WORKING:
        row = docs.get_document(s, doc_id)
        assert row is not None
        return row_bookkeeping.working_text(s, row)  # a running server's row may lag
    if not which.isdigit():
        raise ValueError(f"'{which}' is not a revision number or '{WORKING}'")
    rev = revisions.get(s, doc_id, int(which))
    if rev is None:
        raise ValueError(f"{doc_id} has no revision {which}")
    return rev.body_text


def _diff(args: argparse.Namespace, db: Database) -> int:
    with db.read() as s:
        if docs.get_document(s, args.doc) is None:
            raise ValueError(f"no document '{args.doc}'")
        old, new = _text_of(s, args.doc, args.a), _text_of(s, args.doc, args.b)
    chunks = diff(old, new)
    print(f"{args.doc}: {args.a} -> {args.b}: {describe(summarize(chunks))}")
    print(render_plain(chunks), end="")
    return 0


def _overdue(args: argparse.Namespace, db: Database) -> int:
    now = datetime.now(UTC)
    with db.read() as s:
        metas = docs.all_metas(s)
    items = []
    for meta in metas:
        standing = review_dates.standing(meta, now, args.review_every)
        if standing is not None and (standing.overdue or standing.soon):
            items.append(
                {
                    "doc": meta.id,
                    "title": meta.published.title if meta.published else meta.title,
                    "owner": meta.owner,
                    "due": standing.due.isoformat(),
                    "overdue": standing.overdue,
                    "verified_at": meta.verified_at,
                    "verified_by": meta.verified_by,
                }
            )
    items.sort(key=lambda item: item["due"])
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    for item in items:
        state = "OVERDUE" if item["overdue"] else "due soon"
        print(f"{item['due'][:10]}  {state:8}  {item['owner'] or '-':12}  {item['doc']}")
    if not items:
        print("nothing is due for review in the next two weeks")
    return 0


def _audit(args: argparse.Namespace, db: Database) -> int:
    since = review_dates.parse_time(args.since) if args.since else None
    if args.since and since is None:
        raise ValueError(f"--since '{args.since}' is not an ISO date like 2026-11-01")
    with db.read() as s:
        events = [
            revisions.audit_wire(e)
            for e in revisions.audit_events(
                s, doc_id=args.doc, actor=args.user, since=since, limit=args.limit
            )
        ]
    if args.json:
        print(json.dumps(events, ensure_ascii=False, indent=2))
        return 0
    for event in events:
        detail = {k: v for k, v in event["detail"].items() if k != "reply"}
        extra = json.dumps(detail, ensure_ascii=False) if detail else ""
        print(
            f"{event['at'][:19].replace('T', ' ')}  {event['actor'] or '(console)':12}  "
            f"{event['action']:10}  {event['doc'] or '-'}  {extra}"
        )
    return 0


_HANDLERS: dict[str, Callable[[argparse.Namespace, Database], int]] = {
    "publish": _publish,
    "history": _history,
    "diff": _diff,
    "restore": _restore,
    "archive": _archive,
    "verify": _verify,
    "overdue": _overdue,
    "audit": _audit,
}
