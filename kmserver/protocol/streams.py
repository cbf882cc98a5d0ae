"""Which CRDT a binary frame is about: a document's working copy or its published text.

Every document has two CRDTs (docs/revisions.md). The **working copy** is
what its editors co-edit live; its stream is named by the document id, as
in protocol 1. The **published** CRDT holds the latest published revision
and only the server writes it, at publish time; its stream is named
``<doc id>@published``. ``@`` never occurs in a document id, so the two
names cannot collide. Readers only ever receive the published stream.
"""

from __future__ import annotations

PUBLISHED_SUFFIX = "@published"


def published(doc_id: str) -> str:
    """The stream name of a document's published CRDT."""
    return doc_id + PUBLISHED_SUFFIX


def parse(name: str) -> tuple[str, bool]:
    """(document id, is the published stream) of a stream name."""
    if name.endswith(PUBLISHED_SUFFIX):
        return name[: -len(PUBLISHED_SUFFIX)], True
    return name, False
