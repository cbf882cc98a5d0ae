"""Codes and facts from the engine, in the reader's language.

``kmclient.core`` is Qt-free and speaks English in its own messages (logs, the
window-less CLI); everything a person sees in the app is phrased here or next
to its widget with :func:`kmclient.ui.i18n.tr`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kmclient.core.feedback_model import Flag, inbox_order
from kmclient.core.model import DocInfo
from kmclient.core.trust import SOON, Trust, parse
from kmclient.ui.i18n import ago, date_of, tr
from kmserver.protocol.textdiff import Summary


def age(then: datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``2 h ago``, ``3 d ago`` (short: lists and comments)."""
    if then is None:
        return ""
    seconds = max(0.0, ((now or datetime.now(UTC)) - then).total_seconds())
    if seconds < 60:
        return tr("just now")
    if seconds < 3600:
        return tr("%n min ago", "", int(seconds // 60))
    if seconds < 86400:
        return tr("%n h ago", "", int(seconds // 3600))
    return tr("%n d ago", "", int(seconds // 86400))


def status_word(status: str) -> str:
    """A document's state: ``draft``, ``published``, ``archived``."""
    words = {
        "draft": tr("draft", "a document's state"),
        "published": tr("published", "a document's state"),
        "archived": tr("archived", "a document's state"),
    }
    return words.get(status, status)


def reason_word(reason: str) -> str:
    """Why something was flagged: ``outdated``, ``incorrect``, ...."""
    words = {
        "outdated": tr("outdated", "a flag's reason"),
        "incorrect": tr("incorrect", "a flag's reason"),
        "unclear": tr("unclear", "a flag's reason"),
        "missing": tr("missing information", "a flag's reason"),
        "other": tr("other", "a flag's reason"),
    }
    return words.get(reason, reason)


def flag_summary(flag: Flag, now: datetime | None = None, with_note: bool = False) -> str:
    """``flagged as outdated by anna 2 h ago`` (and ``: the note``)."""
    text = tr("flagged as {reason} by {who} {when}").format(
        reason=reason_word(flag.reason), who=flag.by, when=age(flag.created_at, now)
    )
    text = text.rstrip()
    return f"{text}: {flag.note}" if with_note and flag.note else text


def open_flags_summary(flags: list[Flag], now: datetime | None = None) -> str | None:
    """The calm warning for a document and its search results: its most urgent flag."""
    if not flags:
        return None
    top = min(flags, key=inbox_order)
    more = len(flags) - 1
    extra = " " + tr("(+%n more)", "", more) if more else ""
    return flag_summary(top, now) + extra


def trust(info: DocInfo, now: datetime | None = None) -> Trust | None:
    """How current a published document is (``kmclient.core.trust.trust``, in words)."""
    if info.status != "published" or info.published is None:
        return None
    now = now or datetime.now(UTC)
    due = parse(info.review_due)
    verified = parse(info.verified_at) or parse(info.published.at)
    if due is not None and due <= now:
        return Trust(tr("review overdue since {date}").format(date=date_of(due)), True, False)
    if verified is None:
        return None
    if info.verified_by:
        text = tr("verified {when} by {who}").format(when=ago(verified, now), who=info.verified_by)
    else:
        text = tr("verified {when}").format(when=ago(verified, now))
    soon = due is not None and due - now <= SOON
    if soon and due is not None:
        days = max(1, (due - now).days)
        text += " · " + tr("review due in %n day(s)", "", days)
    return Trust(text, False, soon)


def version_line(info: DocInfo, now: datetime | None = None) -> str | None:
    """``version 3, published 12 days ago by olle``; None for a draft."""
    pub = info.published
    if pub is None:
        return None
    moment = parse(pub.at)
    when = ago(moment, now or datetime.now(UTC)) if moment else ""
    if pub.by:
        text = tr("version {rev}, published {when} by {who}").format(
            rev=pub.rev, when=when, who=pub.by
        )
    else:
        text = tr("version {rev}, published {when}").format(rev=pub.rev, when=when)
    return " ".join(text.split())


def unpublished_line(info: DocInfo, changes: int) -> str | None:
    """The editors' marker: ``3 unpublished changes by olle, karin``; None when none."""
    if changes <= 0:
        return None
    who = ", ".join(info.unpublished_by)
    if who:
        return tr("%n unpublished change(s) by {who}", "", changes).format(who=who)
    return tr("%n unpublished change(s)", "", changes)


def flag_state_word(state: str) -> str:
    """``open``, ``acknowledged``, ``resolved``, ``dismissed``."""
    words = {
        "open": tr("open", "a flag's state"),
        "acknowledged": tr("acknowledged", "a flag's state"),
        "resolved": tr("resolved", "a flag's state"),
        "dismissed": tr("dismissed", "a flag's state"),
    }
    return words.get(state, state)


def diff_words(summary: Summary) -> str:
    """``2 changes: 14 words added, 3 removed`` (``describe`` of the protocol, in words)."""
    if summary.empty:
        return tr("no changes")
    places = tr("%n change(s)", "", summary.changes)
    parts = []
    if summary.added_words:
        parts.append(tr("%n word(s) added", "", summary.added_words))
    if summary.removed_words:
        parts.append(tr("%n removed", "", summary.removed_words))
    return places + (": " + ", ".join(parts) if parts else "")
