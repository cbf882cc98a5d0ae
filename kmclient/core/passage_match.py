"""Where a passage selected in the rendered reading view is in the Markdown source. Pure.

The reading view shows rendered text: no ``**``, ``#``, list numbers, link
targets or entities. A selection there is found in the source by its words:
the same words in the same order, with only markup, spaces and punctuation
between them, the first and last possibly cut (a selection may start or end
inside a word). Of several places the one nearest to where the selection was
in the document wins. Used to anchor flags, comments and notes to exactly the
passage a reader selected, across bold text and links too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

WORD = re.compile(r"[^\W_]+")
# Source text a reader never sees as words: link and image targets, images, HTML
# tags, entities, reference definitions, ordered-list numbers.
HIDDEN = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # an image: its alt text is not shown as text
    r"|(?<=\])\([^)\n]*\)"  # a link's target, after its [text]
    r"|<[/A-Za-z][^>\n]*>"  # an HTML tag
    r"|&#?\w+;"  # an entity
    r"|^[ \t]*\[[^\]\n]+\]:[^\n]*$"  # a reference definition
    r"|^[ \t]*\d+[.)](?=[ \t])",  # an ordered list's number
    re.MULTILINE,
)
MARKUP = set("*_`~")  # may sit between a selection's punctuation and its words


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


def _visible_words(source: str) -> list[_Token]:
    hidden = [(m.start(), m.end()) for m in HIDDEN.finditer(source)]
    starts = [h[0] for h in hidden]
    words = []
    for m in WORD.finditer(source):
        i = bisect_left(starts, m.start() + 1) - 1
        if i >= 0 and hidden[i][0] <= m.start() < hidden[i][1]:
            continue
        words.append(_Token(m.group(), m.start(), m.end()))
    return words


def find_passage(source: str, selected: str, where: float | None = None) -> tuple[int, int] | None:
    """Source character indices ``(start, end)`` of the rendered text ``selected``;
    ``where``: the selection's place in the rendered document (0 = top, 1 = end),
    to choose between repeats. None if the words are not in the source."""
    wanted = [m.group() for m in WORD.finditer(selected)]
    if not wanted:
        return None
    words = _visible_words(source)
    for fold in (False, True):
        found = _matches(words, wanted, fold)
        if found:
            span = _nearest(found, where, len(source))
            return _with_punctuation(source, selected, span)
    return None


def _matches(words: list[_Token], wanted: list[str], fold: bool) -> list[tuple[int, int]]:
    norm = (lambda s: s.casefold()) if fold else (lambda s: s)
    want = [norm(w) for w in wanted]
    n, found = len(want), []
    for i in range(len(words) - n + 1):
        first, last = norm(words[i].text), norm(words[i + n - 1].text)
        if n == 1:
            at = first.find(want[0])
            if at >= 0:
                start = words[i].start + at
                found.append((start, start + len(wanted[0])))
            continue
        if not first.endswith(want[0]) or not last.startswith(want[-1]):
            continue
        if all(norm(words[i + k].text) == want[k] for k in range(1, n - 1)):
            found.append((words[i].end - len(wanted[0]), words[i + n - 1].start + len(wanted[-1])))
    return found


def _nearest(found: list[tuple[int, int]], where: float | None, size: int) -> tuple[int, int]:
    if where is None or len(found) == 1:
        return found[0]
    return min(found, key=lambda span: abs(span[0] / max(size, 1) - where))


def _with_punctuation(source: str, selected: str, span: tuple[int, int]) -> tuple[int, int]:
    """Take in the punctuation the selection had before its first and after its last word
    ("(600 kr)."), where the source has it too, markup skipped."""
    start, end = span
    words = list(WORD.finditer(selected))
    tail = selected[words[-1].end() :].rstrip()
    j = end
    for ch in tail:
        while j < len(source) and source[j] in MARKUP and ch not in MARKUP:
            j += 1
        if j < len(source) and source[j] == ch:
            j += 1
            end = j
        else:
            break
    head = selected[: words[0].start()].lstrip()
    j = start
    for ch in reversed(head):
        while j > 0 and source[j - 1] in MARKUP and ch not in MARKUP:
            j -= 1
        if j > 0 and source[j - 1] == ch:
            j -= 1
            start = j
        else:
            break
    return start, end
