"""``kmclient``: the desktop app, plus the window-less ``sync`` and ``search`` commands.

    kmclient --demo [--user NAME]            embedded server, sample content, demo users
    kmclient --server URL [--user NAME] [--profile DIR]
    kmclient sync ... / kmclient search ...  (kmclient.cli, no window)
    kmclient --version

Qt is imported only when a window is really wanted, so the CLI commands and
``--version`` stay light and work on machines without a display. Before Qt
starts, the system libraries its window needs are checked, so a missing one is
named instead of Qt's misleading abort.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kmclient import startup_gc
from kmserver.release import version

CLI_COMMANDS = ("sync", "search")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kmclient",
        description="Knowledge base desktop client.",
        epilog=(
            "commands without a window:\n"
            "  kmclient sync --server URL --user NAME   bring a profile up to date\n"
            "  kmclient search QUERY                     search the local profile\n"
            "  (kmclient sync --help, kmclient search --help for their options)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--demo",
        action="store_true",
        help="start an embedded server with sample content and demo users (password 'demo')",
    )
    mode.add_argument("--server", metavar="URL", help="the server, e.g. ws://kb.example.org:8765")
    p.add_argument(
        "--user", metavar="NAME", help="sign in as this user (demo default: olle, an owner)"
    )
    p.add_argument("--profile", metavar="DIR", type=Path, help="profile directory (with --server)")
    p.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme")
    p.add_argument(
        "--language", choices=("system", "en", "sv"), help="language of the app (remembered)"
    )
    p.add_argument("--version", action="version", version=f"kmclient {version()}")
    p.add_argument("--verbose", action="store_true", help="log to stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in CLI_COMMANDS:
        from kmclient import cli  # the engine's window-less commands

        return cli.main(args_list)
    args, qt_args = _parser().parse_known_args(args_list)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # Without --demo or --server: the app as installed at a desk, the server remembered.
    return _run_gui(args, qt_args, demo=args.demo)


def _run_gui(args: argparse.Namespace, qt_args: list[str], *, demo: bool) -> int:
    # No garbage collection until the window is painted (kmclient/startup_gc.py).
    startup_gc.hold()
    try:
        return _start_gui(args, qt_args, demo=demo)
    finally:
        startup_gc.release()  # when it returned before any window (a wrong name, no Qt)


def _start_gui(args: argparse.Namespace, qt_args: list[str], *, demo: bool) -> int:
    from kmclient.demo import DEFAULT_USER, demo_user
    from kmclient.ui.shell import system_check

    user = args.user or DEFAULT_USER
    if demo:  # refuse a wrong name before any window or server exists
        try:
            demo_user(user)
        except KeyError as exc:
            print(f"kmclient: {exc.args[0]}", file=sys.stderr)
            return 2
    problem = system_check.check_gui(qt_args)
    if problem is not None:  # before Qt, which would abort with a misleading message
        print(problem, file=sys.stderr)
        return 1
    import kmclient.ui  # noqa: F401  # the engine before Qt: see kmclient/ui/__init__.py

    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError as exc:
        print(system_check.check_import_error(exc), file=sys.stderr)
        return 1

    from kmclient.demo import DemoServer, web_addresses
    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication(["kmclient", *qt_args])
    app.setApplicationName("kmclient")
    app.setOrganizationName("kmclient")
    settings = QSettings()
    if args.theme:
        settings.setValue("view/theme", args.theme)
    if args.language:
        settings.setValue("view/language", args.language)
    server = None
    if demo:
        server = DemoServer().start()
        for line in web_addresses(server.port):
            print(line, flush=True)
    client = ClientApp(app, settings, demo=server)
    try:
        if server is not None:
            client.open_demo_window(user)
        else:
            window = client.sign_in(
                server=_server_arg(args.server), user=args.user, profile_dir=args.profile
            )
            if window is None:
                return 1
        return app.exec()
    except Exception as exc:  # shown, not a traceback in a console nobody watches
        logging.exception("kmclient failed")
        from kmclient.ui.i18n import tr

        QMessageBox.critical(
            None, tr("Knowledge base"), tr("The app could not start:\n{error}").format(error=exc)
        )
        return 1
    finally:
        client.shutdown()


def _server_arg(url: str | None) -> str | None:
    if not url:
        return None
    from kmclient.ui.shell.sign_in_dialog import normalise_server

    return normalise_server(url)


if __name__ == "__main__":
    sys.exit(main())
