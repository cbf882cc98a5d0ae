"""Words a reader trusts a document by: its version, when it was last verified, whether
its review is overdue; and the editors' line about unpublished changes. Pure.

Shown in the document's header and beside search results, so a rep on a call
sees at a glance whether the answer is current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kmclient.core.model import DocInfo

SOON = timedelta(days=14)


def parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ago(moment: datetime, now: datetime) -> str:
    """ "just now", "5 min ago", "3 h ago", "yesterday", "12 days ago", "4 months ago"."""
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


@dataclass(frozen=True, slots=True)
class Trust:
    text: str  # "verified 12 days ago by olle", "review overdue (due 3 Mar)"
    overdue: bool
    due_soon: bool


def trust(info: DocInfo, now: datetime | None = None) -> Trust | None:
    """How current a published document is; None for drafts and archived ones."""
    if info.status != "published" or info.published is None:
        return None
    now = now or datetime.now(UTC)
    due = parse(info.review_due)
    verified = parse(info.verified_at) or parse(info.published.at)
    if due is not None and due <= now:
        local = due.astimezone()
        return Trust(f"review overdue since {local.day} {local:%b %Y}", True, False)
    if verified is None:
        return None
    by = f" by {info.verified_by}" if info.verified_by else ""
    text = f"verified {ago(verified, now)}{by}"
    soon = due is not None and due - now <= SOON
    if soon and due is not None:
        days = max(1, (due - now).days)
        text += f" · review due in {days} day{'s' if days != 1 else ''}"
    return Trust(text, False, soon)


def version_line(info: DocInfo, now: datetime | None = None) -> str | None:
    """ "version 3, published 12 days ago by olle"; None for a draft."""
    pub = info.published
    if pub is None:
        return None
    now = now or datetime.now(UTC)
    when = parse(pub.at)
    by = f" by {pub.by}" if pub.by else ""
    return f"version {pub.rev}, published {ago(when, now) if when else ''}{by}".replace(
        "published  by", "published by"
    )


def unpublished_line(info: DocInfo, changes: int) -> str | None:
    """The editors' marker: "3 unpublished changes by olle, karin"; None when none."""
    if changes <= 0:
        return None
    who = ", ".join(info.unpublished_by)
    what = "1 unpublished change" if changes == 1 else f"{changes} unpublished changes"
    return f"{what} by {who}" if who else what
