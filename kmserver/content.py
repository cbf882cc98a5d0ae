"""Markdown files with YAML front matter in and out of the store.

Import is all-or-nothing: every file is parsed and checked first, and one bad
file means nothing is written. Importing again updates documents in place
(a minimal CRDT edit of the body, so live editors keep their carets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import EVERYONE, ProtocolError, valid_doc_id, validate_meta
from kmserver.protocol.ytext import body, new_doc, replace_text, text_to_update
from kmserver.store import documents as docs
from kmserver.store.database import Database

FENCE = "---\n"
KNOWN_KEYS = ("id", "title", "topics", "audience", "owner", "editors", "status")


class ContentError(ValueError):
    pass


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    meta: DocMeta
    body: str
    source: Path


def _as_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ContentError(f"{path}: '{key}' must be a name or a list of names")


def parse_article(path: Path) -> Article:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    text = text.removeprefix("\ufeff")
    front: dict[str, Any] = {}
    content = text
    if text.startswith(FENCE):
        end = text.find("\n" + FENCE, len(FENCE) - 1)
        if end < 0:
            raise ContentError(f"{path}: front matter starts with '---' but never ends")
        try:
            front = yaml.safe_load(text[len(FENCE) : end + 1]) or {}
        except yaml.YAMLError as exc:
            raise ContentError(f"{path}: front matter is not valid YAML: {exc}") from exc
        if not isinstance(front, dict):
            raise ContentError(f"{path}: front matter must be a mapping of keys to values")
        content = text[end + 1 + len(FENCE) :]
    unknown = set(front) - set(KNOWN_KEYS)
    if unknown:
        raise ContentError(f"{path}: unknown front matter keys: {', '.join(sorted(unknown))}")
    doc_id = str(front.get("id", path.stem))
    if not valid_doc_id(doc_id):
        raise ContentError(f"{path}: id '{doc_id}' may hold only letters, digits, '-', '_', '.'")
    title = front.get("title") or _first_heading(content) or doc_id
    owner = front.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise ContentError(f"{path}: 'owner' must be one user name")
    meta = DocMeta(
        id=doc_id,
        title=str(title),
        topics=_as_list(front.get("topics"), "topics", path),
        audience=_as_list(front.get("audience", [EVERYONE]), "audience", path),
        owner=owner,
        editors=_as_list(front.get("editors"), "editors", path),
        status=str(front.get("status", "published")),
    )
    try:
        validate_meta({"title": meta.title, "audience": meta.audience, "status": meta.status})
    except ProtocolError as exc:
        raise ContentError(f"{path}: {exc}") from exc
    return Article(meta, content, path)


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
    if meta.status != "published":
        front["status"] = meta.status
    dumped = yaml.safe_dump(
        front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return FENCE + dumped + FENCE + markdown


def import_dir(db: Database, directory: Path, writer: str = "import") -> ImportReport:
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
        for doc_id, article in articles.items():
            row = docs.get_document(s, doc_id)
            author = article.meta.owner
            if row is None:
                update = text_to_update(article.body)
                docs.create_document(s, article.meta, update, article.body, author, writer)
                report.created.append(doc_id)
                continue
            changed = False
            ydoc = new_doc(docs.full_state(s, doc_id))
            before = ydoc.get_state()
            if replace_text(body(ydoc), article.body):
                docs.append_update(s, row, ydoc.get_update(before), article.body, author, writer)
                changed = True
            meta_changes = _meta_changes(docs.to_meta(row), article.meta)
            if row.deleted:
                meta_changes["deleted"] = False
            if meta_changes:
                docs.set_meta(s, row, meta_changes, author, writer)
                changed = True
            (report.updated if changed else report.unchanged).append(doc_id)
    return report


def _meta_changes(current: DocMeta, wanted: DocMeta) -> dict[str, Any]:
    names = ("title", "topics", "audience", "owner", "editors", "status")
    return {n: getattr(wanted, n) for n in names if getattr(current, n) != getattr(wanted, n)}


def export_dir(db: Database, directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with db.read() as s:
        for row in docs.live_documents(s):
            path = directory / f"{row.id}.md"
            path.write_bytes(render_article(docs.to_meta(row), row.body_text).encode("utf-8"))
            written.append(row.id)
    return written
