"""An article's sections and its words as a rep pastes them. Pure.

A section is a heading and what follows it, up to the next heading of the
same or a higher level (``## Fees`` holds its ``###`` subsections). Used to
copy "the answer under the caret" into a chat or an e-mail as clean text, and
to say which sections a new version changed ("Changed: Fees, Who can apply").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kmserver.protocol.textdiff import diff

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Section:
    level: int  # 1-6; 0 for the text before the first heading
    title: str  # the heading as a reader sees it (no markup)
    start: int  # source index of the heading line (0 for the lead)
    end: int  # where the next heading of the same or a higher level starts


def sections(markdown: str) -> list[Section]:
    """Every section in source order; the lead (text before the first heading) first
    when it holds anything."""
    heads: list[tuple[int, str, int]] = []
    at, fenced = 0, False
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            m = HEADING.match(line.rstrip("\r\n"))
            if m:
                heads.append((len(m.group(1)), inline_text(m.group(2)), at))
        at += len(line)
    found: list[Section] = []
    first = heads[0][2] if heads else len(markdown)
    if markdown[:first].strip():
        found.append(Section(0, "", 0, first))
    for i, (level, title, start) in enumerate(heads):
        end = next((s for lv, _t, s in heads[i + 1 :] if lv <= level), len(markdown))
        found.append(Section(level, title, start, end))
    return found


def section_at(markdown: str, index: int) -> Section | None:
    """The innermost section holding source ``index``."""
    holding = [s for s in sections(markdown) if s.start <= index < max(s.end, s.start + 1)]
    return max(holding, key=lambda s: (s.level, s.start)) if holding else None


def answer_at(markdown: str, index: int) -> Section | None:
    """What "copy this section" copies at source ``index``: its innermost section; in the
    title's own section (the whole article) only the lead before the first subheading."""
    found = section_at(markdown, index)
    if found is None or found.level > 1:
        return found
    lead_end = next(
        (s.start for s in sections(markdown) if s.start > found.start and s.level > found.level),
        found.end,
    )
    return Section(found.level, found.title, found.start, min(found.end, lead_end))


def find_section(markdown: str, title: str, occurrence: int = 0) -> Section | None:
    """The ``occurrence``-th section with this heading (as shown, no markup)."""
    same = [s for s in sections(markdown) if s.level and s.title == title]
    return same[occurrence] if occurrence < len(same) else None


def changed_sections(old: str, new: str, limit: int = 3) -> list[str]:
    """Headings of the sections of ``new`` that a change touched (the innermost ones),
    at most ``limit``; "" stands for the lead."""
    spans, at = [], 0
    for chunk in diff(old, new):
        if chunk.op == "+":
            spans.append((at, at + len(chunk.text)))
        elif chunk.op == "-":
            spans.append((at, at))
        if chunk.op != "-":
            at += len(chunk.text)
    found: list[str] = []
    for start, end in spans:
        for index in {start, max(start, end - 1)}:
            section = section_at(new, min(index, max(0, len(new) - 1)))
            if section is not None and section.title not in found:
                found.append(section.title)
    return found[:limit]


# -- clean text ---------------------------------------------------------------------------

LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]+)>")
EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
TAG = re.compile(r"<[/A-Za-z][^>\n]*>")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
RULE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")


def inline_text(text: str) -> str:
    """One line of Markdown as a reader sees it: no emphasis marks, links as their words."""

    def link(m: re.Match[str]) -> str:
        words, url = m.group(1), m.group(2)
        if m.group(0).startswith("!"):
            return words
        return words if not url or url in words or not _external(url) else f"{words} ({url})"

    text = LINK.sub(link, text)
    text = AUTOLINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis: **bold *and italic***
        text = EMPHASIS.sub(r"\2", text)
    text = TAG.sub("", text)
    text = ESCAPE.sub(r"\1", text)
    return html.unescape(text)


def _external(url: str) -> bool:
    return url.startswith(("http://", "https://", "mailto:", "tel:"))


def plain_text(markdown: str) -> str:
    """Markdown as clean text for a chat or e-mail reply: headings as lines, bullets as
    "•", table rows as "cell | cell", links as "words (address)"."""
    out: list[str] = []
    fenced = False
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            out.append(line)
            continue
        heading = HEADING.match(line)
        if heading:
            if out and out[-1]:
                out.append("")
            out.append(inline_text(heading.group(2)))
            continue
        if RULE.match(line) or TABLE_RULE.match(line):
            continue
        stripped = line.lstrip()
        if stripped.startswith(">"):
            line = stripped.lstrip("> ")
        if "|" in line and line.strip().startswith("|"):
            cells = [inline_text(c.strip()) for c in line.strip().strip("|").split("|")]
            out.append(" | ".join(c for c in cells))
            continue
        line = BULLET.sub(lambda m: m.group(1) + "• ", line)
        out.append(inline_text(line))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"
