"""``kmclient sync`` and ``kmclient search`` end to end against a real server."""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kmclient.cli import EXIT_AUTH, EXIT_OK, EXIT_UNREACHABLE, main
from tests.integration.conftest import PASSWORD, WAIT, Clients, ServerThread

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Default profiles land in tmp_path, never in the real user's data dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def run(argv: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_sync_then_search_offline(
    server: ServerThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prof = str(tmp_path / "rita")
    sync = ["sync", "--server", server.url, "--user", "rita", "--profile", prof]
    assert run([*sync, "--password-stdin"], PASSWORD + "\n", monkeypatch) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("synced 2 documents (2 new, 0 changed, 0 removed) in ")
    assert out.rstrip().endswith("; index up to date")

    assert run(sync) == EXIT_OK  # the saved session; nothing changed
    assert capsys.readouterr().out.startswith("synced 0 documents (0 new, 0 changed, 0 removed)")

    server.stop()  # search needs only the profile
    assert run(["search", "överklag", "--profile", prof]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1. Parking permit  [parking]  (parking)" in out
    assert "*Överklaga*" in out and "in your topics (parking)" in out

    assert run(["search", "january", "--profile", prof]) == EXIT_OK
    assert capsys.readouterr().out.startswith("0 results in your topics")
    assert run(["search", "january", "--profile", prof, "--all-topics", "--json"]) == EXIT_OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["topics"] is None
    assert [r["id"] for r in payload["results"]] == ["school"]
    assert "<b>January</b>" in payload["results"][0]["snippet_html"]


def test_default_profile_is_per_server_and_user_and_search_finds_it(
    server: ServerThread,
    private_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["sync", "--server", server.url, "--user", "sara", "--password-stdin"]
    assert run(argv, PASSWORD + "\n", monkeypatch) == EXIT_OK
    capsys.readouterr()
    profiles = list((private_data_dir / "kmclient" / "profiles").iterdir())
    assert [p.name for p in profiles] == [f"sara@127.0.0.1_{server.port}"]
    assert run(["search", "security", "--json"]) == EXIT_OK
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["internal"]


def test_sync_errors_are_clear_and_exit_non_zero(
    server: ServerThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["sync", "--server", server.url, "--user", "rita", "--profile", str(tmp_path / "p")]
    assert run([*argv, "--password-stdin"], "wrong password\n", monkeypatch) == EXIT_AUTH
    assert "kmclient: wrong user name or password" in capsys.readouterr().err

    assert run(argv) == EXIT_AUTH  # no saved session and no password (stdin is no tty)
    assert "--password-stdin" in capsys.readouterr().err

    dead = ["sync", "--server", "ws://127.0.0.1:9", "--user", "rita", "--password-stdin"]
    code = run([*dead, "--profile", str(tmp_path / "q")], PASSWORD + "\n", monkeypatch)
    assert code == EXIT_UNREACHABLE
    assert "cannot reach ws://127.0.0.1:9/ws (connection refused)" in capsys.readouterr().err


def test_watch_prints_changes_live_and_stops_on_sigterm(clients: Clients, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kmclient.cli",
            "sync",
            "--server",
            clients.server.url,
            "--user",
            "rita",
            "--password-stdin",
            "--profile",
            str(tmp_path / "w"),
            "--watch",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()  # type: ignore[union-attr]

    def expect(fragment: str) -> str:
        # Drive the test's own engines while waiting for the subprocess.
        while True:
            if not clients.owner.run_until(lambda: not lines.empty(), WAIT):
                proc.kill()
                _, err = proc.communicate()
                raise AssertionError(f"no line with {fragment!r}; stderr: {err}")
            line = lines.get()
            if fragment in line:
                return line

    try:
        assert proc.stdin is not None
        proc.stdin.write(PASSWORD + "\n")
        proc.stdin.close()
        expect("synced   2 new, 0 changed, 0 removed")
        sara = clients.signed_in("sara")
        sara.open_doc("parking")["body"].insert(0, "Nytt: ")
        clients.owner.run_until(lambda: sara.unconfirmed == 0, WAIT)
        sara.publish("parking", "new")  # a rep sees revisions, not typing
        assert "Parking permit" in expect("published parking")
        proc.send_signal(signal.SIGTERM)
        expect("stopped; everything received is stored")
        assert proc.wait(WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_search_works_while_the_app_holds_the_profile(
    clients: Clients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rita = clients.signed_in("rita", profile="held")
    clients.wait_indexed(rita)
    held = str(rita.profile_dir)
    assert run(["search", "permit", "--profile", held, "--json"]) == EXIT_OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["topics"] == ["parking"]
    assert [r["id"] for r in payload["results"]] == ["parking"]
    argv = ["sync", "--server", clients.server.url, "--user", "rita", "--profile", held]
    assert run(argv) == 1
    assert "in use by another kmclient" in capsys.readouterr().err
