"""The demo's little history (kmclient --demo): what each role sees at first sight."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kmclient.demo import seed_database
from kmclient.demo_story import BULKY, DRAFT, PERMIT, REFUNDS
from kmserver.attention import coverage
from kmserver.publishing.review_dates import standing
from kmserver.store import documents as docs
from kmserver.store import revisions
from kmserver.store.database import Database


def test_the_demo_starts_with_versions_a_submission_an_overdue_review_and_a_draft(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    seed_database(url)
    db = Database(url)
    try:
        with db.read() as s:
            metas = {m.id: m for m in docs.all_metas(s)}
            history = [(r.number, r.note) for r in revisions.history(s, PERMIT)]
            first = {doc_id: revisions.get(s, doc_id, 1) for doc_id in (PERMIT, REFUNDS)}
            second = revisions.get(s, PERMIT, 2)
            queue = [sub.doc_id for sub in revisions.submissions(s)]
        assert history == [(2, "Zone B fee is 600 SEK from 1 March"), (1, "First version")]
        # Version 1 (the import) is older than version 2 and a person's, not "the command
        # line" with a file name, stamped at the moment the demo started.
        assert second is not None and second.published_by == "olle"
        for doc_id, rev in first.items():
            assert rev is not None and rev.published_by == metas[doc_id].owner, doc_id
            assert rev.published_at < second.published_at, doc_id
        assert metas[REFUNDS].verified_by == "olle"  # not "just now" by nobody
        assert metas[PERMIT].pending_authors == ("olle",)  # Zone D: not published yet
        assert queue == [REFUNDS] and metas[REFUNDS].review_required
        assert metas[REFUNDS].review is not None and metas[REFUNDS].review.by == "olle"
        late = standing(metas[BULKY], datetime.now(UTC))
        assert late is not None and late.overdue
        assert metas[DRAFT].status == "draft" and metas[DRAFT].owner == "olle"
        overdue = [
            m.id for m in metas.values() if (st := standing(m, datetime.now(UTC))) and st.overdue
        ]
        assert overdue == [BULKY]
        with db.read() as s:
            report = coverage.report(coverage.facts(s, PERMIT), metas[PERMIT], set())
            broadcasts = coverage.broadcasts(s)
        assert report["rev"] == 2 and report["counts"] == {
            "total": 5,  # the reps of parking: anna and four of the team
            "acknowledged": 2,
            "opened": 1,
            "not_opened": 0,
            "not_received": 2,
        }
        assert [b["severity"] for b in broadcasts] == ["warning"]
    finally:
        db.dispose()
