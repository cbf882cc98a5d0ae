"""`kmserver` commands as an operator runs them (subprocesses, real SQLite file)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def km(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kmserver", *args, "--db", db],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version_is_the_installed_release() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kmserver", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["kmserver", metadata.version("kmdesk")]


def test_accounts_tokens_import_export(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    added = km(
        db,
        "user",
        "add",
        "anna",
        "--role",
        "rep",
        "--topics",
        "parking, waste",
        "--password-stdin",
        stdin="a good passphrase\n",
    )
    assert added.returncode == 0, added.stderr
    again = km(db, "user", "add", "anna", "--role", "rep", "--password-stdin", stdin="x" * 9)
    assert again.returncode == 2 and "already exists" in again.stderr
    short = km(db, "user", "add", "bo", "--role", "rep", "--password-stdin", stdin="short\n")
    assert short.returncode != 0 and "at least 8" in short.stderr
    listed = km(db, "user", "list")
    assert listed.stdout.splitlines() == ["anna\trep\tparking,waste"]
    token = km(db, "token", "anna").stdout.strip()
    assert len(token) >= 43  # 256 bits, url-safe base64
    unknown = km(db, "token", "nobody")
    assert unknown.returncode == 2 and "no user" in unknown.stderr

    imported = km(db, "import", str(ROOT / "resources" / "kb"))
    assert imported.returncode == 0 and "imported 34 new" in imported.stdout
    exported = km(db, "export", str(tmp_path / "out"))
    assert "exported 34 published documents" in exported.stdout
    assert len(list((tmp_path / "out").glob("*.md"))) == 34


def test_serve_prints_address_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kmserver", "serve", "--db", db, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("listening on ws://127.0.0.1:")
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "every received update is saved" in out
