"""A readable word-level diff of two texts. Pure (stdlib only), shared by the
server's command line and the client's diff views.

Lines are compared first and only the lines that changed are compared word
by word, so a 50 KB article with a few edits costs milliseconds, and a
changed word never drags its whole paragraph into the diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["=", "+", "-"]

# Words, runs of white space, and single other characters: the units a reader
# sees change. Markdown markup (`**`, `#`) changes show as their own tokens.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Chunk:
    op: Op  # "=" unchanged, "+" inserted, "-" deleted
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    changes: int  # places that changed (a replaced phrase counts once)
    added_words: int
    removed_words: int

    @property
    def empty(self) -> bool:
        return self.changes == 0


def diff(old: str, new: str) -> list[Chunk]:
    """Chunks that turn ``old`` into ``new``; neighbouring chunks never share an op."""
    out: list[Chunk] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        a, b = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            _add(out, "=", a)
        elif tag == "delete":
            _add(out, "-", a)
        elif tag == "insert":
            _add(out, "+", b)
        else:
            for chunk in _word_diff(a, b):
                _add(out, chunk.op, chunk.text)
    return out


def _word_diff(old: str, new: str) -> Iterator[Chunk]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    words = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in words.get_opcodes():
        if tag == "equal":
            yield Chunk("=", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            yield Chunk("-", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            yield Chunk("+", "".join(b[j1:j2]))


def _add(out: list[Chunk], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Chunk(op, out[-1].text + text)
    else:
        out.append(Chunk(op, text))


def _words(text: str) -> int:
    return sum(1 for token in _TOKEN.findall(text) if token[0].isalnum() or token[0] == "_")


def summarize(chunks: list[Chunk]) -> Summary:
    changes, added, removed, in_change = 0, 0, 0, False
    for chunk in chunks:
        if chunk.op == "=":
            in_change = False
            continue
        if not in_change:
            changes += 1
            in_change = True
        if chunk.op == "+":
            added += _words(chunk.text)
        else:
            removed += _words(chunk.text)
    return Summary(changes, added, removed)


def describe(summary: Summary) -> str:
    """'2 changes: 14 words added, 3 removed' (English; the UI translates its own)."""
    if summary.empty:
        return "no changes"
    places = "1 change" if summary.changes == 1 else f"{summary.changes} changes"
    parts = []
    if summary.added_words:
        parts.append(f"{summary.added_words} words added")
    if summary.removed_words:
        parts.append(f"{summary.removed_words} removed")
    return places + (": " + ", ".join(parts) if parts else "")


def render_plain(chunks: list[Chunk], context: int = 2) -> str:
    """For a terminal: ``[-removed-]{+added+}`` (as git's word diff), unchanged
    lines kept only within ``context`` lines of a change; ``...`` marks a gap."""
    marked = "".join(_mark(chunk) for chunk in chunks)
    lines = marked.splitlines()
    changed = [i for i, line in enumerate(lines) if "[-" in line or "{+" in line]
    if not changed:
        return ""
    keep: set[int] = set()
    for i in changed:
        keep.update(range(max(0, i - context), min(len(lines), i + context + 1)))
    out, last = [], -1
    for i in sorted(keep):
        if last >= 0 and i != last + 1:
            out.append("...")
        out.append(lines[i])
        last = i
    return "\n".join(out) + "\n"


def _mark(chunk: Chunk) -> str:
    if chunk.op == "=":
        return chunk.text
    start, end = ("[-", "-]") if chunk.op == "-" else ("{+", "+}")
    # Marked per line, so every changed line carries its own marks.
    out = []
    for line in chunk.text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((start + body + end if body else "") + line[len(body) :])
    return "".join(out)
