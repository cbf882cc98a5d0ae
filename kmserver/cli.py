"""``kmserver serve | user | token | import | export``, the publishing commands
(``publish | history | diff | restore | archive | verify | overdue | audit``,
kmserver/publishing/commands.py) and ``acks | broadcast`` (kmserver/attention/commands.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

from kmserver import gc_pacing, limits, logs, release
from kmserver.content import ContentError, export_dir, import_dir
from kmserver.durations import duration
from kmserver.protocol.messages import ROLES
from kmserver.publishing import commands as publishing
from kmserver.publishing.review_dates import DEFAULT_REVIEW_DAYS, parse_days
from kmserver.store.accounts import Accounts
from kmserver.store.database import DB_ENV, SQLITE_SYNC_MODES, Database, default_db_url


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=None,
        help=f"SQLAlchemy database URL (default: ${DB_ENV} or a SQLite file in the data dir)",
    )
    p = argparse.ArgumentParser(
        prog="kmserver", description="Real-time knowledge base server for one-stop centres."
    )
    p.add_argument("--version", action="version", version=f"kmserver {release.version()}")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="serve /ws, /y/<doc> and /health")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--certfile", help="PEM certificate: serve wss:// (TLS)")
    serve.add_argument("--keyfile", help="PEM private key for --certfile")
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser Origin allowed to open a socket (repeatable; '*' for any); default: "
        "none (clients that send no Origin, like the desktop app, are always allowed)",
    )
    serve.add_argument(
        "--sqlite-sync",
        choices=SQLITE_SYNC_MODES,
        default="full",
        help="full: fsync every commit, survives power loss (default); normal: survives "
        "crashes and kill -9 but may lose the last commits on power loss, faster",
    )
    serve.add_argument(
        "--flag-escalate-after",
        type=duration,
        default=4 * 3600.0,
        metavar="DURATION",
        help="a flag still open and unacknowledged this long goes to the supervisors "
        "(e.g. 30m, 4h; default 4h)",
    )
    serve.add_argument(
        "--edit-digest-after",
        type=duration,
        default=120.0,
        metavar="DURATION",
        help="a burst of editing ends (and its digest is sent) after this long without an "
        "edit by that author (default 2m)",
    )
    serve.add_argument(
        "--review-every",
        type=parse_days,
        default=DEFAULT_REVIEW_DAYS,
        metavar="DAYS",
        help="a published document is due for review this long after it was last verified, "
        f"unless it sets review_every itself (e.g. 90d, 6m, 1y; default {DEFAULT_REVIEW_DAYS}d)",
    )
    serve.add_argument(
        "--metrics",
        choices=("local", "on", "off"),
        default="local",
        help="who may GET /metrics (Prometheus): local: the loopback address only "
        "(default; behind a proxy on the same host, deny /metrics at the proxy); on: "
        "anyone who reaches the port; off: nobody",
    )
    serve.add_argument("--log-level", default="INFO")
    serve.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        default="text",
        help="text: 'time level logger: message'; json: one object per line (for shippers)",
    )
    limits.add_arguments(serve)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", parents=[common], help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--topics", default="", help="comma-separated topics, e.g. parking,waste")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--no-password", action="store_true", help="token-only account")
    change = user.add_parser("set", parents=[common], help="change role, topics or password")
    change.add_argument("name")
    change.add_argument("--role", choices=ROLES)
    change.add_argument("--topics")
    change.add_argument("--password-stdin", action="store_true")
    remove = user.add_parser("remove", parents=[common], help="delete an account and its tokens")
    remove.add_argument("name")
    unlock = user.add_parser(
        "unlock",
        parents=[common],
        help="lift NAME's sign-in lockout, from every address (a running server: within 2 s)",
    )
    unlock.add_argument("name")
    user.add_parser("list", parents=[common], help="list accounts")

    token = sub.add_parser("token", parents=[common], help="print a session token for NAME")
    token.add_argument("name")
    token.add_argument("--days", type=int, default=30)

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import Markdown files from DIR; publishes what changed (note: the file's name)",
    )
    imp.add_argument("dir", type=Path)
    imp.add_argument("--by", metavar="USER", help="who the new revisions are published by")
    exp = sub.add_parser(
        "export", parents=[common], help="write every published document to DIR as Markdown"
    )
    exp.add_argument("dir", type=Path)
    exp.add_argument(
        "--working", action="store_true", help="write the working copies (drafts included)"
    )
    publishing.add_parsers(sub, common)
    bak = sub.add_parser(
        "backup", parents=[common], help="a consistent copy of a SQLite database, while it serves"
    )
    bak.add_argument("file", type=Path, help="the new backup file")
    res = sub.add_parser(
        "restore-backup", parents=[common], help="put a backup in place (the server stopped)"
    )
    res.add_argument("file", type=Path, help="a file made by kmserver backup")
    return p


def _read_password(args: argparse.Namespace) -> str | None:
    if getattr(args, "no_password", False):
        return None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise SystemExit("kmserver: the passwords differ; nothing changed")
    else:
        raise SystemExit("kmserver: give --password-stdin (or --no-password for a token-only user)")
    if len(password) < 8:
        raise SystemExit("kmserver: the password must have at least 8 characters; nothing changed")
    return password


def _topics(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [t.strip() for t in raw.split(",") if t.strip()]


def _serve(args: argparse.Namespace) -> int:
    from kmserver.server import Server, ServerConfig
    from kmserver.store.serve_lock import AlreadyServing

    logs.configure(args.log_level, args.log_format)
    if bool(args.certfile) != bool(args.keyfile):
        raise SystemExit("kmserver: --certfile and --keyfile go together")
    config = ServerConfig(
        db_url=args.db,
        host=args.host,
        port=args.port,
        certfile=args.certfile,
        keyfile=args.keyfile,
        allowed_origins=tuple(args.allow_origin),
        sqlite_sync=args.sqlite_sync,
        flag_escalate_after=args.flag_escalate_after,
        edit_digest_after=args.edit_digest_after,
        review_every_days=args.review_every,
        limits=limits.from_arguments(args),
        metrics=args.metrics,
    )

    gc_pacing.before_start()  # the GIL's switch interval (kmserver/gc_pacing.py)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        server = Server(config)
        try:
            await server.start()
        except AlreadyServing as exc:
            print(f"kmserver: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        gc_pacing.after_start()  # start-up frozen, then collections rare: gc_pacing.py
        print(f"listening on {server.url}", flush=True)
        await stop.wait()
        await server.stop()
        print("stopped; every received update is saved", flush=True)

    asyncio.run(main())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command in ("backup", "restore-backup"):
        return _backup(args)
    db = Database(args.db)
    try:
        return _run(args, db)
    except (ValueError, ContentError) as exc:
        print(f"kmserver: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _backup(args: argparse.Namespace) -> int:
    """Without opening the database through Database(): a restore must not migrate or
    lock the file it replaces, and a backup needs no more than SQLite's copy."""
    from kmserver.store import backup

    url = args.db or default_db_url()
    try:
        if args.command == "backup":
            info = backup.backup(url, args.file)
            print(
                f"backed up {info.documents} documents, {info.log_entries} log entries and "
                f"{info.users} users to {info.path} ({info.bytes:,} bytes)"
            )
        else:
            done = backup.restore(url, args.file)
            info = done.backup
            print(
                f"restored {info.documents} documents and {info.users} users from {info.path} "
                f"to {done.database}; "
                + (
                    f"the previous database is kept as {done.kept}"
                    if done.kept is not None
                    else "there was no database there before"
                )
            )
    except backup.BackupError as exc:
        print(f"kmserver: {exc}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace, db: Database) -> int:
    if args.command in publishing.COMMANDS:
        return publishing.run(args, db)
    accounts = Accounts(db)
    if args.command == "user":
        if args.action == "add":
            password = _read_password(args)
            account = accounts.add_user(args.name, args.role, _topics(args.topics) or [], password)
            print(f"added {account.name} ({account.role})")
        elif args.action == "set":
            password = _read_password(args) if args.password_stdin else None
            account = accounts.update_user(
                args.name, role=args.role, topics=_topics(args.topics), password=password
            )
            print(f"updated {account.name} ({account.role})")
        elif args.action == "remove":
            accounts.remove_user(args.name)
            print(f"removed {args.name}")
        elif args.action == "unlock":
            accounts.unlock(args.name)
            print(f"unlocked {args.name}: they may sign in again from any address")
        else:
            for a in accounts.list_users():
                print(f"{a.name}\t{a.role}\t{','.join(a.topics)}")
    elif args.command == "token":
        account = accounts.get(args.name)
        if account is None:
            raise ValueError(f"no user '{args.name}'")
        token, _ = accounts.issue_token(account, timedelta(days=args.days), label="cli")
        print(token)
    elif args.command == "import":
        if args.by is not None and accounts.get(args.by) is None:
            raise ValueError(f"no user '{args.by}'")
        report = import_dir(db, args.dir, writer=f"import:{os.getpid()}", by=args.by)
        print(
            f"imported {len(report.created)} new, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged; published {len(report.published)}"
        )
        if report.restricted:
            print(
                f"{len(report.restricted)} new documents name no audience and are for "
                f"supervisors only: {', '.join(report.restricted)}",
                file=sys.stderr,
            )
    elif args.command == "export":
        written = export_dir(db, args.dir, working=args.working)
        what = "working copies" if args.working else "published documents"
        print(f"exported {len(written)} {what} to {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
