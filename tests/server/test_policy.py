"""The pure access table from ARCHITECTURE.md, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kmserver import policy
from kmserver.protocol.docmeta import DocMeta


@dataclass(frozen=True)
class U:
    name: str
    role: str


REP, OWNER, OTHER_OWNER = U("rita", "rep"), U("olle", "owner"), U("karin", "owner")
SUPERVISOR, ADMIN = U("sara", "supervisor"), U("adam", "admin")
PUBLIC = DocMeta("p", "Public", audience=("everyone",), owner="olle")
FOR_REPS = DocMeta("r", "Reps", audience=("rep",), owner="olle")
INTERNAL = DocMeta("i", "Internal", audience=("supervisor",), owner="sara")
FOR_OWNERS = DocMeta("o", "Owners", audience=("owner",), owner="sara")
DRAFT = DocMeta("d", "Draft", audience=("everyone",), owner="olle", status="draft")
SHARED = DocMeta("s", "Shared", audience=("supervisor",), owner="sara", editors=("karin",))
DELETED = DocMeta("x", "Gone", owner="olle", deleted=True)


@pytest.mark.parametrize(
    ("user", "doc", "reads", "edits"),
    [
        (REP, PUBLIC, True, False),
        (REP, FOR_REPS, True, False),
        (REP, INTERNAL, False, False),
        (REP, FOR_OWNERS, False, False),
        (REP, DRAFT, False, False),
        (OWNER, PUBLIC, True, True),
        (OWNER, FOR_REPS, True, True),
        (OWNER, FOR_OWNERS, True, False),
        (OWNER, INTERNAL, False, False),
        (OWNER, DRAFT, True, True),
        (OTHER_OWNER, DRAFT, False, False),
        (OTHER_OWNER, PUBLIC, True, False),
        (OTHER_OWNER, SHARED, True, True),
        (SUPERVISOR, INTERNAL, True, True),
        (SUPERVISOR, DRAFT, True, True),
        (ADMIN, INTERNAL, True, False),
        (ADMIN, DRAFT, True, False),
        (SUPERVISOR, DELETED, False, False),
        (OWNER, DELETED, False, False),
    ],
)
def test_read_and_edit(user: U, doc: DocMeta, reads: bool, edits: bool) -> None:
    assert policy.can_read(user, doc) is reads
    assert policy.can_edit(user, doc) is edits


def test_metadata_rights() -> None:
    assert policy.can_set_meta(OWNER, PUBLIC, {"title", "topics"})
    assert not policy.can_set_meta(OWNER, PUBLIC, {"audience"})
    assert not policy.can_set_meta(OWNER, PUBLIC, {"status"})
    assert policy.can_set_meta(SUPERVISOR, PUBLIC, {"audience", "owner", "status"})
    assert not policy.can_set_meta(REP, PUBLIC, {"title"})


def test_create_rights() -> None:
    assert policy.can_create(OWNER, "olle") and policy.can_create(OWNER, None)
    assert not policy.can_create(OWNER, "karin")
    assert policy.can_create(SUPERVISOR, "karin")
    assert not policy.can_create(REP, None) and not policy.can_create(ADMIN, None)
