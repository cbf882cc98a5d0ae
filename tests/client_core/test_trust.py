"""The words a reader trusts a document by (header and search results)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kmclient.core.model import DocInfo
from kmclient.core.trust import ago, trust, unpublished_line, version_line
from kmserver.protocol.docmeta import Published

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def doc(**changes) -> DocInfo:  # type: ignore[no-untyped-def]
    published = Published(3, "Parkering", (), (NOW - timedelta(days=12)).isoformat(), "olle")
    base = {
        "id": "p",
        "title": "Parkering",
        "status": "published",
        "published": published,
        "verified_at": published.at,
        "verified_by": "olle",
        "review_due": (NOW + timedelta(days=80)).isoformat(),
    }
    return DocInfo(**{**base, **changes})


def test_verified_soon_due_and_overdue() -> None:
    assert trust(doc(), NOW).text == "verified 12 days ago by olle"
    soon = trust(doc(review_due=(NOW + timedelta(days=5)).isoformat()), NOW)
    assert soon.due_soon and soon.text.endswith("review due in 5 days")
    late = trust(doc(review_due=(NOW - timedelta(days=3)).isoformat()), NOW)
    assert late.overdue and late.text.startswith("review overdue since 26 Nov 2026")
    assert trust(doc(status="draft", published=None), NOW) is None
    assert trust(doc(status="archived"), NOW) is None


def test_version_and_unpublished_lines() -> None:
    assert version_line(doc(), NOW) == "version 3, published 12 days ago by olle"
    assert version_line(doc(published=None)) is None
    info = doc(unpublished_by=("olle", "karin"))
    assert unpublished_line(info, 3) == "3 unpublished changes by olle, karin"
    assert unpublished_line(info, 1) == "1 unpublished change by olle, karin"
    assert unpublished_line(info, 0) is None


def test_ages_in_words() -> None:
    for seconds, words in [
        (5, "just now"),
        (300, "5 min ago"),
        (7200, "2 h ago"),
        (86400 * 1.5, "yesterday"),
        (86400 * 40, "40 days ago"),
        (86400 * 200, "6 months ago"),
        (86400 * 800, "2 years ago"),
    ]:
        assert ago(NOW - timedelta(seconds=seconds), NOW) == words
