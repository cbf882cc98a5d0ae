"""Who a must-read or a broadcast is for. Pure (stdlib only), shared with the client.

An audience is a list of terms, any of which admits a user:

- a role: ``rep``, ``owner``, ``supervisor``, ``admin``, or ``everyone``;
- ``topic:<topic>``: every rep whose topics include it (owners' topics say what
  they write about, not what they must read);
- ``user:<name>``: one user.

``kmserver publish --must-read --for rep,topic:parking,user:anna`` writes the
same terms. Terms are checked against users when a record is delivered, not
when it is made, so someone who gets the role or topic later (or signs in for
the first time next week) is in the audience too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kmserver.protocol.codec import ProtocolError

ROLES = ("rep", "owner", "supervisor", "admin")
EVERYONE = "everyone"
MAX_TERMS = 50
MAX_TERM = 210  # "topic:" or "user:" and a 200-character name


class Member(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def topics(self) -> tuple[str, ...]: ...


def parse(terms: Iterable[str] | str) -> list[str]:
    """Check and normalise an audience (a list, or ``"rep,topic:parking"``)."""
    items = terms.split(",") if isinstance(terms, str) else list(terms)
    out: list[str] = []
    for raw in items:
        if not isinstance(raw, str):
            raise ProtocolError("audience terms are strings")
        term = raw.strip()
        if not term:
            continue
        kind, _, value = term.partition(":")
        if len(term) > MAX_TERM:
            raise ProtocolError(f"audience term '{term[:40]}…' is too long")
        if value:
            if kind not in ("topic", "user") or not value.strip():
                raise ProtocolError(
                    f"'{term}': audience terms are roles, everyone, topic:<topic> or user:<name>"
                )
        elif term not in (*ROLES, EVERYONE):
            raise ProtocolError(
                f"'{term}' is not a role; use one of {', '.join(ROLES)}, everyone, "
                "topic:<topic> or user:<name>"
            )
        if term not in out:
            out.append(term)
    if not out:
        raise ProtocolError("say who it is for: roles, topic:<topic> or user:<name>")
    if len(out) > MAX_TERMS:
        raise ProtocolError(f"an audience has at most {MAX_TERMS} terms")
    return out


def admits(user: Member, terms: Iterable[str]) -> bool:
    for term in terms:
        if term in (EVERYONE, user.role):
            return True
        kind, _, value = term.partition(":")
        if (kind == "user" and value == user.name) or (
            kind == "topic" and user.role == "rep" and value in user.topics
        ):
            return True
    return False


def describe(terms: Iterable[str]) -> str:
    """ "reps, topic parking and anna" (English; the UI words its own)."""
    words = []
    for term in terms:
        kind, _, value = term.partition(":")
        if kind == "topic" and value:
            words.append(f"topic {value}")
        elif kind == "user" and value:
            words.append(value)
        else:
            words.append("everyone" if term == EVERYONE else f"{term}s")
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]
