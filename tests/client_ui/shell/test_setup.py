"""Setting the app up on a new machine (issue 11, item 1): ``--version`` without a window,
missing system libraries named before Qt aborts, and the data files found by every
kind of install (``importlib.resources``, not ``sys.prefix``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from setuptools import find_packages

from kmclient.ui.shell import system_check

ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a window that never closes, not a timing
        env=env,
        cwd=cwd,
    )


def test_version_answers_without_starting_qt() -> None:
    done = run_python(
        "import sys\n"
        "from kmclient.app import main\n"
        "try:\n    main(['--version'])\n"
        "except SystemExit as exc:\n    print('exit', exc.code)\n"
        "print('qt loaded' if any(m.startswith('PySide6') for m in sys.modules) else 'no qt')\n"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[:2] == ["kmclient", metadata.version("kmdesk")]
    assert "exit 0" in done.stdout and "no qt" in done.stdout


def test_ldd_and_loader_errors_name_the_missing_libraries() -> None:
    ldd = (
        "\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x7f)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
    )
    missing = system_check.missing_from_ldd(ldd)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    error = "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"
    assert system_check.missing_from_error(error) == ["libxcb-icccm.so.4"]
    text = system_check.explain(missing, 'the Qt platform plugin "xcb"')
    assert "libxcb-icccm4" in text and "libxcb-keysyms1" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text
    assert "xcb-cursor0" not in text  # not Qt's misleading guess


def test_platform_follows_the_argument_then_the_environment() -> None:
    assert system_check.platform_name(["-platform", "offscreen"], {}) == "offscreen"
    assert system_check.platform_name([], {"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    wayland = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert system_check.platform_name([], wayland) == "wayland"
    assert system_check.platform_name([], {"DISPLAY": ":0"}) == "xcb"


def test_a_missing_library_stops_the_app_with_its_package_before_qt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kmclient import app

    monkeypatch.setattr(system_check, "missing_libraries", lambda _binary: ["libxcb-keysyms.so.1"])
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":99")
    assert app.main(["--demo"]) == 1
    err = capsys.readouterr().err
    assert "libxcb-keysyms.so.1" in err and "apt-get install libxcb-keysyms1" in err


def test_this_machine_has_what_the_offscreen_platform_needs() -> None:
    assert system_check.check_gui(["-platform", "offscreen"]) is None


def test_every_package_is_listed_in_pyproject() -> None:
    """Packages are listed (resources/ is mapped to kmclient.assets), so a new one
    must be added there or a regular install would lack it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["kmserver*", "kmclient*"]))
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["kmclient.assets"] == "resources"


@pytest.mark.timeout(300)
def test_a_target_install_finds_its_data_files(tmp_path: Path) -> None:
    """``pip install --target`` (like ``--user``) puts no data under sys.prefix: the style
    sheet, icons and the sample knowledge base come with the package."""
    target = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = run_python(
        "import kmclient.resources as r, kmclient.demo as d\n"
        "print(r.__file__)\n"
        "print(len(list(d.KB_DIR.glob('*.md'))))\n"
        "print(len(r.read_text('style', 'app.qss')) > 100)\n",
        env=env,
        cwd=tmp_path,  # not the checkout: nothing may come from the source tree
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert int(lines[1]) >= 30 and lines[2] == "True"
