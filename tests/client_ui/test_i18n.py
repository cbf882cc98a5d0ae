"""The translations themselves (kmclient/ui/i18n.py): the Swedish catalogue is complete
and says the same things (placeholders kept), it holds every string the code asks
for, the shipped .qm files are compiled from the .ts as they are now, they ship as
package data; dates, times and plurals in each language."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kmclient.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\d|%n")


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease: beside the interpreter (a venv), or on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (it comes with PySide6)")
    return found


def messages(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).iter("message"))


def forms(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    plural = [f.text or "" for f in translation.findall("numerusform")]
    return plural or [translation.text or ""]


def test_swedish_catalogue_is_complete_and_keeps_placeholders() -> None:
    found = messages(I18N / "kmclient_sv.ts")
    assert len(found) > 500
    problems = []
    for m in found:
        source = m.findtext("source") or ""
        translation = m.find("translation")
        assert translation is not None
        if translation.get("type") in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{translation.get('type')}: {source!r}")
            continue
        for text in forms(m):
            if not text.strip():
                problems.append(f"empty: {source!r}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {source!r} -> {text!r}")
            elif source.count("&") == 1 and text.count("&") != 1:
                problems.append(f"shortcut letter lost: {source!r} -> {text!r}")
        if m.get("numerus") == "yes" and len(forms(m)) != 2:
            problems.append(f"Swedish has two plural forms: {source!r}")
    assert not problems, "\n".join(problems)


def test_english_catalogue_has_every_plural() -> None:
    sv_plurals = {
        m.findtext("source") for m in messages(I18N / "kmclient_sv.ts") if m.get("numerus") == "yes"
    }
    en = messages(I18N / "kmclient_en.ts")
    assert {m.findtext("source") for m in en} == sv_plurals
    for m in en:
        one, many = forms(m)
        assert one and many and m.find("translation").get("type") is None  # type: ignore[union-attr]


def test_catalogues_hold_every_string_of_the_code(tmp_path: Path) -> None:
    """lupdate over the code finds nothing new: every tr() string is translated
    (regenerate with the command in kmclient/ui/i18n.py's docstring)."""
    files = sorted(str(p) for p in (ROOT / "kmclient").rglob("*.py"))
    for name, extra in (("kmclient_sv.ts", []), ("kmclient_en.ts", ["-pluralonly"])):
        copy = tmp_path / name
        shutil.copyfile(I18N / name, copy)
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                "-silent",
                "-locations",
                "none",
                "-no-obsolete",
                *extra,
                *files,
                "-ts",
                str(copy),
            ],
            check=True,
            capture_output=True,
        )
        new = [
            m.findtext("source")
            for m in messages(copy)
            if m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        ]
        assert not new, f"{name}: not translated yet: {new}"
        assert len(messages(copy)) == len(messages(I18N / name)), f"{name}: strings gone"


def test_shipped_qm_files_are_compiled_from_the_ts_files(tmp_path: Path) -> None:
    for lang in ("sv", "en"):
        out = tmp_path / f"kmclient_{lang}.qm"
        subprocess.run(
            [
                tool("pyside6-lrelease"),
                "-silent",
                str(I18N / f"kmclient_{lang}.ts"),
                "-qm",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        shipped = I18N / f"kmclient_{lang}.qm"
        assert shipped.read_bytes() == out.read_bytes(), (
            f"{shipped.name} is stale: pyside6-lrelease resources/i18n/kmclient_{lang}.ts"
        )


def test_qm_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "i18n/*.qm" in config["tool"]["setuptools"]["package-data"]["kmclient.assets"]


def test_swedish_dates_numbers_and_plurals(qapp: object) -> None:
    i18n.install(qapp, "sv")  # type: ignore[arg-type]
    try:
        moment = datetime(2026, 3, 12, 13, 2, tzinfo=UTC)
        later = moment + timedelta(days=3)
        assert i18n.date_of(moment).endswith("mars 2026")
        assert "mars" in i18n.day(moment)
        assert re.fullmatch(r"\d\d:\d\d", i18n.clock(moment))  # 24 hours, no AM/PM
        assert i18n.ago(moment, later) == "för 3 dagar sedan"
        assert i18n.number(10034) in ("10\u00a0034", "10 034")
        assert i18n.tr("%n document(s)", "", 1) == "1 dokument"
        assert i18n.tr("%n flag(s)", "", 2) == "2 flaggor"
        assert i18n.tr("&File") == "&Arkiv"
        assert i18n.role_word("supervisor") == "arbetsledare"
    finally:
        i18n.install(qapp, "en")  # type: ignore[arg-type]


def test_english_plurals(qapp: object) -> None:
    i18n.install(qapp, "en")  # type: ignore[arg-type]
    assert i18n.tr("%n flag(s)", "", 1) == "1 flag"
    assert i18n.tr("%n flag(s)", "", 3) == "3 flags"
    assert i18n.tr("%n notifications: open the notification centre", "", 1).startswith(
        "1 notification:"
    )
    assert i18n.tr("&File") == "&File"  # English is the source


def test_no_tr_call_hides_inside_an_f_string() -> None:
    """lupdate does not look inside f-strings: ``f"· {tr('by %1')}"`` would never be
    translated. Call tr() outside and join the pieces (or use ``.format``)."""
    hidden = []
    for path in sorted((ROOT / "kmclient").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id == "tr"
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, hidden
