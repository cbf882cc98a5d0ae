"""Accounts and session tokens: argon2id passwords, hashed 256-bit tokens.

Password checks only read the database: argon2 takes ~0.1 s and 64 MiB, and
must never run while the write lock is held (a flood of bad sign-ins once
stalled every editor's commit). Throttling and lockout live in the server
(kmserver/signin.py), per address and per name, not in the users table.

A changed password or role, or a removed user, ends every session: the
user's tokens are deleted in the same transaction, and the server closes
their sockets (4001) within seconds.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kmserver.protocol.messages import ROLES
from kmserver.store.database import Database
from kmserver.store.models import SessionToken, User

TOKEN_TTL = timedelta(days=30)

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against for unknown names so they take as long as wrong passwords.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class Account:
    """What the rest of the server knows about a signed-in user."""

    id: int
    name: str
    role: str
    topics: tuple[str, ...]


class AuthFailed(Exception):
    """Unknown user or wrong password: deliberately the same error."""


class AuthThrottled(Exception):
    def __init__(self, retry_after: int, text: str | None = None) -> None:
        super().__init__(text or f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(ts: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(user: User) -> Account:
    return Account(user.id, user.name, user.role, tuple(user.topics or ()))


def validate_user_fields(name: str, role: str, topics: list[str]) -> None:
    if not name or len(name) > 200 or name != name.strip() or any(c.isspace() for c in name):
        raise ValueError("user name must be 1-200 characters without spaces")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if any(not t or len(t) > 200 for t in topics):
        raise ValueError("topics must be non-empty names of at most 200 characters")


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_user(
        self, name: str, role: str, topics: list[str], password: str | None = None
    ) -> Account:
        validate_user_fields(name, role, topics)
        with self.db.write() as s, s.begin():
            if s.scalar(select(User).where(User.name == name)) is not None:
                raise ValueError(f"user '{name}' already exists")
            user = User(
                name=name,
                role=role,
                topics=topics,
                password_hash=_hasher.hash(password) if password else None,
                failed_logins=0,
                created_at=_now(),
            )
            s.add(user)
            s.flush()
            return _account(user)

    def update_user(
        self,
        name: str,
        *,
        role: str | None = None,
        topics: list[str] | None = None,
        password: str | None = None,
    ) -> Account:
        """Change role, topics or password. A new password or role ends every
        session of the user (their tokens go in the same transaction)."""
        new_hash = _hasher.hash(password) if password else None  # not under the write lock
        with self.db.write() as s, s.begin():
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                raise ValueError(f"no user '{name}'")
            validate_user_fields(name, role or user.role, topics or [])
            ended = bool(new_hash) or (role is not None and role != user.role)
            if role:
                user.role = role
            if topics is not None:
                user.topics = topics
            if new_hash:
                user.password_hash = new_hash
                user.failed_logins = 0
                user.locked_until = None
            if ended:
                s.execute(delete(SessionToken).where(SessionToken.user_id == user.id))
            return _account(user)

    def remove_user(self, name: str) -> None:
        with self.db.write() as s, s.begin():
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                raise ValueError(f"no user '{name}'")
            s.execute(delete(SessionToken).where(SessionToken.user_id == user.id))
            s.delete(user)

    def list_users(self) -> list[Account]:
        with self.db.read() as s:
            return [_account(u) for u in s.scalars(select(User).order_by(User.name))]

    def get(self, name: str) -> Account | None:
        with self.db.read() as s:
            user = s.scalar(select(User).where(User.name == name))
            return _account(user) if user else None

    def authenticate(self, name: str, password: str) -> Account:
        """Check a password; raise AuthFailed (the same for an unknown name). Slow by
        design (argon2), and run without any lock: it only reads. Callers facing the
        network throttle first (kmserver/signin.py)."""
        with self.db.read() as s:
            user = s.scalar(select(User).where(User.name == name))
            stored = user.password_hash if user is not None else None
            account = _account(user) if user is not None else None
        if account is None or not stored:
            _verify(_DUMMY_HASH, password)  # as slow as a wrong password
            raise AuthFailed()
        if not _verify(stored, password):
            raise AuthFailed()
        if _hasher.check_needs_rehash(stored):
            fresh = _hasher.hash(password)  # hashed before the short write below
            with self.db.write() as s, s.begin():
                row = s.get(User, account.id)
                if row is not None and row.password_hash == stored:
                    row.password_hash = fresh
        return account

    def issue_token(
        self, account: Account, ttl: timedelta = TOKEN_TTL, label: str = ""
    ) -> tuple[str, datetime]:
        with self.db.write() as s, s.begin():
            return add_token(s, account, ttl, label)

    def resolve_token(self, token: str) -> tuple[Account, datetime] | None:
        """The account behind a valid, unexpired token, with the token's expiry."""
        if not token or len(token) > 200:
            return None
        with self.db.read() as s:
            row = s.execute(
                select(User, SessionToken.expires_at)
                .join(SessionToken, SessionToken.user_id == User.id)
                .where(SessionToken.token_hash == hash_token(token))
            ).first()
            if row is None:
                return None
            user, expires = row
            expires = _aware(expires)
            if expires <= _now():
                return None
            return _account(user), expires

    def resolve_tokens(self, tokens: set[str]) -> dict[str, Account]:
        """The accounts behind the still-valid tokens among ``tokens`` (one query)."""
        by_hash = {hash_token(t): t for t in tokens}
        now = _now()
        found: dict[str, Account] = {}
        with self.db.read() as s:
            rows = s.execute(
                select(SessionToken.token_hash, SessionToken.expires_at, User)
                .join(User, SessionToken.user_id == User.id)
                .where(SessionToken.token_hash.in_(list(by_hash)))
            ).all()
            for token_hash, expires, user in rows:
                if _aware(expires) > now:
                    found[by_hash[token_hash]] = _account(user)
        return found

    def revoke_token(self, token: str) -> None:
        with self.db.write() as s, s.begin():
            s.execute(delete(SessionToken).where(SessionToken.token_hash == hash_token(token)))


def add_token(
    s: Session, account: Account, ttl: timedelta = TOKEN_TTL, label: str = ""
) -> tuple[str, datetime]:
    """A new session token for ``account``, in the caller's write transaction (the
    server's writer thread, or a command's)."""
    token = secrets.token_urlsafe(32)  # 256 bits
    now = _now()
    expires = now + ttl
    s.execute(delete(SessionToken).where(SessionToken.expires_at < now))
    s.add(
        SessionToken(
            token_hash=hash_token(token),
            user_id=account.id,
            created_at=now,
            expires_at=expires,
            label=label[:200],
        )
    )
    return token, expires


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
