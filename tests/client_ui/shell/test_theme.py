"""The dark theme's check boxes can be seen: their frame stands out from the box."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleFactory, QStyleOptionButton

from kmclient.ui.shell.theme import DARK, LIGHT, Colours, FramedIndicators, make_palette


def _contrast(style: QStyle, colours: Colours, qtbot) -> float:  # type: ignore[no-untyped-def]
    """The largest lightness difference between the indicator's pixels and its fill."""
    box = QCheckBox("Parking")
    qtbot.addWidget(box)
    box.setStyle(style)
    box.setPalette(make_palette(colours))
    box.resize(box.sizeHint())
    image: QImage = box.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    fill = QColor(image.pixel(rect.center())).lightness()
    return max(
        abs(QColor(image.pixel(x, y)).lightness() - fill)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )


def test_an_unticked_box_has_a_visible_frame_in_the_dark_theme(qtbot) -> None:  # type: ignore[no-untyped-def]
    fusion = QStyleFactory.create("Fusion")
    assert _contrast(fusion, DARK, qtbot) < 20  # Fusion alone: frame about as dark as the box
    framed = FramedIndicators(QStyleFactory.create("Fusion"))
    assert _contrast(framed, DARK, qtbot) >= 60


def test_the_light_theme_keeps_fusions_frame(qtbot) -> None:  # type: ignore[no-untyped-def]
    plain = _contrast(QStyleFactory.create("Fusion"), LIGHT, qtbot)
    framed = _contrast(FramedIndicators(QStyleFactory.create("Fusion")), LIGHT, qtbot)
    assert plain == framed and plain >= 60
