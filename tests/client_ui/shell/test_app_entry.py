"""The ``kmclient`` entry point, the read markers file and the sign-in helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmclient.app import main
from kmclient.ui.reading.read_state import ReadState
from kmclient.ui.shell.sign_in_dialog import normalise_server, server_problem


def test_help_lists_gui_options_and_cli_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for word in ("--demo", "--server", "--user", "--profile", "sync", "search", "demo"):
        assert word in out


def test_sync_and_search_go_to_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["search", "--help"])
    assert exit_.value.code == 0
    assert "--all-topics" in capsys.readouterr().out


def test_search_without_a_profile_fails_cleanly(tmp_path: Path) -> None:
    assert main(["search", "parking", "--profile", str(tmp_path / "none")]) == 1


def test_unknown_demo_user_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--user", "nobody"]) == 2
    assert "olle" in capsys.readouterr().err


def test_read_state_needs_a_baseline_and_survives_a_restart(tmp_path: Path) -> None:
    state = ReadState(tmp_path)
    assert not state.note_changed("a")  # the first sync is not "news"
    state.set_baseline()
    assert state.note_new("b") and state.note_changed("a")
    assert not state.note_changed("b")  # new stays new
    state.set_last_synced("2026-01-02T03:04:05+00:00")
    state.save()
    again = ReadState(tmp_path)
    assert again.baseline and again.marked() == {"a": "changed", "b": "new"}
    assert again.last_synced == "2026-01-02T03:04:05+00:00"
    assert again.note_seen("a") and again.marker("a") is None


def test_server_addresses_are_normalised() -> None:
    assert normalise_server("kb.example.org:8765/") == "ws://kb.example.org:8765"
    assert normalise_server("https://kb.example.org") == "wss://kb.example.org"
    assert server_problem("ws://kb.example.org:8765") is None
    assert server_problem("ftp://x") is not None
    assert server_problem("ws://host:port") is not None
