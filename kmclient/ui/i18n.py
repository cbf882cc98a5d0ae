"""The app's language: Qt translations, and dates, times and numbers in the locale's format.

Every string a person sees goes through :func:`tr` (``QCoreApplication.translate``
in one context, so ``pyside6-lupdate`` finds each call: ``tr("Search")``,
``tr("%n documents", "", n)`` for plurals, ``tr("Open", "a flag's state")`` to
tell apart words that are translated differently). The translations are
``resources/i18n/kmclient_<lang>.ts`` (edited), compiled to ``.qm`` files that
ship as package data; ``kmclient_en.qm`` holds English plural forms. Qt's own
strings (standard buttons, a text field's context menu) come from Qt's
``qtbase_<lang>.qm``.

The language follows the system locale unless the user chose one (View ▸
Language, ``view/language`` in the settings). Dates and times use the locale
of that language, with the system's own when the languages agree (an English
UI on an en_US desktop writes times as 2:05 PM). The choice takes effect at the
next start (kmclient/ui/shell/language_menu.py says so); ``kmclient --language
sv`` chooses it from the command line.

After changing strings in the code (docs/i18n.md has the glossary)::

    pyside6-lupdate -locations none -no-obsolete $(find kmclient -name '*.py') \
        -ts resources/i18n/kmclient_sv.ts
    pyside6-lupdate -locations none -no-obsolete -pluralonly $(find kmclient -name '*.py') \
        -ts resources/i18n/kmclient_en.ts
    # translate the new entries (Qt Linguist, or by hand), then
    pyside6-lrelease resources/i18n/kmclient_sv.ts resources/i18n/kmclient_en.ts

The .qm files are committed (a plain ``pip install .`` ships them; nothing is
built at install time); tests/client_ui/test_i18n.py fails when a string of
the code is missing from the .ts, a Swedish entry is unfinished, or a .qm is
stale.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTimeZone,
    QTranslator,
)

from kmclient.resources import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "sv": "Svenska"}  # each in its own words, for the menu
SETTINGS_KEY = "view/language"
CONTEXT = ""  # the context lupdate gives a plain tr() call

_state: dict[str, object] = {"language": "en", "locale": QLocale(QLocale.Language.English)}
_installed: list[QTranslator] = []


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the app's language (``%n`` in it becomes ``n``, in the right plural)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)


# -- choosing and installing --------------------------------------------------------------


def system_language() -> str:
    """The first of the desktop's preferred languages the app speaks (else English)."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def resolve(choice: str | None) -> str:
    """``system``, ``en`` or ``sv`` (a setting) -> the language to use."""
    return choice if choice in LANGUAGES else system_language()


def language() -> str:
    return str(_state["language"])


def installed() -> bool:
    """Whether :func:`install` has run (the app's translator is in place)."""
    return bool(_installed)


def locale() -> QLocale:
    locale_ = _state["locale"]
    assert isinstance(locale_, QLocale)
    return locale_


def _locale_for(code: str) -> QLocale:
    system = QLocale.system()
    if system.name().split("_")[0] == code:
        return system
    if code == "sv":
        return QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden)
    # An English UI on a desktop in another language (or "C"): day-month, 24 hours.
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def install(app: QCoreApplication, code: str) -> None:
    """Use ``code`` from now on: the app's and Qt's translations, the locale's formats.
    Widgets made afterwards speak it; the window rebuilds itself (ClientApp)."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    code = code if code in LANGUAGES else "en"
    ours = QTranslator(app)
    if ours.load(f"kmclient_{code}", str(resources_dir() / "i18n")):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no translation for %s", code)
    if code != "en":
        qt = QTranslator(app)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{code}", path):
            app.installTranslator(qt)
            _installed.append(qt)
    locale_ = _locale_for(code)
    QLocale.setDefault(locale_)
    _state["language"], _state["locale"] = code, locale_


# -- dates, times, numbers ------------------------------------------------------------------


def _local(moment: datetime) -> QDateTime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    utc = QDateTime.fromSecsSinceEpoch(int(aware.timestamp()), QTimeZone.utc())
    return utc.toLocalTime()


def number(n: int) -> str:
    """``10,034`` / ``10 034``."""
    return locale().toString(n)


def clock(moment: datetime) -> str:
    """The time of day, as the locale writes it (``14:02``, ``2:02 PM``)."""
    local = _local(moment)
    return locale().toString(local.time(), locale().timeFormat(QLocale.FormatType.ShortFormat))


def day(moment: datetime, with_year: bool = False) -> str:
    """``12 Mar`` / ``12 mars`` / ``Mar 12`` (with the year: ``12 Mar 2026``)."""
    date = _local(moment).date()
    if with_year:
        return locale().toString(date, _day_pattern(locale()) + " yyyy")
    return locale().toString(date, _day_pattern(locale()))


def _day_pattern(loc: QLocale) -> str:
    # Day before month, unless the locale's long date puts the month first (en_US).
    long = loc.dateFormat(QLocale.FormatType.LongFormat).replace("dddd", "").replace("ddd", "")
    month_first = 0 <= long.find("M") < long.find("d")
    return "MMM d" if month_first else "d MMM"


def full(moment: datetime) -> str:
    """Date and time with seconds (tooltips)."""
    local = _local(moment)
    date = locale().toString(local.date(), QLocale.FormatType.ShortFormat)
    seconds = locale().timeFormat(QLocale.FormatType.ShortFormat).replace("mm", "mm:ss")
    return f"{date} {locale().toString(local.time(), seconds)}"


def parse_iso(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(iso: str | None, now: datetime | None = None) -> str:
    """``14:02`` today, ``12 Mar 14:02`` this year, ``12 Mar 2025`` before."""
    moment = parse_iso(iso)
    if moment is None:
        return ""
    local = _local(moment)
    today = _local(now or datetime.now(UTC)).date()
    if local.date() == today:
        return clock(moment)
    if local.date().year() == today.year():
        return f"{day(moment)} {clock(moment)}"
    return day(moment, with_year=True)


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``12 days ago``, ..."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seconds = max(0.0, ((now or datetime.now(UTC)) - aware).total_seconds())
    if seconds < 60:
        return tr("just now")
    if seconds < 3600:
        return tr("%n min ago", "", int(seconds // 60))
    if seconds < 86400:
        return tr("%n h ago", "", int(seconds // 3600))
    days = int(seconds // 86400)
    if days == 1:
        return tr("yesterday")
    if days < 60:
        return tr("%n days ago", "", days)
    if days < 730:
        return tr("%n months ago", "", days // 30)
    return tr("%n years ago", "", days // 365)


def date_of(moment: datetime) -> str:
    """A date alone (``3 Mar 2026``)."""
    return day(moment, with_year=True)


# -- words the server and the settings send as codes ----------------------------------------


def role_word(role: str | None) -> str:
    """``owner`` -> ``owner`` / ``ägare``: a user's role as a reader calls it."""
    words = {
        "rep": tr("rep"),
        "owner": tr("owner"),
        "supervisor": tr("supervisor"),
        "admin": tr("admin"),
    }
    return words.get(role or "", role or "")


def roles_word(role: str) -> str:
    """``rep`` -> ``reps`` / ``handläggare``: everyone in a role."""
    words = {
        "rep": tr("reps"),
        "owner": tr("owners"),
        "supervisor": tr("supervisors"),
        "admin": tr("admins"),
        "everyone": tr("everyone"),
    }
    return words.get(role, role)


def theme_word(theme: str) -> str:
    words = {"system": tr("System"), "light": tr("Light"), "dark": tr("Dark")}
    return words.get(theme, theme.capitalize())
