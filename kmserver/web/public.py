"""What the public may read: the latest revision of documents whose audience has ``public``.

Who may read is decided by ``policy.can_read`` with a :class:`policy.Visitor`,
the one access path; this module only caches what it allowed (text, HTML,
search words) per revision, and tells open help pages when an article they
show gets a new revision or stops being public. A change to an internal
document reaches no help page: watchers are keyed by public ids only, and
the index's watchers hear "something public changed", never an id.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed

from kmserver import policy
from kmserver.protocol.docmeta import DocMeta
from kmserver.store import revisions
from kmserver.store.models import LOG_META, LOG_PUBLISH
from kmserver.web.search import Entry
from kmserver.writer import TailBatch

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

log = logging.getLogger(__name__)

VISITOR = policy.Visitor()
INDEX = ""  # the watcher key of index and search pages
MAX_WATCHERS = 10_000  # open help pages at once; past this a page simply is not live
CLOSE_POLICY = 1008

# CommonMark without raw HTML: an article can never inject markup or script
# into the public site (markdown-it also refuses javascript: links).
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def render(markdown: str) -> str:
    return _markdown.render(markdown)


_END = tuple(".!?:;…")


def plain(markdown: str) -> str:
    """The words a reader sees, without Markdown's marks: for snippets and search.

    Heading hashes, emphasis, link targets, list markers and code backticks are
    gone; each block (heading, paragraph, list item, table row, code block)
    becomes one sentence, so a heading does not run into the text below it.
    """
    blocks: list[str] = []
    row: list[str] | None = None  # the cells of a table row: one sentence, comma-separated
    for token in _markdown.parse(markdown):
        if token.type == "tr_open":
            row = []
            continue
        if token.type == "tr_close" and row is not None:
            text, row = ", ".join(cell for cell in row if cell), None
        elif token.type == "inline":
            parts = []
            for child in token.children or ():
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
                elif child.type == "image":
                    parts.append(child.content)  # its alt text
            text = " ".join("".join(parts).split())
        elif token.type in ("fence", "code_block"):
            text = " ".join(token.content.split())
        else:
            continue
        if row is not None:
            row.append(text)
        elif text:
            blocks.append(text if text.endswith(_END) else text + ".")
    return " ".join(blocks)


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    rev: int
    title: str
    topics: tuple[str, ...]
    published_at: str | None
    text: str
    html: str
    plain: str  # the text without Markdown's marks (snippets of search results)
    entry: Entry


class PublicArticles:
    def __init__(self, server: ServerAPI) -> None:
        self.server = server
        self._cache: dict[str, Article] = {}
        self._public: set[str] | None = None  # ids public at the last observed batch
        self._watchers: defaultdict[str, set[ServerConnection]] = defaultdict(set)
        self._count = 0

    # -- reading ------------------------------------------------------------

    def metas(self) -> list[DocMeta]:
        catalog = self.server.hub.catalog
        return [meta for meta in catalog.values() if policy.can_read(VISITOR, meta)]

    def meta(self, doc_id: str) -> DocMeta | None:
        return self.server.hub.readable(VISITOR, doc_id)

    async def articles(self) -> list[Article]:
        """Every public article at its latest revision (read once per revision)."""
        metas = self.metas()
        stale = [m for m in metas if (a := self._cache.get(m.id)) is None or a.rev != m.rev]
        if stale:
            for article in await self.server.read(_read_articles, stale):
                self._cache[article.id] = article
        out = []
        for meta in metas:
            article = self._cache.get(meta.id)
            if article is not None and article.rev == meta.rev:
                out.append(article)
        return out

    async def article(self, doc_id: str) -> Article | None:
        meta = self.meta(doc_id)
        if meta is None:
            return None
        cached = self._cache.get(doc_id)
        if cached is not None and cached.rev == meta.rev:
            return cached
        found = await self.server.read(_read_articles, [meta])
        if not found:
            return None
        self._cache[doc_id] = found[0]
        return found[0]

    # -- live pages -----------------------------------------------------------

    async def watch(self, conn: ServerConnection, key: str) -> None:
        """Hold a help page's socket open; it only ever receives."""
        if self._count >= MAX_WATCHERS:
            await conn.close(1013, "too many open help pages; reload later")
            return
        self._watchers[key].add(conn)
        self._count += 1
        try:
            async for _frame in conn:
                await conn.close(CLOSE_POLICY, "this socket only sends")
                return
        except ConnectionClosed:
            pass
        finally:
            self._count -= 1
            watchers = self._watchers.get(key)
            if watchers is not None:
                watchers.discard(conn)
                if not watchers:
                    del self._watchers[key]

    def observe(self, batch: TailBatch) -> None:
        """After each committed batch: tell the pages that show what changed.

        Only publications and metadata changes can change what the public sees,
        so a batch of keystrokes costs one pass over its entries.
        """
        touched = {
            e.doc_id for e in batch.entries if e.kind in (LOG_PUBLISH, LOG_META) and e.doc_id
        }
        if not touched:
            return
        if self._public is None:
            self._public = {meta.id for meta in self.metas()}
        index_changed = False
        for doc_id in touched:
            meta = self.meta(doc_id)
            was = doc_id in self._public
            if meta is None and not was:
                continue  # internal before and after: no page hears of it
            index_changed = True
            self._cache.pop(doc_id, None)
            if meta is None:
                self._public.discard(doc_id)
                message = {"type": "gone"}
            else:
                self._public.add(doc_id)
                message = {"type": "changed", "rev": meta.rev}
            watchers = self._watchers.get(doc_id)
            if watchers:
                broadcast(watchers, json.dumps(message))
        index = self._watchers.get(INDEX)
        if index_changed and index:
            broadcast(index, json.dumps({"type": "index"}))


def _read_articles(s, metas: list[DocMeta]) -> list[Article]:  # type: ignore[no-untyped-def]
    out = []
    for meta in metas:
        pub = meta.published
        rev = revisions.get(s, meta.id, meta.rev) if pub else None
        if pub is None or rev is None:
            continue
        text = rev.body_text
        words = plain(text)
        out.append(
            Article(
                id=meta.id,
                rev=pub.rev,
                title=pub.title,
                topics=pub.topics,
                published_at=pub.at,
                text=text,
                html=render(text),
                plain=words,
                entry=Entry(meta.id, pub.title, words),
            )
        )
    return out
