"""Light and dark palettes, the style sheet and the icons.

Fusion everywhere (it looks the same on every desktop and honours a palette
fully); the palette carries the colours, and ``resources/style/app.qss`` only
adds spacing and a few roles a palette cannot express. The sheet and the SVG
icons are templates: ``@name@`` is replaced by the palette colour ``name``.

"system" follows the desktop's colour scheme (Qt 6.5+), and changes with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache

from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from kmclient.resources import read_text

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Colours:
    window: str
    base: str  # reading and editing surfaces
    sidebar: str
    text: str
    muted: str  # secondary text: meta lines, counts, hints
    border: str
    accent: str  # selection, links, focus, "changed" markers
    accent_text: str
    highlight_hit: str  # search hits in snippets and in the opened document
    current_hit: str  # the search hit the document is showing (F3 moves it)
    flash: str  # a colleague's change, for a moment
    online: str
    offline: str
    syncing: str
    draft: str
    draft_bg: str  # the banner over a draft
    flag: str  # open flags: the banner's edge, search markers, the inbox's urgency
    flag_bg: str  # the open-flags banner (calm: a tint, not an alarm)
    added_bg: str  # words a new version added (diffs)
    removed: str  # words a new version removed: struck through in this colour
    removed_bg: str
    pending_bg: str  # the editors' "unpublished changes" banner
    must: str  # must-reads: the strip, the header line (docs/attention.md)
    must_bg: str
    critical: str  # a critical broadcast
    critical_bg: str

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


LIGHT = Colours(
    window="#f4f5f7",
    base="#ffffff",
    sidebar="#eceef2",
    text="#1f2328",
    muted="#5f6670",
    border="#d5d9df",
    accent="#2f6fdb",
    accent_text="#ffffff",
    highlight_hit="#fff0a8",
    current_hit="#ffc94d",
    flash="#fff3bf",
    online="#2e9b57",
    offline="#c0392b",
    syncing="#d08b17",
    draft="#8a5cf5",
    draft_bg="#f1ebff",
    flag="#b4690e",
    flag_bg="#fdf3e4",
    added_bg="#d4f5dc",
    removed="#a4262c",
    removed_bg="#fde2e1",
    pending_bg="#e8f0fd",
    must="#0f766e",
    must_bg="#e3f5f2",
    critical="#b42318",
    critical_bg="#fde4e1",
)

DARK = Colours(
    window="#202327",
    base="#17191c",
    sidebar="#1b1e22",
    text="#e3e6ea",
    muted="#9aa3ad",
    border="#353a41",
    accent="#5b9dff",
    accent_text="#0d1117",
    highlight_hit="#6b5a12",
    current_hit="#a8740f",
    flash="#4a4216",
    online="#4cc27a",
    offline="#ef6b5b",
    syncing="#e6a93a",
    draft="#b39bff",
    draft_bg="#2a2440",
    flag="#e0a458",
    flag_bg="#33291b",
    added_bg="#1e4a2b",
    removed="#ff9b94",
    removed_bg="#4d2323",
    pending_bg="#1c2a40",
    must="#4fd1c5",
    must_bg="#14302d",
    critical="#ff8a80",
    critical_bg="#4a1f1c",
)


def colours_for(theme: str) -> Colours:
    if theme == "dark":
        return DARK
    if theme == "light":
        return LIGHT
    scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def make_palette(c: Colours) -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.sidebar),
        (role.Text, c.text),
        (role.Button, c.window),
        (role.ButtonText, c.text),
        (role.BrightText, c.offline),
        (role.Highlight, c.accent),
        (role.HighlightedText, c.accent_text),
        (role.Link, c.accent),
        (role.LinkVisited, c.accent),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Mid, c.border),
        (role.Midlight, c.border),
    ):
        p.setColor(r, QColor(value))
    muted = QColor(c.muted)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, muted)
    return p


def _fill(template: str, c: Colours) -> str:
    values = c.as_dict()
    return re.sub(r"@([a-z_]+)@", lambda m: values.get(m.group(1), m.group(0)), template)


@cache
def _read(name: str) -> str:
    return read_text("style", *name.split("/"))


def style_sheet(c: Colours) -> str:
    return _fill(_read("app.qss"), c)


def icon(name: str, c: Colours, colour: str | None = None, size: int = 32) -> QIcon:
    """An SVG from resources/style/icons, drawn in ``colour`` (default: the text colour)."""
    svg = _read(f"icons/{name}.svg").replace("currentColor", colour or c.text)
    renderer = QSvgRenderer(QByteArray(_fill(svg, c).encode("utf-8")))
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QIcon(pixmap)


def reading_font(base: QFont, scale: float = 1.0) -> QFont:
    """The font of the reading view: the desktop's, a little larger (read while on a call)."""
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF(), 10.0) * 1.15 * scale)
    return font


def source_font(base: QFont, scale: float = 1.0) -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    font.setPointSizeF(max(base.pointSizeF(), 10.0) * 1.05 * scale)
    return font


class FramedIndicators(QProxyStyle):
    """Fusion, with check boxes and radio buttons framed in the muted text colour on a
    dark palette: Fusion draws their frame a shade darker than the window, which on a
    dark window is as dark as the box itself, so an unticked box was invisible."""

    _FRAMED = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
    )

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        window = option.palette.color(QPalette.ColorRole.Window)
        if element not in self._FRAMED or window.lightness() >= 128:
            return
        colour = option.palette.color(QPalette.ColorRole.PlaceholderText)
        if not option.state & QStyle.StateFlag.State_Enabled:
            colour = option.palette.color(QPalette.ColorRole.Mid)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 2, 2)
        painter.restore()


class ThemeManager(QObject):
    """Applies a theme to the whole application and tells windows when it changed."""

    changed = Signal(object)  # Colours

    def __init__(
        self, app: QApplication, theme: str = "system", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._theme = theme if theme in THEMES else "system"
        self.colours = LIGHT
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            self._style = FramedIndicators(fusion)  # the application does not own it
            app.setStyle(self._style)
        app.styleHints().colorSchemeChanged.connect(self._on_scheme)
        self.apply()

    @property
    def theme(self) -> str:
        return self._theme

    def set_theme(self, theme: str) -> None:
        if theme in THEMES and theme != self._theme:
            self._theme = theme
            self.apply()

    def apply(self) -> None:
        self.colours = colours_for(self._theme)
        self._app.setPalette(make_palette(self.colours))
        self._app.setStyleSheet(style_sheet(self.colours))
        self.changed.emit(self.colours)

    def _on_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme == "system":
            self.apply()
