"""An answer as simple HTML for mail clients (the rich flavour of a copied section). Pure.

Plain semantic HTML (headings, paragraphs, lists, tables, bold, links) with no
fonts or sizes of its own, so it takes on the look of the e-mail it is pasted
into. The Markdown the knowledge base uses is small: this covers it; anything
else is kept as text.
"""

from __future__ import annotations

import html
import re

from kmclient.core.sections import FENCE, HEADING, RULE, TABLE_RULE

_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(.*)$")
_NUMBER = re.compile(r"^[ \t]*\d+[.)][ \t]+(.*)$")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(\*|_)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_TAG = re.compile(r"<[/A-Za-z][^>\n]*>")


def inline_html(text: str) -> str:
    """One line of Markdown as HTML (escaped, links kept as links)."""
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return f"\x00{len(slots) - 1}\x00"

    def link(m: re.Match[str]) -> str:
        words, url = m.group(1), m.group(2)
        if m.group(0).startswith("!"):
            return html.escape(words)
        if not url.startswith(("http://", "https://", "mailto:", "tel:")):
            return html.escape(words)  # a link to another article: its words
        return keep(f'<a href="{html.escape(url, quote=True)}">{html.escape(words)}</a>')

    text = _ESCAPE.sub(lambda m: keep(html.escape(m.group(1))), text)
    text = _CODE.sub(lambda m: keep(f"<code>{html.escape(m.group(1))}</code>"), text)
    text = _LINK.sub(link, text)
    text = _AUTOLINK.sub(lambda m: keep(f'<a href="{m.group(1)}">{m.group(1)}</a>'), text)
    text = _TAG.sub("", text)
    text = html.escape(html.unescape(text), quote=False)
    text = _STRONG.sub(r"<strong>\2</strong>", text)
    text = _EM.sub(r"<em>\2</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: slots[int(m.group(1))], text)


def answer_html(markdown: str) -> str:
    """A whole answer (or one section of it) as an HTML fragment."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""
    rows: list[list[str]] = []
    code: list[str] | None = None

    def flush() -> None:
        nonlocal list_tag
        if para:
            out.append(f"<p>{' '.join(inline_html(p) for p in para)}</p>")
            para.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""
        if rows:
            head, *body = rows
            cells = "".join(f"<th>{c}</th>" for c in head)
            table = [f"<tr>{cells}</tr>"]
            table += ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body]
            out.append('<table border="1" cellpadding="4">' + "".join(table) + "</table>")
            rows.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if FENCE.match(line):
            if code is None:
                flush()
                code = []
            else:
                out.append(f"<pre>{html.escape(chr(10).join(code))}</pre>")
                code = None
            continue
        if code is not None:
            code.append(raw)
            continue
        if not line.strip() or RULE.match(line):
            flush()
            continue
        heading = HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline_html(heading.group(2))}</h{level}>")
            continue
        if TABLE_RULE.match(line):
            continue
        if line.lstrip().startswith("|"):
            if para or items:
                flush()
            rows.append([inline_html(c.strip()) for c in line.strip().strip("|").split("|")])
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if bullet or number:
            tag = "ul" if bullet else "ol"
            if para or rows or (list_tag and list_tag != tag):
                flush()
            list_tag = tag
            items.append(inline_html((bullet or number).group(1)))  # type: ignore[union-attr]
            continue
        if items and raw.startswith((" ", "\t")):  # a list item's next line
            items[-1] += " " + inline_html(line.strip())
            continue
        if rows:
            flush()
        para.append(line.strip().lstrip("> ").strip() if line.lstrip().startswith(">") else line)
    if code is not None:
        out.append(f"<pre>{html.escape(chr(10).join(code))}</pre>")
    flush()
    return "\n".join(out)
