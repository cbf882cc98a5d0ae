"""The document ids a ``sync`` request names, kept from one request to the next.

Each welcome (every start and reconnect) sends ``known`` (every document this
profile holds) and ``working`` (those whose working copy it holds, with a
state), sorted. Built afresh, with 10,000 documents that was a 22-54 ms turn
of the GUI thread: a query reading every working copy's state to learn which
are empty, a set intersection and two sorts. Here the ids with a working
state come from the scan that loads the metadata when the profile opens, are
followed as the replica changes, and the two lists are built again only
after the set of documents (or of working copies) has changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from kmclient.core.model import DocInfo


class SyncIds:
    def __init__(self, with_state: set[str]) -> None:
        # Ids with a non-empty working state: stored, or to be stored by the next commit.
        self._with_state = with_state
        self._lists: tuple[list[str], list[str]] | None = None

    def changed(self) -> None:
        """A document came or went, or its ``working`` flag moved."""
        self._lists = None

    def state_added(self, doc_id: str) -> None:
        if doc_id not in self._with_state:
            self._with_state.add(doc_id)
            self._lists = None

    def state_dropped(self, doc_id: str) -> None:
        if doc_id in self._with_state:
            self._with_state.discard(doc_id)
            self._lists = None

    def lists(self, docs: Mapping[str, DocInfo]) -> tuple[list[str], list[str]]:
        """(known, working), sorted."""
        if self._lists is None:
            known = sorted(docs)
            held = self._with_state
            # Picked from ``known`` in order: no second sort of up to 10,000 ids.
            working = [d for d in known if d in held and docs[d].working]
            self._lists = (known, working)
        return self._lists
