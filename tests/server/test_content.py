"""Markdown import/export round-trips exactly; import is idempotent and all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kmserver.content import ContentError, export_dir, import_dir, parse_article
from kmserver.store import documents as docs
from kmserver.store.database import Database

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "kb"

TRICKY = (
    "---\nid: tricky\ntitle: 'Överklaga: så gör du 😀'\ntopics: [parking, ärenden]\n"
    "audience: [rep, owner]\nowner: olle\neditors: [karin]\nstatus: draft\n---\n"
    "# Överklaga\n\nÅÄÖ åäö — “citat” 👩‍👩‍👧 tab\there\r\nwindows line\n\n---\nnot front matter\n"
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'c.db'}")
    yield database
    database.dispose()


def test_export_then_import_is_exact(db: Database, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "tricky.md").write_bytes(TRICKY.encode())
    shutil.copy(SAMPLE / "overklaga-parkeringsbot.md", src)
    import_dir(db, src)
    export_dir(db, tmp_path / "out1", working=True)  # the draft has no published revision
    again = Database(f"sqlite:///{tmp_path / 'c2.db'}")
    import_dir(again, tmp_path / "out1")
    export_dir(again, tmp_path / "out2", working=True)
    again.dispose()
    for name in ("tricky.md", "overklaga-parkeringsbot.md"):
        first = (tmp_path / "out1" / name).read_bytes()
        assert first == (tmp_path / "out2" / name).read_bytes()
        original, exported = parse_article(src / name), parse_article(tmp_path / "out1" / name)
        assert exported.body == original.body  # bytes of the body, CRLF and emoji included
        assert exported.meta == original.meta


def test_reimport_updates_in_place_never_duplicates(db: Database, tmp_path: Path) -> None:
    first = import_dir(db, SAMPLE)
    assert len(first.created) >= 30
    second = import_dir(db, SAMPLE)
    assert second.created == [] and second.updated == []
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE, changed)
    path = changed / "parking-residential-permit.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# Residential", "# Ny: Residential"))
    third = import_dir(db, changed)
    assert third.updated == ["parking-residential-permit"]
    with db.read() as s:
        assert len(docs.live_documents(s)) == len(first.created)
        row = docs.get_document(s, "parking-residential-permit")
        assert row is not None and "# Ny: Residential" in row.body_text


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("---\nid: a\ntitle: [unclosed\n---\nx", "not valid YAML"),
        ("---\nid: a/b\n---\nx", "may hold only"),
        ("---\nid: a\naudience: [citizens]\n---\nx", "not a role"),
        ("---\nid: a\nsecret: 1\n---\nx", "unknown front matter"),
        ("---\nid: a\ntitle: x\n", "never ends"),
    ],
)
def test_a_bad_file_imports_nothing(db: Database, tmp_path: Path, text: str, complaint: str):
    src = tmp_path / "bad"
    src.mkdir()
    shutil.copy(SAMPLE / "school-choice.md", src)
    (src / "zz-bad.md").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=complaint):
        import_dir(db, src)
    with db.read() as s:
        assert docs.live_documents(s) == []


def test_non_utf8_file_is_refused(db: Database, tmp_path: Path) -> None:
    src = tmp_path / "latin1"
    src.mkdir()
    (src / "x.md").write_bytes("Överklaga".encode("latin-1"))
    with pytest.raises(ContentError, match="not UTF-8"):
        import_dir(db, src)
