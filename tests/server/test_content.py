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


# -- issue 10, item 2: front matter that is not read must never widen an audience ------

SECRET = (
    "---\nid: threat-routine\ntitle: Threat routine\naudience: [supervisor]\n"
    "owner: sara\n---\n# Threat routine\n\nCall security.\n"
)


def _stored(db: Database, doc_id: str):  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = docs.get_document(s, doc_id)
        assert row is not None
        return docs.to_meta(row), row.body_text


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.replace("\n", "\r\n").encode(),  # Windows line endings
        lambda t: b"\xef\xbb\xbf" + t.encode(),  # a byte-order mark
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),  # both
        lambda t: t.replace("---\n", "---  \n").encode(),  # blanks after the fences
    ],
    ids=["crlf", "bom", "bom-crlf", "trailing-blanks"],
)
def test_front_matter_is_read_whatever_the_line_endings(
    db: Database, tmp_path: Path, encode
) -> None:
    src = tmp_path / "kb"
    src.mkdir()
    (src / "threat.md").write_bytes(encode(SECRET))
    import_dir(db, src)
    meta, text = _stored(db, "threat-routine")
    assert meta.audience == ("supervisor",) and meta.owner == "sara"
    assert "audience" not in text and "---" not in text
    assert text.replace("\r\n", "\n") == "# Threat routine\n\nCall security.\n"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("\n" + SECRET, "must start on the first line"),
        ("  \r\n" + SECRET.replace("\n", "\r\n"), "must start on the first line"),
        ("---\r\nid: x\r\naudience: [supervisor]\r\n", "never ends"),
        ("---\nid: x\naudience: [supervisor]\n--- \nbody\n---", None),  # fine: closes
        ("---\nid: [1, 2]\n---\nx", "must be text"),
        ("---\ntitle: {a: 1}\n---\nx", "must be text"),
        ("---\nid: x\ntitle: " + "t" * 201 + "\n---\nx", "longer than 200"),
        ("---\nid: x\naudience: []\n---\nx", "is empty"),
        ("---\n- just\n- a list\n---\nx", "must be a mapping"),
    ],
)
def test_front_matter_that_cannot_be_read_is_refused(
    db: Database, tmp_path: Path, text: str, complaint: str | None
) -> None:
    src = tmp_path / "kb"
    src.mkdir()
    (src / "a.md").write_bytes(text.encode())
    if complaint is None:
        import_dir(db, src)
        assert _stored(db, "x")[0].audience == ("supervisor",)
        return
    with pytest.raises(ContentError, match=complaint):
        import_dir(db, src)
    with db.read() as s:
        assert docs.live_documents(s) == []


def test_a_missing_audience_never_means_everyone(db: Database, tmp_path: Path) -> None:
    src = tmp_path / "kb"
    src.mkdir()
    (src / "plain.md").write_text("# Just Markdown\n\nNo front matter at all.\n")
    (src / "partial.md").write_text("---\nid: partial\ntitle: Partial\n---\nText.\n")
    report = import_dir(db, src)
    assert sorted(report.restricted) == ["partial", "plain"]
    assert _stored(db, "plain")[0].audience == ("supervisor",)
    assert _stored(db, "partial")[0].audience == ("supervisor",)
    # an existing document keeps the audience it has when a file names none
    (src / "partial.md").write_text("---\nid: partial\ntitle: Partial\naudience: [rep]\n---\nT\n")
    import_dir(db, src)
    (src / "partial.md").write_text("---\nid: partial\ntitle: Partial\n---\nText again.\n")
    again = import_dir(db, src)
    assert again.restricted == [] and again.updated == ["partial"]
    assert _stored(db, "partial")[0].audience == ("rep",)
