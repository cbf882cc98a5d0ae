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
LIVE = "published"
PUBLIC = DocMeta("p", "Public", audience=("everyone",), owner="olle", status=LIVE)
FOR_REPS = DocMeta("r", "Reps", audience=("rep",), owner="olle", status=LIVE)
INTERNAL = DocMeta("i", "Internal", audience=("supervisor",), owner="sara", status=LIVE)
FOR_OWNERS = DocMeta("o", "Owners", audience=("owner",), owner="sara", status=LIVE)
DRAFT = DocMeta("d", "Draft", audience=("everyone",), owner="olle", status="draft")
SHARED = DocMeta(
    "s", "Shared", audience=("supervisor",), owner="sara", editors=("karin",), status=LIVE
)
DELETED = DocMeta("x", "Gone", owner="olle", deleted=True, status=LIVE)
ARCHIVED = DocMeta("a", "Old", audience=("everyone",), owner="olle", status="archived")
POLICY_TEXT = DocMeta(
    "l", "Legal", audience=("everyone",), owner="olle", status=LIVE, review_required=True
)


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
        (REP, ARCHIVED, False, False),
        (OTHER_OWNER, ARCHIVED, False, False),
        (OWNER, ARCHIVED, True, True),
        (SUPERVISOR, ARCHIVED, True, True),
    ],
)
def test_read_and_edit(user: U, doc: DocMeta, reads: bool, edits: bool) -> None:
    assert policy.can_read(user, doc) is reads
    assert policy.can_edit(user, doc) is edits


def test_metadata_rights() -> None:
    assert policy.can_set_meta(OWNER, PUBLIC, {"title", "topics"})
    assert not policy.can_set_meta(OWNER, PUBLIC, {"audience"})
    assert not policy.can_set_meta(OWNER, PUBLIC, {"review_required"})
    assert not policy.can_set_meta(OWNER, PUBLIC, {"review_every"})
    assert policy.can_set_meta(SUPERVISOR, PUBLIC, {"audience", "owner", "review_required"})
    assert not policy.can_set_meta(REP, PUBLIC, {"title"})


def test_create_rights_are_the_metadata_rights() -> None:
    assert policy.can_create(OWNER, "olle", set()) and policy.can_create(OWNER, None, set())
    assert not policy.can_create(OWNER, "karin", set())
    assert not policy.can_create(OWNER, "olle", {"audience"})  # a supervisor decides that
    assert not policy.can_create(OWNER, "olle", {"editors"})
    assert policy.can_create(SUPERVISOR, "karin", {"audience", "review_required"})
    assert not policy.can_create(REP, None, set()) and not policy.can_create(ADMIN, None, set())


@pytest.mark.parametrize(
    ("user", "doc", "working", "publishes", "submits"),
    [
        (REP, PUBLIC, False, False, False),
        (OWNER, PUBLIC, True, True, False),
        (OTHER_OWNER, PUBLIC, False, False, False),
        (OWNER, POLICY_TEXT, True, False, True),  # needs a supervisor's review
        (SUPERVISOR, POLICY_TEXT, True, True, False),
        (OWNER, DRAFT, True, True, False),
        (OWNER, ARCHIVED, True, False, False),  # bring it back first
        (ADMIN, PUBLIC, True, False, False),  # admins see everything, change no content
        (OTHER_OWNER, SHARED, True, True, False),
    ],
)
def test_working_copy_publish_and_submit(
    user: U, doc: DocMeta, working: bool, publishes: bool, submits: bool
) -> None:
    assert policy.sees_working_copy(user, doc) is working
    assert policy.can_publish(user, doc) is publishes
    assert policy.can_submit(user, doc) is submits


def test_review_archive_verify_audit() -> None:
    assert policy.can_review(SUPERVISOR, POLICY_TEXT) and not policy.can_review(OWNER, POLICY_TEXT)
    assert policy.can_archive(OWNER, PUBLIC) and policy.can_archive(SUPERVISOR, PUBLIC)
    assert not policy.can_archive(OTHER_OWNER, SHARED)  # an editor, not the owner
    assert not policy.can_archive(REP, PUBLIC)
    assert policy.can_verify(OWNER, PUBLIC) and policy.can_verify(OTHER_OWNER, SHARED)
    assert not policy.can_verify(OWNER, DRAFT)  # nothing published to vouch for
    assert not policy.can_verify(REP, PUBLIC)
    assert policy.can_read_audit(SUPERVISOR) and policy.can_read_audit(ADMIN)
    assert not policy.can_read_audit(OWNER)


def test_feedback_and_list_rules() -> None:
    """The rules that used to be inline in the handlers (issue 10: one policy path)."""
    assert policy.can_set_flag_state(OWNER, PUBLIC, "rita", "resolved")
    assert policy.can_set_flag_state(REP, PUBLIC, "rita", "dismissed")  # withdraw own
    assert policy.can_set_flag_state(REP, PUBLIC, "rita", "open")
    assert not policy.can_set_flag_state(REP, PUBLIC, "rita", "resolved")
    assert not policy.can_set_flag_state(REP, PUBLIC, "someone", "dismissed")
    assert policy.can_resolve_comment(REP, PUBLIC, "rita")
    assert not policy.can_resolve_comment(REP, PUBLIC, "olle")
    assert policy.can_resolve_comment(OWNER, PUBLIC, "rita")
    assert policy.owns(REP, "rita") and not policy.owns(REP, "olle") and not policy.owns(REP, None)
    assert policy.in_flag_inbox(OWNER, PUBLIC, escalated=False)
    assert not policy.in_flag_inbox(SUPERVISOR, PUBLIC, escalated=False)
    assert policy.in_flag_inbox(SUPERVISOR, PUBLIC, escalated=True)
    assert not policy.in_flag_inbox(REP, PUBLIC, escalated=True)
    assert policy.can_read_flag_report(ADMIN) and not policy.can_read_flag_report(OWNER)
    assert policy.sees_submission(SUPERVISOR, POLICY_TEXT)
    assert policy.sees_submission(OWNER, POLICY_TEXT)
    assert not policy.sees_submission(OTHER_OWNER, POLICY_TEXT)
    assert policy.in_overdue_list(ADMIN, INTERNAL) and policy.in_overdue_list(OWNER, PUBLIC)
    assert not policy.in_overdue_list(OTHER_OWNER, PUBLIC)
    assert policy.receives_stream(REP, PUBLIC, published=True)
    assert not policy.receives_stream(REP, PUBLIC, published=False)
    assert policy.receives_stream(OWNER, PUBLIC, published=False)
    assert not policy.receives_stream(REP, INTERNAL, published=True)


def test_the_access_audit_covers_every_message() -> None:
    """docs/access.md names every client message, and only policy functions that exist."""
    import re
    from pathlib import Path

    from kmserver.protocol.messages import CLIENT_MESSAGES

    text = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE)
    assert set(CLIENT_MESSAGES) <= set(rows), set(CLIENT_MESSAGES) - set(rows)
    named = set(re.findall(r"`policy\.([a-z_]+)`", text))
    assert named and all(callable(getattr(policy, name, None)) for name in named), named
