"""The hub's fan-out: an edit of a working copy is checked against the sessions that
may see working copies, not against every connected rep's (a contact centre has
thousands), and still reaches exactly those who see it."""

from __future__ import annotations

import sys

import pytest

from kmserver import policy
from kmserver.server import Server
from tests.server.conftest import WireClient

REPS = 8


async def test_an_edit_is_checked_against_editors_sessions_only(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    reps = [await WireClient.open(server, "rita") for _ in range(REPS)]
    owner = await WireClient.open(server, "olle")  # owns parking
    other_owner = await WireClient.open(server, "karin")  # owns school, not parking
    editor = await WireClient.open(server, "sara")  # supervisor
    for client in (*reps, owner, other_owner, editor):
        await client.sync()
    asked: list[str] = []
    sees_working_copy = policy.sees_working_copy

    def counted(user, doc):  # type: ignore[no-untyped-def]
        # the hub's fan-out only: the edit notifications ask per user of the document's
        # audience, once per burst of edits, not per edit (feedback/notify.py)
        if sys._getframe(1).f_globals["__name__"] == "kmserver.hub":
            asked.append(user.name)
        return sees_working_copy(user, doc)

    monkeypatch.setattr(policy, "sees_working_copy", counted)
    before = len(owner.updates)
    await editor.edit("parking", lambda t: t.insert(0, "<edit>"))
    await owner.wait_for(
        lambda: len(owner.updates) > before and "<edit>" in owner.text("parking"), timeout=30
    )
    assert "rita" not in asked, asked  # a rep's role never sees a working copy: not asked
    assert "olle" in asked and set(asked) <= {"olle", "karin", "sara"}, asked  # editing roles
    assert "<edit>" not in other_owner.text("school") + other_owner.text("parking")
    for rep in reps:
        assert "parking" not in rep.docs  # reps hold the published text only
        assert "<edit>" not in rep.text("parking")
    for client in (*reps, owner, other_owner, editor):
        await client.ws.close()


def test_only_the_roles_it_names_may_see_a_working_copy() -> None:
    """``may_see_working_copies`` is what lets the hub skip a session: it must hold for
    every user that ``sees_working_copy`` says yes to, of any document."""
    from kmserver.protocol.docmeta import DRAFT, PUBLISHED, DocMeta
    from kmserver.store.accounts import Account

    docs = [
        DocMeta(id="d", title="d", owner=owner, editors=editors, status=status, deleted=deleted)
        for owner in ("u", "x")
        for editors in ((), ("u",))
        for status in (DRAFT, PUBLISHED)
        for deleted in (False, True)
    ]
    for role in ("rep", "owner", "supervisor", "admin", policy.VISITOR):
        user = Account(id=1, name="u", role=role, topics=())
        if any(policy.sees_working_copy(user, doc) for doc in docs):
            assert policy.may_see_working_copies(user), role
    assert not policy.may_see_working_copies(Account(id=1, name="u", role="rep", topics=()))
