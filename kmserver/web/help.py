"""The public help centre at /help/: index by topic, search, one page per article.

Server-rendered HTML (it works without JavaScript and is what search engines
read); ``/static/help.js`` only makes search answer as you type and keeps an
open page live. Every page is built from :class:`PublicArticles`, which holds
only what ``policy.can_read`` lets a visitor read: an internal document's id,
title or topic is never in any answer, and a URL naming it gets the very same
404 as one naming nothing.

URLs are stable: ``/help/articles/<document id>``, ``/help/topics/<topic>``,
``/help/search?q=``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, quote, unquote, urlsplit

from websockets.http11 import Request, Response

from kmserver.web import http
from kmserver.web.public import Article, PublicArticles
from kmserver.web.search import search, snippet

MAX_QUERY = 200
LANGS = ("en", "sv")

TEXT = {
    "en": {
        "site": "Help centre",
        "lead": "Answers to common questions. Search, or browse by topic.",
        "search": "Search the help centre",
        "go": "Search",
        "topics": "Topics",
        "results": "{n} articles match “{q}”",
        "result": "1 article matches “{q}”",
        "none": "No article matches “{q}”. Try fewer or other words.",
        "updated": "Updated {date}",
        "all": "All topics",
        "missing": "There is no such page.",
        "missing_title": "Page not found",
        "gone": "This article is no longer available.",
        "changed": "This article was just updated.",
        "lang": "Svenska",
        "staff": "Staff sign-in",
        "empty": "No articles yet.",
    },
    "sv": {
        "site": "Hjälpcentrum",
        "lead": "Svar på vanliga frågor. Sök, eller bläddra bland ämnen.",
        "search": "Sök i hjälpcentrum",
        "go": "Sök",
        "topics": "Ämnen",
        "results": "{n} artiklar matchar ”{q}”",
        "result": "1 artikel matchar ”{q}”",
        "none": "Ingen artikel matchar ”{q}”. Prova färre eller andra ord.",
        "updated": "Uppdaterad {date}",
        "all": "Alla ämnen",
        "missing": "Sidan finns inte.",
        "missing_title": "Sidan hittades inte",
        "gone": "Artikeln finns inte längre.",
        "changed": "Artikeln uppdaterades nyss.",
        "lang": "English",
        "staff": "Inloggning för personal",
        "empty": "Inga artiklar än.",
    },
}


def _after_title(article: Article) -> str:
    """The article's words for a snippet, without the title it opens with: the hit's
    link above the snippet shows the title already."""
    text, opening = article.plain, f"{article.title}."
    if text.casefold().startswith(opening.casefold()):
        return text[len(opening) :].lstrip() or text
    return text


def language(request: Request) -> str:
    query = parse_qs(urlsplit(request.path).query)
    asked = query.get("lang", [""])[0]
    if asked in LANGS:
        return asked
    cookie = http.cookies(request).get("kmdesk_lang")
    if cookie in LANGS:
        return cookie
    accept = (request.headers.get("Accept-Language") or "").lower()
    first = accept.split(",")[0].strip()
    return "sv" if first.startswith(("sv", "nb", "nn", "da")) else "en"


def topic_label(topic: str) -> str:
    return topic.replace("-", " ").replace("_", " ").capitalize()


def _date(iso: str | None, lang: str) -> str:
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return when.date().isoformat() if lang == "sv" else when.strftime("%-d %B %Y")


class HelpCentre:
    def __init__(self, public: PublicArticles) -> None:
        self.public = public

    async def route(self, request: Request) -> Response | None:
        """The answer to a /help/ URL; None for the live socket (a handshake)."""
        url = urlsplit(request.path)
        path = url.path
        lang = language(request)
        if path in ("/help", "/help/index.html"):
            return http.redirect("/help/")
        if path == "/help/":
            return await self._index(lang)
        if path == "/help/search":
            q = parse_qs(url.query).get("q", [""])[0][:MAX_QUERY]
            part = parse_qs(url.query).get("part", [""])[0] == "results"
            return await self._search(q, lang, part)
        # Ids and topics may hold any letter ("överklaga"): links carry them percent-encoded.
        if path.startswith("/help/articles/"):
            return await self._article(unquote(path.removeprefix("/help/articles/")), lang)
        if path.startswith("/help/topics/"):
            return await self._topic(unquote(path.removeprefix("/help/topics/")), lang)
        return self._missing(lang)

    # -- pages ----------------------------------------------------------------

    async def _index(self, lang: str) -> Response:
        t = TEXT[lang]
        articles = await self.public.articles()
        by_topic = _by_topic(articles)
        if not by_topic:
            body = f"<p>{t['empty']}</p>"
        else:
            sections = []
            for topic in sorted(by_topic, key=topic_label):
                items = "".join(_item(a) for a in by_topic[topic])
                sections.append(
                    f'<section class="topic"><h2><a href="/help/topics/{quote(topic)}">'
                    f"{escape(topic_label(topic))}</a></h2><ul>{items}</ul></section>"
                )
            body = f'<div class="topics">{"".join(sections)}</div>'
        lead = f'<p class="lead">{t["lead"]}</p>'
        return http.html(200, self._page(lang, t["site"], lead + body, live="", h1=t["site"]))

    async def _topic(self, topic: str, lang: str) -> Response:
        articles = [a for a in await self.public.articles() if topic in (a.topics or ("general",))]
        if not articles:
            return self._missing(lang)  # topics of internal documents do not exist here
        label = topic_label(topic)
        items = "".join(_item(a) for a in sorted(articles, key=lambda a: a.title.lower()))
        crumbs = f'<nav class="crumbs"><a href="/help/">{TEXT[lang]["all"]}</a></nav>'
        body = f'{crumbs}<ul class="list">{items}</ul>'
        return http.html(200, self._page(lang, label, body, live="", h1=label))

    async def _search(self, q: str, lang: str, part: bool) -> Response:
        t = TEXT[lang]
        hits = search((a.entry for a in await self.public.articles()), q) if q.strip() else []
        by_id = {a.id: a for a in await self.public.articles()}
        if not q.strip():
            results = ""
        elif not hits:
            results = f'<p class="none">{escape(t["none"].format(q=q))}</p>'
        else:
            items = "".join(
                f'<li><a href="/help/articles/{quote(entry.key)}">{escape(entry.title)}</a>'
                f'<p class="snippet">{escape(snippet(_after_title(by_id[entry.key]), q))}</p></li>'
                for entry, _score in hits
                if entry.key in by_id
            )
            count = escape(t["result" if len(hits) == 1 else "results"].format(n=len(hits), q=q))
            results = f'<p class="count">{count}</p><ul class="hits">{items}</ul>'
        block = f'<div id="results" aria-live="polite">{results}</div>'
        if part:
            return http.html(200, block)
        return http.html(200, self._page(lang, t["search"], block, live="", h1=t["search"], q=q))

    async def _article(self, doc_id: str, lang: str) -> Response:
        article = await self.public.article(doc_id)
        if article is None:
            return self._missing(lang)
        t = TEXT[lang]
        crumbs = [f'<a href="/help/">{t["all"]}</a>'] + [
            f'<a href="/help/topics/{quote(topic)}">{escape(topic_label(topic))}</a>'
            for topic in article.topics
        ]
        updated = escape(t["updated"].format(date=_date(article.published_at, lang)))
        body = (
            f'<nav class="crumbs">{" › ".join(crumbs)}</nav>'
            f'<article id="article" data-rev="{article.rev}">{article.html}</article>'
            f'<p class="updated" id="updated">{updated}</p>'
            f'<p class="notice" id="notice" hidden data-changed="{escape(t["changed"])}"'
            f' data-gone="{escape(t["gone"])}"></p>'
        )
        h1 = None if article.text.lstrip().startswith("# ") else article.title
        return http.html(200, self._page(lang, article.title, body, live=article.id, h1=h1))

    def _missing(self, lang: str) -> Response:
        t = TEXT[lang]
        body = f'<p>{t["missing"]} <a href="/help/">{t["site"]}</a></p>'
        return http.html(404, self._page(lang, t["missing_title"], body, h1=t["missing_title"]))

    # -- the frame of every page -------------------------------------------------

    def _page(
        self,
        lang: str,
        title: str,
        body: str,
        *,
        live: str | None = None,
        h1: str | None = None,
        q: str = "",
    ) -> str:
        t = TEXT[lang]
        other = "en" if lang == "sv" else "sv"
        live_attr = "" if live is None else f' data-live="{escape(live)}"'
        heading = f"<h1>{escape(h1)}</h1>" if h1 else ""
        full_title = title if title == t["site"] else f"{title} · {t['site']}"
        return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{escape(full_title)}</title>
<link rel="stylesheet" href="/static/help.css">
<script src="/static/help.js" defer></script>
</head>
<body class="help"{live_attr}>
<header class="bar">
<a class="brand" href="/help/">{t["site"]}</a>
<form class="search" action="/help/search" method="get" role="search">
<input type="search" name="q" value="{escape(q)}" aria-label="{t["search"]}"
 placeholder="{t["search"]}" autocomplete="off" maxlength="{MAX_QUERY}">
<button type="submit">{t["go"]}</button>
</form>
</header>
<main>
{heading}
{body}
</main>
<footer><a href="?lang={other}" hreflang="{other}">{t["lang"]}</a>
<a href="/">{t["staff"]}</a></footer>
</body>
</html>
"""


def _by_topic(articles: list[Article]) -> dict[str, list[Article]]:
    grouped: defaultdict[str, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: a.title.lower()):
        for topic in article.topics or ("general",):
            grouped[topic].append(article)
    return grouped


def _item(article: Article) -> str:
    return f'<li><a href="/help/articles/{quote(article.id)}">{escape(article.title)}</a></li>'
