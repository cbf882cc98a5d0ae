"""Review-by dates: pure rules (the live behaviour is in test_review.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kmserver.protocol.docmeta import DocMeta, Published
from kmserver.publishing.review_dates import due, parse_days, standing

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def meta(**changes) -> DocMeta:  # type: ignore[no-untyped-def]
    published = Published(1, "P", (), (NOW - timedelta(days=100)).isoformat(), "olle")
    return DocMeta(
        **{"id": "p", "title": "P", "status": "published", "published": published, **changes}
    )


def test_due_counts_from_the_last_verification_or_publication() -> None:
    assert due(meta(), 180) == NOW + timedelta(days=80)
    assert due(meta(review_every=90), 180) == NOW - timedelta(days=10)
    verified = (NOW - timedelta(days=5)).isoformat()
    assert due(meta(verified_at=verified, review_every=90), 180) == NOW + timedelta(days=85)
    assert due(meta(status="draft", published=None)) is None
    assert due(meta(status="archived")) is None
    late = standing(meta(review_every=90), NOW, 180)
    assert late is not None and late.overdue and not late.soon
    soon = standing(meta(review_every=110), NOW, 180)
    assert soon is not None and soon.soon and not soon.overdue


def test_intervals_in_words() -> None:
    assert [parse_days(v) for v in ("90", "90d", "12w", "6m", "1y", 30)] == [
        90,
        90,
        84,
        180,
        365,
        30,
    ]
    for bad in ("soon", "0d", "11y", "-3", ""):
        with pytest.raises(ValueError):
            parse_days(bad)
