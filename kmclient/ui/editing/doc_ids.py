"""Document ids from titles: file-name-safe slugs (docs/protocol.md: letters, digits,
``-``, ``_`` and ``.``, not starting with ``.``; they name Markdown files on export).

Qt-free. Ids are kept ASCII so they work as file names and in links everywhere:
"Överklaga parkeringsbot" becomes ``overklaga-parkeringsbot``.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ID = 80  # the protocol allows 200; ids this long are already unwieldy in links
ID_PATTERN = r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}"
_ID_RE = re.compile(ID_PATTERN)
# Letters that Unicode does not decompose into a base letter and an accent.
_SPELLED_OUT = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})


def slugify(title: str, max_len: int = MAX_ID) -> str:
    """``"Boendeparkering – Årsta (2027)"`` -> ``"boendeparkering-arsta-2027"``."""
    text = unicodedata.normalize("NFKD", title.casefold().translate(_SPELLED_OUT))
    text = "".join(c for c in text if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_len].rstrip("-")


def valid_id(doc_id: str) -> bool:
    return bool(_ID_RE.fullmatch(doc_id))


def topic_key(text: str) -> str:
    """A topic typed by a person (``"Building permits"``) as stored (``building-permits``)."""
    return slugify(text, max_len=60)
