"""Markdown files with YAML front matter in and out of the store.

Import is all-or-nothing: every file is parsed and checked first, and one bad
file means nothing is written. Front matter opens on the first line (after
a byte-order mark, if any) with ``---`` and closes with a line ``---``;
Windows line endings are fine. A file whose front matter cannot be read is
refused, never imported with its front matter as text. A document without
``audience`` is for supervisors only when it is new (the narrowest audience:
nothing is published wider than someone wrote), and keeps its audience when
it exists. Importing again updates working copies in
place (a minimal CRDT edit of the body, so live editors keep their carets)
and publishes a new revision of each document whose content changed, with
the file's name as the change note; importing the same files again changes
nothing. Export writes the latest published revisions, or the working copies.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from kmserver.feedback.context import RecordContext
from kmserver.protocol.docmeta import ARCHIVED, DRAFT, PUBLISHED, DocMeta
from kmserver.protocol.messages import MAX_TEXT, ProtocolError, valid_doc_id, validate_meta
from kmserver.protocol.ytext import body, replace_text, text_to_update
from kmserver.publishing.ops import publish_state
from kmserver.publishing.review_dates import parse_days
from kmserver.store import documents as docs
from kmserver.store import revisions, row_bookkeeping
from kmserver.store.database import Database
from kmserver.store.models import LOG_UPDATE
from kmserver.writer import WriteContext

FENCE = "---\n"
KNOWN_KEYS = (
    "id",
    "title",
    "topics",
    "audience",
    "owner",
    "editors",
    "status",
    "review_required",
    "review_every",
)
IMPORT_STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
# A new document whose file names no audience: supervisors only (README, "Import").
DEFAULT_AUDIENCE = ("supervisor",)
MAX_FILE_BYTES = 4 * 1024 * 1024
# The fences: "---" alone on a line (trailing blanks and a CR allowed).
_OPEN = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


class ContentError(ValueError):
    pass


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # got a new revision
    # new documents whose file named no audience: imported for supervisors only
    restricted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    meta: DocMeta
    body: str
    source: Path
    audience_given: bool = True  # False: the file names no audience (see DEFAULT_AUDIENCE)


def _as_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if len(value) > 100 or any(not v.strip() or len(v) > MAX_TEXT for v in value):
            raise ContentError(f"{path}: '{key}' must be at most 100 names of 1-200 characters")
        return tuple(value)
    raise ContentError(f"{path}: '{key}' must be a name or a list of names")


def _name(value: Any, key: str, path: Path) -> str | None:
    """A scalar front matter value as text (titles may be numbers or dates)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        raise ContentError(f"{path}: '{key}' must be text")
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ContentError(f"{path}: '{key}' is longer than {MAX_TEXT} characters")
    return text


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any] | None, str]:
    """(front matter, body) of a file's text; (None, text) without front matter.
    ContentError for front matter that is there but cannot be read."""
    opening = _OPEN.match(text)
    if opening is None:
        first = text.lstrip("\r\n\t ").split("\n", 1)[0].strip()
        if first == "---":
            raise ContentError(
                f"{path}: front matter must start on the first line with '---'; "
                "nothing before it, not even blank lines"
            )
        if text.startswith("---") and text.split("\n", 1)[0].strip() == "---":
            raise ContentError(f"{path}: front matter starts with '---' but never ends")
        return None, text
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise ContentError(f"{path}: front matter starts with '---' but never ends")
    try:
        front = yaml.safe_load(text[opening.end() : closing.start()]) or {}
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ContentError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(front, dict):
        raise ContentError(f"{path}: front matter must be a mapping of keys to values")
    return front, text[closing.end() :]


def parse_article(path: Path) -> Article:
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    text = text.removeprefix("\ufeff")
    parsed, content = split_front_matter(text, path)
    front: dict[str, Any] = parsed or {}
    unknown = {str(key) for key in front} - set(KNOWN_KEYS)
    if unknown:
        raise ContentError(f"{path}: unknown front matter keys: {', '.join(sorted(unknown))}")
    doc_id = _name(front.get("id"), "id", path) or path.stem
    if not valid_doc_id(doc_id):
        raise ContentError(f"{path}: id '{doc_id}' may hold only letters, digits, '-', '_', '.'")
    title = _name(front.get("title"), "title", path) or _first_heading(content) or doc_id
    owner = front.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise ContentError(f"{path}: 'owner' must be one user name")
    status = _name(front.get("status"), "status", path) or PUBLISHED
    if status not in IMPORT_STATUSES:
        raise ContentError(f"{path}: status must be one of {', '.join(IMPORT_STATUSES)}")
    required = front.get("review_required", False)
    if not isinstance(required, bool):
        raise ContentError(f"{path}: 'review_required' must be true or false")
    every = front.get("review_every")
    try:
        review_every = parse_days(every) if every is not None else None
    except (ValueError, TypeError) as exc:
        raise ContentError(f"{path}: {exc}") from exc
    given = front.get("audience") is not None
    audience = _as_list(front.get("audience"), "audience", path) if given else DEFAULT_AUDIENCE
    if given and not audience:
        raise ContentError(f"{path}: 'audience' is empty; name roles or 'everyone'")
    meta = DocMeta(
        id=doc_id,
        title=title[:MAX_TEXT].strip() or doc_id,
        topics=_as_list(front.get("topics"), "topics", path),
        audience=audience,
        owner=_name(owner, "owner", path),
        editors=_as_list(front.get("editors"), "editors", path),
        status=status,
        review_required=required,
        review_every=review_every,
    )
    try:
        validate_meta({"title": meta.title, "audience": meta.audience})
    except ProtocolError as exc:
        raise ContentError(f"{path}: {exc}") from exc
    return Article(meta, content, path, audience_given=given)


def _first_heading(content: str) -> str | None:
    for line in content.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def render_article(meta: DocMeta, markdown: str) -> str:
    front: dict[str, Any] = {
        "id": meta.id,
        "title": meta.title,
        "topics": list(meta.topics),
        "audience": list(meta.audience),
    }
    if meta.owner:
        front["owner"] = meta.owner
    if meta.editors:
        front["editors"] = list(meta.editors)
    if meta.status != PUBLISHED:
        front["status"] = meta.status
    if meta.review_required:
        front["review_required"] = True
    if meta.review_every:
        front["review_every"] = f"{meta.review_every}d"
    dumped = yaml.safe_dump(
        front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return FENCE + dumped + FENCE + markdown


def import_dir(
    db: Database, directory: Path, writer: str = "import", by: str | None = None
) -> ImportReport:
    """Import every ``*.md`` of ``directory`` in one transaction (see the module's notes).
    ``by`` is who the revisions are published by (None: the import itself)."""
    files = sorted(directory.glob("*.md"))
    if not files:
        raise ContentError(f"{directory}: no .md files")
    errors: list[str] = []
    articles: dict[str, Article] = {}
    for path in files:
        try:
            article = parse_article(path)
        except ContentError as exc:
            errors.append(str(exc))
            continue
        if article.meta.id in articles:
            other = articles[article.meta.id].source.name
            errors.append(f"{path}: id '{article.meta.id}' is also used by {other}")
        articles[article.meta.id] = article
    if errors:
        raise ContentError("nothing imported:\n" + "\n".join(errors))
    report = ImportReport()
    with db.write() as s, s.begin():
        ctx = WriteContext(s, OrderedDict(), writer)
        rc = RecordContext(ctx, datetime.now(UTC))
        for doc_id, article in articles.items():
            changed = _import_one(rc, article, by, report)
            if changed is None:
                report.created.append(doc_id)
                if not article.audience_given:
                    report.restricted.append(doc_id)
            else:
                (report.updated if changed else report.unchanged).append(doc_id)
        ctx.finish()
        revisions.add_audit(
            s,
            rc.now,
            by,
            "import",
            None,
            {
                "dir": str(directory),
                "created": len(report.created),
                "updated": len(report.updated),
                "published": len(report.published),
            },
        )
    return report


def _import_one(
    rc: RecordContext, article: Article, by: str | None, report: ImportReport
) -> bool | None:
    """Bring one document in line with its file; None if it was created, else whether
    anything changed."""
    s, meta = rc.s, article.meta
    row = docs.get_document(s, meta.id)
    created = row is None
    changed = False
    if row is None:
        docs.create_document(
            s, meta, text_to_update(article.body), article.body, meta.owner, rc.ctx.writer_id
        )
        row = docs.get_document(s, meta.id)
        assert row is not None
    else:
        ydoc = rc.ctx.load(meta.id)
        before = ydoc.get_state()
        if replace_text(body(ydoc), article.body):
            update = ydoc.get_update(before)
            seq = docs.append_log(s, meta.id, LOG_UPDATE, update, meta.owner, rc.ctx.writer_id)
            rc.ctx.wrote(meta.id, seq, LOG_UPDATE, update, meta.owner)
            changed = True
        meta_changes = _meta_changes(docs.to_meta(row), meta)
        if not article.audience_given:
            meta_changes.pop("audience", None)  # an existing document keeps its audience
        if row.deleted:
            meta_changes["deleted"] = False
        if meta_changes:
            docs.set_meta(s, row, meta_changes, meta.owner, rc.ctx.writer_id)
            changed = True
    if meta.status == ARCHIVED:
        if row.status != ARCHIVED:
            docs.set_meta(s, row, {"status": ARCHIVED}, by, rc.ctx.writer_id)
            changed = True
        return None if created else changed
    latest = revisions.get(s, meta.id, row.published_rev) if row.published_rev else None
    wanted = (article.body, meta.title, list(meta.topics))
    same = latest is not None and (latest.body_text, latest.title, list(latest.topics)) == wanted
    if meta.status == PUBLISHED and not same:
        ydoc = rc.ctx.load(meta.id)
        publish_state(
            rc,
            row,
            ydoc.get_update(),
            article.body,
            by,
            article.source.name,
            title=meta.title,
            topics=list(meta.topics),
            contributors=[],
            tell=not created,  # a first import is no news to anyone
        )
        report.published.append(meta.id)
        changed = True
    elif meta.status == PUBLISHED and row.status == ARCHIVED:
        docs.set_meta(s, row, {"status": PUBLISHED}, by, rc.ctx.writer_id)  # brought back
        changed = True
    return None if created else changed


def _meta_changes(current: DocMeta, wanted: DocMeta) -> dict[str, Any]:
    names = ("title", "topics", "audience", "owner", "editors", "review_required", "review_every")
    return {n: getattr(wanted, n) for n in names if getattr(current, n) != getattr(wanted, n)}


def export_dir(db: Database, directory: Path, *, working: bool = False) -> list[str]:
    """Write each document's latest published revision (drafts are skipped), or with
    ``working`` each working copy, as ``<id>.md``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with db.read() as s:
        for row in docs.live_documents(s):
            meta = docs.meta_of(s, row)
            if working:
                text = row_bookkeeping.working_text(s, row)  # the row may lag the log
            else:
                latest = revisions.get(s, row.id, row.published_rev) if row.published_rev else None
                if latest is None:
                    continue
                meta = meta.with_changes(title=latest.title, topics=tuple(latest.topics or ()))
                text = latest.body_text
            path = directory / f"{row.id}.md"
            path.write_bytes(render_article(meta, text).encode("utf-8"))
            written.append(row.id)
    return written
