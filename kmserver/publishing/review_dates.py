"""Review-by dates: when a published document is due for its owner's check. Pure.

A document is due ``review_every`` days (its own, or the server's default)
after it was last verified; publishing a revision verifies it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kmserver.protocol.docmeta import PUBLISHED, DocMeta

DEFAULT_REVIEW_DAYS = 180
SOON_DAYS = 14  # "due soon" in the owner's inbox this long before


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def due(meta: DocMeta, default_days: int = DEFAULT_REVIEW_DAYS) -> datetime | None:
    """When it must be reviewed; None for a draft or an archived document."""
    if meta.status != PUBLISHED or meta.deleted:
        return None
    base = parse_time(meta.verified_at) or parse_time(meta.published.at if meta.published else None)
    if base is None:
        return None
    return base + timedelta(days=meta.review_every or default_days)


@dataclass(frozen=True, slots=True)
class Standing:
    due: datetime
    overdue: bool
    soon: bool  # due within SOON_DAYS (and not overdue)


def standing(
    meta: DocMeta, now: datetime, default_days: int = DEFAULT_REVIEW_DAYS
) -> Standing | None:
    when = due(meta, default_days)
    if when is None:
        return None
    overdue = when <= now
    return Standing(when, overdue, not overdue and when - now <= timedelta(days=SOON_DAYS))


def parse_days(text: str | int) -> int:
    """``90``, ``90d``, ``12w``, ``6m`` (30 days each) or ``1y`` as days; ValueError otherwise."""
    if isinstance(text, int) and not isinstance(text, bool):
        days = text
    else:
        raw = str(text).strip().lower()
        units = {"d": 1, "w": 7, "m": 30, "y": 365}
        unit = units.get(raw[-1:])
        number = raw[:-1] if unit else raw
        if not number.isdigit():
            raise ValueError(f"'{text}' is not a review interval like 90d, 12w, 6m or 1y")
        days = int(number) * (unit or 1)
    if not 1 <= days <= 3650:
        raise ValueError("a review interval is 1 day to 10 years")
    return days
