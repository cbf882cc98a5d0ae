"""What a session gets when a document becomes visible to it, or its working copy does.

A first publication makes a document visible to every reader at once, an
audience change to hundreds: the state and the records are read once for all
of them (not once per session), then each session gets its own share, checked
against the policy again at that moment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kmserver import policy
from kmserver.protocol import streams, ysync
from kmserver.protocol.feedback import record_frame
from kmserver.store import documents as docs
from kmserver.store import records

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

Wanted = tuple[Any, bool, bool]  # (session, the published copy?, the working copy?)


async def send_states(server: ServerAPI, doc_id: str, wanted: list[Wanted]) -> None:
    hub = server.hub
    pub = work = None
    if any(published for _, published, _ in wanted):
        pub = await server.read(docs.published_state, doc_id)
    if any(working for _, _, working in wanted):
        work = await server.read(docs.full_state, doc_id)
    readers = {session.account.name for session, published, _ in wanted if published}
    public: list[records.Pair] = []
    private: dict[str, list[records.Pair]] = {}
    if readers:
        public, private = await server.read(records.of_doc_for, doc_id, readers)
    upto = hub.covered  # records after this reach the sessions live
    for session, published, working in wanted:
        meta = hub.readable(session.account, doc_id)
        if meta is None or session not in hub.sessions:
            continue
        if published and pub is not None:
            session.deliver(ysync.wrap(streams.published(doc_id), ysync.sync_step2(pub)))
        if working and work is not None and policy.sees_working_copy(session.account, meta):
            session.deliver(ysync.wrap(doc_id, ysync.sync_step2(work)))
        if not published:
            continue
        mine = private.get(session.account.name, [])
        for seq, envelope in sorted(public + mine, key=lambda pair: pair[0]):
            if seq <= upto and policy.may_receive(session.account, envelope, meta):
                session.deliver(record_frame(envelope, seq))
                hub.observe_delivery(envelope, seq, [session])
