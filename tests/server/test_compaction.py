"""Compaction in three steps (read and merge outside the write lock; write the merged
row; later, sweep the rows it made redundant, many documents at once): nothing written
in between is lost, the log reads the same at every step, and a compaction overtaken by
another changes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from pycrdt import Doc, Text
from sqlalchemy import func, select

from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.ytext import body, new_doc
from kmserver.store import documents as docs
from kmserver.store.database import Database
from kmserver.store.documents import Compaction
from kmserver.store.models import LOG_UPDATE, Document, LogEntry


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'server.db'}")
    yield database
    database.dispose()


def sweep_all(s, compactions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The whole sweep in one transaction, as the idle writer does it: every redundant
    row of each compaction, then the settling; the rows removed per document."""
    removed: dict[str, int] = {}
    for c in compactions:
        removed[c.doc_id] = removed.get(c.doc_id, 0) + docs.sweep_range(s, [c], c.first, c.keep)
    docs.settle_swept(s, removed)
    return removed


class Editor:
    """A client's Doc whose every edit is written to the log as the server would."""

    def __init__(self, db: Database, doc_id: str) -> None:
        self.db, self.doc_id = db, doc_id
        self.ydoc = Doc()
        self.text = self.ydoc.get("body", type=Text)
        with db.write() as s, s.begin():
            meta = DocMeta(id=doc_id, title=doc_id, topics=(), audience=("rep",), owner="sara")
            docs.create_document(s, meta, self.ydoc.get_update(), "", "sara", "w")

    def edit(self, n: int, tag: str) -> None:
        for i in range(n):
            before = self.ydoc.get_state()
            self.text.insert(len(self.text), f"<{tag}{i}>")
            with self.db.write() as s, s.begin():
                seq = docs.append_log(
                    s, self.doc_id, LOG_UPDATE, self.ydoc.get_update(before), "sara", "w"
                )
                docs.record_updates(s, self.doc_id, seq, 1, "sara", str(self.text))

    def stored(self) -> tuple[str, int, int]:
        """The text the log holds, its update rows, and the row count the document keeps."""
        with self.db.read() as s:
            text = str(body(new_doc(docs.full_state(s, self.doc_id))))
            rows = s.scalar(
                select(func.count()).where(
                    LogEntry.doc_id == self.doc_id, LogEntry.kind == LOG_UPDATE
                )
            )
            kept = s.get(Document, self.doc_id).update_rows
        return text, rows, kept


def test_edits_written_between_merging_and_applying_are_kept(db: Database) -> None:
    editor = Editor(db, "parking")
    editor.edit(30, "a")
    with db.read() as s:
        compaction = docs.prepare_compaction(s, "parking")
    assert compaction is not None
    editor.edit(5, "b")  # while the compactor's merge waits for a batch
    with db.write() as s, s.begin():
        assert docs.apply_compaction(s, compaction)
    text, rows, kept = editor.stored()
    assert text == str(editor.text) and rows == kept == 1 + 30 + 5  # redundant, not gone
    editor.edit(2, "c")  # while it waits for the sweep
    with db.write() as s, s.begin():
        removed = sweep_all(s, [compaction])
    text, rows, kept = editor.stored()
    assert removed == {"parking": 30}  # the first row and 30 edits became one row
    assert text == str(editor.text) and "<c1>" in text
    assert all(f"<a{i}>" in text for i in range(30)) and "<b4>" in text
    assert rows == kept == 1 + 5 + 2


def read_twice(db: Database, doc_id: str, n: int) -> tuple[Editor, Compaction, Compaction]:
    """A document merged by the compactor after ``n`` edits and again after ``n`` more,
    neither applied yet."""
    editor = Editor(db, doc_id)
    merged = []
    for tag in ("a", "b"):
        editor.edit(n, tag)
        with db.read() as s:
            merged.append(docs.prepare_compaction(s, doc_id))
    first, second = merged
    assert first is not None and second is not None
    return editor, first, second


def test_a_compaction_overtaken_by_a_newer_one_changes_nothing(db: Database) -> None:
    editor, old, newer = read_twice(db, "school", 10)
    with db.write() as s, s.begin():
        assert docs.apply_compaction(s, newer)
        assert sweep_all(s, [newer]) == {"school": 20}
    with db.write() as s, s.begin():
        assert not docs.apply_compaction(s, old)  # its newest row is already folded in
    text, rows, kept = editor.stored()
    assert text == str(editor.text) and rows == kept == 1


def test_a_compaction_whose_range_holds_an_earlier_merged_row_keeps_everything(
    db: Database,
) -> None:
    editor, small, wide = read_twice(db, "styleguide", 6)
    with db.write() as s, s.begin():
        assert docs.apply_compaction(s, small)
        assert sweep_all(s, [small]) == {"styleguide": 6}
    with db.write() as s, s.begin():  # small's merged row lies inside wide's range
        assert docs.apply_compaction(s, wide)
        assert sweep_all(s, [wide]) == {"styleguide": 6}
    text, rows, kept = editor.stored()
    assert text == str(editor.text) and rows == kept == 1


def test_one_sweep_takes_many_documents(db: Database) -> None:
    editors = [Editor(db, f"doc{i}") for i in range(3)]
    for round_ in range(4):  # interleaved, as documents edited together are
        for editor in editors:
            editor.edit(2, f"r{round_}")
    compactions = []
    with db.read() as s:
        compactions = [docs.prepare_compaction(s, e.doc_id) for e in editors]
    with db.write() as s, s.begin():
        for c in compactions:
            assert c is not None and docs.apply_compaction(s, c)
        assert sweep_all(s, compactions) == {e.doc_id: 8 for e in editors}  # type: ignore[arg-type]
    for editor in editors:
        text, rows, kept = editor.stored()
        assert text == str(editor.text) and rows == kept == 1


def test_fewer_than_two_rows_need_no_merge(db: Database) -> None:
    Editor(db, "fresh")
    with db.read() as s:
        assert docs.prepare_compaction(s, "fresh") is None


def test_a_sweep_in_slices_reads_the_same_at_every_step_and_recounts(db: Database) -> None:
    """The server sweeps a slice of sequence numbers per batch: between slices every
    document reads the same, and the count of rows is settled exactly at the end, even
    when a sweep cut short (a crash between slices) had left it too high."""
    editors = [Editor(db, f"doc{i}") for i in range(3)]
    for round_ in range(5):  # interleaved, as documents edited together are
        for editor in editors:
            editor.edit(3, f"r{round_}")
    with db.read() as s:
        compactions = [docs.prepare_compaction(s, e.doc_id) for e in editors]
    assert all(c is not None and c.rows == 16 for c in compactions)
    with db.write() as s, s.begin():
        for c in compactions:
            assert c is not None and docs.apply_compaction(s, c)
    lo, hi = docs.sweep_bounds(compactions)  # type: ignore[arg-type]
    cuts = [*range(lo, hi, 7), hi]
    removed = 0
    for start, stop in itertools.pairwise(cuts):
        with db.write() as s, s.begin():
            removed += docs.sweep_range(s, compactions, start, stop)  # type: ignore[arg-type]
        for editor in editors:
            text, rows, kept = editor.stored()
            assert text == str(editor.text)
            assert kept == 16  # counted again only when the sweep is settled
    assert removed == 3 * 15
    editors[0].edit(2, "late")  # written before the sweep is settled: counted too
    with db.write() as s, s.begin():
        counts = docs.settle_swept(s, [e.doc_id for e in editors])
    assert counts == {"doc0": 3, "doc1": 1, "doc2": 1}
    for editor in editors:
        text, rows, kept = editor.stored()
        assert text == str(editor.text) and rows == kept == counts[editor.doc_id]
