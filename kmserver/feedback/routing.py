"""Who wants to hear what about a document: watch levels and role defaults. Pure.

A user's setting for the document wins over their settings for its topics
(the most talkative of those wins), which win over the role default.
Routed messages do not depend on these settings: a new flag always reaches
the document's owner and editors, an escalated one the supervisors, and a
change of state the person who raised the flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kmserver import policy
from kmserver.policy import Principal
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.feedback import WATCH_LEVELS


class Topical(Principal, Protocol):
    @property
    def topics(self) -> tuple[str, ...]: ...


LIVE = "live"  # a notification as soon as someone starts editing, completed when they stop
DIGEST = "digest"  # one notification when someone's burst of editing ends


@dataclass(frozen=True, slots=True)
class Interest:
    edits: str | None  # LIVE, DIGEST or None
    activity: bool  # new flags and comments
    mentions: bool  # @mentions, replies in one's threads, one's comment resolved


LEVELS = {
    "all_edits": Interest(LIVE, True, True),
    "digest": Interest(DIGEST, True, True),
    "mentions_only": Interest(None, False, True),
    "off": Interest(None, False, False),
}
assert tuple(LEVELS) == WATCH_LEVELS

# Role defaults (no setting of one's own): owners and editors hear everything
# about their documents; supervisors get edit digests of every document and the
# escalated flags; everyone gets edit digests of the documents in their topics
# and their mentions.
OWN_DOC = LEVELS["all_edits"]
SUPERVISOR = Interest(DIGEST, False, True)
IN_TOPICS = Interest(DIGEST, False, True)
ELSEWHERE = Interest(None, False, True)


def default_interest(user: Topical, doc: DocMeta) -> Interest:
    if policy.is_editor(user, doc):
        return OWN_DOC
    if user.role == "supervisor":
        return SUPERVISOR
    if set(user.topics) & set(doc.topics):
        return IN_TOPICS
    return ELSEWHERE


def interest(
    user: Topical, doc: DocMeta, doc_level: str | None = None, topic_levels: Iterable[str] = ()
) -> Interest:
    if doc_level in LEVELS:
        return LEVELS[doc_level]
    ranked = [level for level in topic_levels if level in LEVELS]
    if ranked:
        return LEVELS[max(ranked, key=WATCH_LEVELS[::-1].index)]
    return default_interest(user, doc)


def edit_text(author: str, title: str, count: int, ongoing: bool) -> str:
    if ongoing:
        return f"{author} is editing {title}"
    changes = "1 change" if count == 1 else f"{count} changes"
    return f"{author} edited {title} ({changes})"


STATE_VERBS = {
    "open": "reopened",
    "acknowledged": "acknowledged",
    "resolved": "resolved",
    "dismissed": "dismissed",
}
