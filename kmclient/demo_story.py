"""A short history for the demo database, so the governed half shows at first sight.

Run once on a freshly seeded demo database (``kmclient --demo``):

- the imported articles are their owners' first versions, published six
  weeks ago (the import itself stamps them "now", by the command line, with
  the file's name as the note: right for a real import, odd in a demo whose
  version 2 is nine days old);
- *Residential parking permit* (olle's) has a second version, published nine
  days ago with a note, and an unpublished change in its working copy;
- *Refunds and overpayments* needs a supervisor's review, and olle has
  submitted a change: it waits in sara's review queue;
- *Bulky waste* was last verified seven months ago: its review is overdue;
- *Night parking rules* is olle's draft;
- sara made version 2 of the parking permit a must-read for the reps of
  parking, now overdue: three of the team have acknowledged it, one has it
  open, one's app has not even received it, and anna has not read it yet;
  *Payment plans* is a must-read for the reps of payments, due tomorrow;
- an early warning for everyone is on: the phone lines to the north district
  are down (it expires three hours after the demo starts).

The same operations as the app's requests (kmserver/publishing/ops.py), with
past times, in transactions of their own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from kmserver.attention import ops as attention
from kmserver.feedback.context import RecordContext
from kmserver.protocol.ytext import body, replace_text, text_to_update
from kmserver.publishing import ops
from kmserver.store import documents as docs
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from kmserver.store.models import LOG_UPDATE, Document
from kmserver.store.revision_models import AuditEvent, Revision
from kmserver.writer import WriteContext

PERMIT = "parking-residential-permit"
REFUNDS = "payments-refunds"
BULKY = "waste-bulky-items"
DRAFT = "parking-night-rules"
PLANS = "payments-payment-plans"
# The rest of the team (no password: the coverage screen has people in it).
TEAM = (
    ("maria", ("parking", "waste")),
    ("johan", ("parking",)),
    ("li", ("payments", "parking")),
    ("nils", ("parking",)),
    ("sofia", ("waste", "payments")),
)
WRITER = "demo-story"
FIRST_PUBLISHED = timedelta(days=42)  # the imported articles' version 1, before the story
FIRST_NOTE = "First version"
FALLBACK_AUTHOR = "sara"  # an article without an owner: the supervisor published it


def _step(db: Database, when: datetime, action: Callable[[RecordContext], Any]) -> None:
    with db.write() as s, s.begin():
        ctx = WriteContext(s, OrderedDict(), WRITER)
        action(RecordContext(ctx, when))
        ctx.finish()


def _edit(rc: RecordContext, doc_id: str, author: str, change: Callable[[str], str]) -> None:
    """Change the working copy as ``author`` typed it (one minimal CRDT update)."""
    ydoc = rc.ctx.load(doc_id)
    before = ydoc.get_state()
    if replace_text(body(ydoc), change(str(body(ydoc)))):
        update_bytes = ydoc.get_update(before)
        seq = docs.append_log(rc.s, doc_id, LOG_UPDATE, update_bytes, author, WRITER)
        rc.ctx.wrote(doc_id, seq, LOG_UPDATE, update_bytes, author)


def _first_versions(rc: RecordContext, when: datetime) -> None:
    """The import's version 1 of every article becomes its owner's, published at ``when``
    with a note a person would write (only here: ``kmserver import`` is unchanged)."""
    owners = {doc_id: owner for doc_id, owner in rc.s.execute(select(Document.id, Document.owner))}
    imported = select(Revision).where(Revision.number == 1, Revision.published_by.is_(None))
    for rev in rc.s.scalars(imported):
        author = owners.get(rev.doc_id) or FALLBACK_AUTHOR
        rev.published_at, rev.published_by, rev.note = when, author, FIRST_NOTE
        row = rc.s.get(Document, rev.doc_id)
        if row is not None:
            row.created_at = when
            if row.verified_by is None:  # verified by the import's publication
                row.verified_at, row.verified_by = when, author
    rc.s.execute(update(AuditEvent).where(AuditEvent.action == "import").values(at=when))


def tell_story(db: Database, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    accounts = Accounts(db)
    olle, sara = accounts.get("olle"), accounts.get("sara")
    assert olle is not None and sara is not None

    _step(db, now, lambda rc: _first_versions(rc, now - FIRST_PUBLISHED))

    def raise_fee(text: str) -> str:
        return text.replace("| 550 SEK | 6,050 SEK |", "| 600 SEK | 6,600 SEK |")

    _step(db, now - timedelta(days=9, hours=3), lambda rc: _edit(rc, PERMIT, "olle", raise_fee))
    _step(
        db,
        now - timedelta(days=9),
        lambda rc: ops.publish(rc, olle, None, PERMIT, "Zone B fee is 600 SEK from 1 March"),
    )

    def zone_d(text: str) -> str:
        return text.replace(
            "| Zone C (outer areas) | 300 SEK | 3,300 SEK |",
            "| Zone C (outer areas) | 300 SEK | 3,300 SEK |\n"
            "| Zone D (new, from 1 June) | 400 SEK | 4,400 SEK |",
        )

    _step(db, now - timedelta(hours=2), lambda rc: _edit(rc, PERMIT, "olle", zone_d))

    def needs_review(rc: RecordContext) -> None:
        row = docs.get_document(rc.s, REFUNDS)
        assert row is not None
        docs.set_meta(rc.s, row, {"review_required": True}, "sara", WRITER)

    _step(db, now - timedelta(days=3), needs_review)

    def refund_limit(text: str) -> str:
        return text.rstrip("\n") + (
            "\n\n## New from 1 January\n\nRefunds under 100 SEK are paid automatically "
            "to the account we have on file; no form is needed.\n"
        )

    _step(db, now - timedelta(hours=5), lambda rc: _edit(rc, REFUNDS, "olle", refund_limit))
    _step(
        db,
        now - timedelta(hours=4, minutes=50),
        lambda rc: ops.submit(rc, olle, None, REFUNDS, "Automatic small refunds"),
    )

    old = now - timedelta(days=210)

    def long_unverified(rc: RecordContext) -> None:
        rc.s.execute(update(Document).where(Document.id == BULKY).values(verified_at=old))
        rc.s.execute(
            update(Revision)
            .where(Revision.doc_id == BULKY, Revision.number == 1)
            .values(published_at=old)
        )

    _step(db, now, long_unverified)

    def draft(rc: RecordContext) -> None:
        from kmserver.protocol.docmeta import DocMeta

        text = (
            "# Night parking rules\n\nDraft: free parking 20–07 in zones B and C? "
            "Waiting for the decision of the traffic committee.\n"
        )
        meta = DocMeta(DRAFT, "Night parking rules", ("parking",), owner="olle")
        docs.create_document(rc.s, meta, text_to_update(text), text, "olle", WRITER)

    _step(db, now - timedelta(days=1), draft)

    _attention(db, accounts, now)


def _attention(db: Database, accounts: Accounts, now: datetime) -> None:
    """Must-reads with a history of acknowledgements, and an active broadcast."""
    for name, topics in TEAM:
        accounts.add_user(name, "rep", list(topics))
    sara = accounts.get("sara")
    people = {name: accounts.get(name) for name, _ in TEAM}
    asked = now - timedelta(days=8, hours=22)
    fee = attention.MustReadAsk(
        ["topic:parking"], due=now - timedelta(days=6), remind_every=86400,
        note="New fee: check it before you quote a price",
    )  # fmt: skip

    _step(db, asked, lambda rc: attention.require_reading(rc, sara, None, PERMIT, 2, fee))
    for name, minutes, opened_only in (("maria", 38, False), ("johan", 190, False),
                                       ("li", 600, True)):  # fmt: skip
        _step(
            db,
            asked + timedelta(minutes=minutes),
            lambda rc, u=people[name], o=opened_only: attention.acknowledge(rc, u, PERMIT, 2, o),
        )
    received = [("must_read", f"{PERMIT}@2", n) for n in ("maria", "johan", "li")]
    _step(db, asked + timedelta(minutes=5), lambda rc: attention.note_received(rc, received))

    plans = attention.MustReadAsk(
        ["topic:payments"], due=now + timedelta(days=1), remind_every=4 * 3600,
        note="Payment plans now up to 24 months",
    )  # fmt: skip
    _step(
        db,
        now - timedelta(hours=1),
        lambda rc: attention.require_reading(rc, sara, None, PLANS, 1, plans),
    )
    _step(
        db,
        now - timedelta(minutes=20),
        lambda rc: attention.send_broadcast(
            rc, sara, "5d4c1f0e-1b7a-4c55-9d44-2f3a9c6e7b10",
            "Phone lines to the north district are down: "
            "tell callers to use the e-service",
            "warning", ["everyone"], 3 * 3600 + 20 * 60, None,
        ),
    )  # fmt: skip
