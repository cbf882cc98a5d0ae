"""Before Qt starts: are the system libraries its window needs there? Qt-free.

On a minimal Linux the X11 platform plugin cannot load when a few xcb
libraries are missing, and Qt then aborts with "xcb-cursor0 is needed",
whatever was really missing. Here the plugin's dependencies are checked
first (``ldd``, else the dynamic loader's own error), and the app says which
libraries are missing and which Debian/Ubuntu packages bring them.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Shared objects Qt's xcb platform plugin and QtGui load, and the Debian/Ubuntu package
# of each (README.md, "Run it", names the same list).
PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_DLOPEN = re.compile(r"(lib[\w.+-]+\.so[.\d]*): cannot open shared object file")


def qt_dir() -> Path | None:
    """PySide6's Qt directory, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def platform_name(argv: list[str], environ: dict[str, str] | os._Environ[str]) -> str:
    """The platform plugin Qt will load: ``-platform``, QT_QPA_PLATFORM, else the session's."""
    for i, arg in enumerate(argv[:-1]):
        if arg in ("-platform", "--platform"):
            return argv[i + 1].split(":")[0]
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0]
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def missing_from_ldd(output: str) -> list[str]:
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def missing_from_error(message: str) -> list[str]:
    return list(dict.fromkeys(_DLOPEN.findall(message)))


def missing_libraries(binary: Path) -> list[str]:
    """Shared objects ``binary`` needs that the dynamic loader cannot find."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            done = subprocess.run(
                [ldd, str(binary)], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            return missing_from_ldd(done.stdout + done.stderr)
    try:  # no ldd: the loader names the first missing one
        ctypes.CDLL(str(binary), mode=getattr(os, "RTLD_LAZY", 1))
    except OSError as exc:
        return missing_from_error(str(exc))
    return []


def explain(missing: list[str], what: str) -> str:
    """What to tell the user, with the packages to install."""
    packages = list(dict.fromkeys(PACKAGES[lib] for lib in missing if lib in PACKAGES))
    lines = [
        f"kmclient cannot open its window: {what} needs system libraries that are missing:",
        *(
            f"  {lib}" + (f"  (package {PACKAGES[lib]})" if lib in PACKAGES else "")
            for lib in missing
        ),
    ]
    if packages:
        lines += [
            "Install them, e.g. on Debian or Ubuntu:",
            f"  sudo apt-get install {' '.join(packages)}",
        ]
    lines.append("README.md (Run it) lists every system package the app needs.")
    return "\n".join(lines)


def check_gui(
    argv: list[str], environ: dict[str, str] | os._Environ[str] | None = None
) -> str | None:
    """None if Qt can open a window here, else the message to print (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    base = qt_dir()
    if base is None:
        return None  # PySide6 itself is missing: its ImportError says so
    env = os.environ if environ is None else environ
    platform = platform_name(argv, env)
    plugin = base / "plugins" / "platforms" / f"libq{platform}.so"
    if plugin.exists():
        missing = missing_libraries(plugin)
        if missing:
            return explain(missing, f'the Qt platform plugin "{platform}"')
    if platform == "xcb" and not env.get("DISPLAY"):
        return (
            "kmclient cannot open its window: there is no display (DISPLAY is not set). "
            "Start it from a desktop session, or over SSH with X forwarding (ssh -X)."
        )
    return None


def check_import_error(exc: ImportError) -> str:
    """A Qt module failed to load: name the missing libraries if that is why."""
    missing = missing_from_error(str(exc))
    base = qt_dir()
    if base is not None:
        core = base / "lib" / "libQt6Gui.so.6"
        if core.exists():
            missing = list(dict.fromkeys([*missing, *missing_libraries(core)]))
    if not missing:
        return f"kmclient cannot start Qt: {exc}"
    return explain(missing, "Qt")
