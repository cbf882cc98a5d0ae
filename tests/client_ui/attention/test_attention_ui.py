"""Must-reads and broadcasts through real windows: the supervisor publishes a must-read
from the publish dialog, the rep's strip and header show it, "I have read this",
the supervisor's coverage updates live and exports CSV; quiet mode; broadcasts
from the dialog to the banner, hidden, expired, ended."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press, type_text

DOC = "parking-residential-permit"  # olle's; anna's topic is parking


def change(w, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = w.engine.open_doc(DOC)
    body = doc["body"]
    body.insert(0, text)
    w.engine.close_doc(DOC)


def publish_must_read(qtbot: QtBot, sara, note: str) -> None:  # type: ignore[no-untyped-def]
    rev = sara.engine.doc(DOC).rev
    assert sara.open_doc(DOC)
    qtbot.waitUntil(lambda: sara.engine.unpublished_changes(DOC) is not None, timeout=WAIT_MS)
    dialog = sara.publish_actions.open_publish()
    assert dialog is not None and dialog.must_read is not None
    type_text(dialog.note, note)
    dialog.must_read.setChecked(True)
    assert dialog.must_read.audience.terms() == ["rep"]  # the default
    dialog.must_read.audience.roles["rep"].setChecked(False)
    dialog.must_read.audience.topics.setText("parking")  # the reps of parking only
    assert dialog.must_read.audience.terms() == ["topic:parking"]
    dialog.ok.click()
    qtbot.waitUntil(lambda: sara.engine.doc(DOC).rev == rev + 1, timeout=WAIT_MS)


def test_must_read_from_publish_to_acknowledgement_with_live_coverage(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    sara, anna, erik = windows.open("sara"), windows.open("anna"), windows.open("erik")
    olle = windows.open("olle")
    change(sara, "Från 1 mars är avgiften 600 kr.\n\n")
    publish_must_read(qtbot, sara, "Ny avgift")

    strip = anna.attention.strip
    qtbot.waitUntil(lambda: strip.isVisibleTo(anna) and len(strip.items) == 1, timeout=WAIT_MS)
    assert strip.badge.text() == "1" and "version 2" in strip.buttons[0].text()
    assert len(anna.notify.popups.shown) >= 1  # a pop-up too: she was not on a call
    assert any("Must read" in title for title, _ in anna.notify.popups.shown)
    assert not erik.attention.strip.isVisibleTo(erik)  # school and elderly care only
    assert olle.attention.strip.items == []  # an owner is not in "rep"

    coverage = sara.attention.open_coverage(DOC)
    qtbot.waitUntil(lambda: coverage.report is not None, timeout=WAIT_MS)
    assert coverage.report["counts"]["total"] == 1  # anna: a rep in parking
    assert coverage.bar.format().startswith("0 of 1")

    strip.buttons[0].click()  # opens the document
    qtbot.waitUntil(lambda: anna.doc_view.doc_id == DOC, timeout=WAIT_MS)
    banner = anna.attention.banner
    qtbot.waitUntil(lambda: banner.isVisibleTo(anna), timeout=WAIT_MS)
    assert "Must read: version 2" in banner.text and "Ny avgift" in banner.text
    qtbot.waitUntil(  # opening it shows in the supervisor's coverage, live
        lambda: coverage.report["counts"]["opened"] == 1, timeout=WAIT_MS
    )
    press(qtbot, anna, "Ctrl+Shift+A")  # "I have read this"
    qtbot.waitUntil(lambda: not strip.isVisibleTo(anna), timeout=WAIT_MS)
    assert "You acknowledged version 2" in banner.text
    qtbot.waitUntil(lambda: coverage.report["counts"]["acknowledged"] == 1, timeout=WAIT_MS)
    assert coverage.bar.format().startswith("1 of 1")
    rows = coverage.people.rowCount()
    assert rows == 1 and coverage.people.item(0, 3).text() == "Acknowledged"
    written = coverage.export_csv(str(tmp_path / "acks.csv"))
    assert written is not None
    lines = list(csv.reader(Path(written).read_text(encoding="utf-8").splitlines()))
    assert lines[0][:3] == ["document", "version", "user"]
    assert lines[1][2] == "anna" and lines[1][5] == "acknowledged"


def test_what_changed_since_the_acknowledged_version(qtbot: QtBot, windows: Windows) -> None:
    sara, anna = windows.open("sara"), windows.open("anna")
    change(sara, "Första ändringen.\n\n")
    publish_must_read(qtbot, sara, "Ett")
    qtbot.waitUntil(lambda: len(anna.attention.strip.items) == 1, timeout=WAIT_MS)
    assert anna.open_doc(DOC)
    anna.attention.acknowledge(DOC)
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    change(sara, "Andra ändringen.\n\n")
    publish_must_read(qtbot, sara, "Två")
    qtbot.waitUntil(lambda: [m.rev for m in anna.attention.strip.items] == [3], timeout=WAIT_MS)
    banner = anna.attention.banner
    qtbot.waitUntil(lambda: "version 3" in banner.text, timeout=WAIT_MS)
    assert banner.changes.text() == "What changed since version 2"
    banner.changes.click()
    window = anna.attention.what_changed
    assert window is not None and "against version 2" in window.intro.text()
    assert "Andra ändringen." in window.diff.toPlainText()
    assert "1 change" in window.summary.text()
    window.ack.click()
    qtbot.waitUntil(lambda: anna.attention.what_changed is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not anna.attention.strip.isVisibleTo(anna), timeout=WAIT_MS)


def test_quiet_mode_holds_the_popup_not_the_strip(qtbot: QtBot, windows: Windows) -> None:
    sara, anna = windows.open("sara"), windows.open("anna")
    press(qtbot, anna, "Ctrl+Shift+Q")
    shown = len(anna.notify.popups.shown)
    change(sara, "Under samtalet.\n\n")
    publish_must_read(qtbot, sara, "Viktigt")
    qtbot.waitUntil(lambda: len(anna.attention.strip.items) == 1, timeout=WAIT_MS)
    assert anna.attention.strip.isVisibleTo(anna)  # the must-read shows during the call
    assert len(anna.notify.popups.shown) == shown  # the pop-up waits
    press(qtbot, anna, "Ctrl+Shift+Q")  # the call is over
    qtbot.waitUntil(
        lambda: any("during your call" in t for t, _ in anna.notify.popups.shown[shown:]),
        timeout=WAIT_MS,
    )
    assert any(
        "must-read" in t and "during your call" in t for t, _ in anna.notify.popups.shown[shown:]
    )


def test_broadcast_from_dialog_to_banner_hidden_expired_ended(
    qtbot: QtBot, windows: Windows
) -> None:
    sara, anna, olle = windows.open("sara"), windows.open("anna"), windows.open("olle")
    assert sara.open_doc(DOC)
    dialog = sara.attention.open_broadcast()
    assert dialog is not None
    type_text(dialog.text, "Telefonerna till norra distriktet ligger nere")
    dialog.link.setChecked(True)
    dialog.ok.click()
    bar = anna.attention.bar
    qtbot.waitUntil(lambda: len(bar.lines) == 1, timeout=WAIT_MS)
    line = bar.lines[0]
    assert "Telefonerna" in line.text.text() and line.item.severity == "warning"
    assert line.item.link == DOC
    assert olle.attention.bar.lines == []  # an owner: not in "rep"

    line.open.click()
    qtbot.waitUntil(lambda: anna.doc_view.doc_id == DOC, timeout=WAIT_MS)
    line.hide_button.click()  # hidden on her screen only
    qtbot.waitUntil(lambda: bar.lines == [], timeout=WAIT_MS)
    assert len(anna.engine.broadcasts(include_hidden=True)) == 1

    critical = sara.engine.send_broadcast("Utrym plan 2", "rep", severity="critical")
    qtbot.waitUntil(lambda: len(bar.lines) == 1, timeout=WAIT_MS)
    assert not hasattr(bar.lines[0], "hide_button")  # a critical one cannot be hidden
    later = datetime.now(UTC) + timedelta(hours=3)
    bar.refresh(now=later)  # its time has come: gone, offline too
    assert bar.lines == []
    bar.refresh()

    window = sara.attention.open_broadcasts()
    qtbot.waitUntil(lambda: len(window.items) == 2, timeout=WAIT_MS)
    row = next(i for i, item in enumerate(window.items) if item["id"] == critical)
    window.table.selectRow(row)
    assert window.end.isEnabled()
    window.end.click()
    qtbot.waitUntil(lambda: bar.lines == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.seen.rowCount() >= 1, timeout=WAIT_MS)


def test_reps_do_not_see_supervisor_tools(qtbot: QtBot, windows: Windows) -> None:
    anna, sara = windows.open("anna"), windows.open("sara")
    for action in (
        anna.attention.broadcast_action,
        anna.attention.coverage_action,
        anna.attention.require_action,
    ):
        assert not action.isVisible()
    assert anna.attention.open_broadcast() is None
    assert sara.attention.broadcast_action.isVisible()
    assert QApplication.instance() is not None


def test_a_first_sign_in_with_only_a_broadcast_opens_no_summary(
    qtbot: QtBot, windows: Windows
) -> None:
    sara = windows.open("sara")
    sara.engine.send_broadcast("Telefonerna ligger nere", "everyone", severity="warning")
    qtbot.waitUntil(lambda: len(sara.engine.broadcasts()) == 1, timeout=WAIT_MS)
    olle = windows.open("olle")  # his first session on this computer
    qtbot.waitUntil(lambda: len(olle.attention.bar.lines) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not olle.attention._first_sync, timeout=WAIT_MS)  # synced
    QApplication.processEvents()  # the summing up runs in a turn of its own
    assert olle.attention.since is None  # the bar says it; no window over the app


def test_a_broadcast_to_a_misspelt_topic_or_name_keeps_what_was_typed(
    qtbot: QtBot, windows: Windows
) -> None:
    sara, anna = windows.open("sara"), windows.open("anna")
    dialog = sara.attention.open_broadcast()
    assert dialog is not None
    type_text(dialog.text, "Kassan stänger 15.00")
    dialog.audience.roles["rep"].setChecked(False)
    dialog.audience.topics.setText("parkng")
    dialog.ok.click()  # caught here: the dialog stays, saying which topics there are
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "parkng" in dialog.error.text() and "Parking" in dialog.error.text()
    dialog.audience.topics.setText("PARKING")  # the tree's label, in any case, is the topic
    assert dialog.audience.terms() == ["topic:parking"]

    dialog.audience.topics.setText("")
    dialog.audience.people.setText("anan")  # only the server knows every user
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            (again := sara.findChild(type(dialog), "broadcastDialog")) is not None
            and again.isVisible()
        ),
        timeout=WAIT_MS,
    )
    again = sara.findChild(type(dialog), "broadcastDialog")
    assert again.text.toPlainText() == "Kassan stänger 15.00"
    assert again.audience.terms() == ["user:anan"]
    assert "no user called 'anan'" in again.error.text()
    again.audience.people.setText("anna")
    again.ok.click()
    qtbot.waitUntil(lambda: len(anna.attention.bar.lines) == 1, timeout=WAIT_MS)
    assert "Kassan" in anna.attention.bar.lines[0].text.text()


def test_broadcast_marks_are_drawn_not_glyphs_a_font_may_lack(
    qtbot: QtBot, windows: Windows
) -> None:
    """ "⛔" showed as a box on a desktop without a font for it: the marks are drawn."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QLabel

    from kmclient.ui.shell.theme import DARK, LIGHT

    sara, anna = windows.open("sara"), windows.open("anna")
    sara.engine.send_broadcast("Betalsystemet ligger nere", "rep", severity="critical")
    sara.engine.send_broadcast("Telefonerna ligger nere", "rep", severity="warning")
    sara.engine.send_broadcast("Nytt nummer till växeln", "rep", severity="info")
    bar = anna.attention.bar
    qtbot.waitUntil(lambda: len(bar.lines) == 3, timeout=WAIT_MS)

    def inked(line, colour: str) -> int:  # type: ignore[no-untyped-def]
        image = line.mark.grab().toImage()
        want = QColor(colour)
        return sum(
            1
            for x in range(image.width())
            for y in range(image.height())
            if (got := image.pixelColor(x, y)).alpha() > 200
            and abs(got.red() - want.red())
            + abs(got.green() - want.green())
            + abs(got.blue() - want.blue())
            < 40
        )

    colours = {"critical": LIGHT.critical, "warning": LIGHT.flag, "info": LIGHT.accent}
    for line in bar.lines:
        # No character to look up in a font: the mark is painted, in the severity's colour.
        assert not isinstance(line.mark, QLabel)
        assert line.mark.accessibleName() in ("Critical", "Warning", "Information")
        assert inked(line, colours[line.item.severity]) > 12, line.item.severity
        assert not any("⛔" in label.text() for label in line.findChildren(QLabel))
    critical = next(line for line in bar.lines if line.item.severity == "critical")
    anna.theme.set_theme("dark")  # a new theme: drawn again in its colours
    qtbot.waitUntil(lambda: critical not in bar.lines, timeout=WAIT_MS)
    critical = next(line for line in bar.lines if line.item.severity == "critical")
    assert inked(critical, DARK.critical) > 60


def test_coverage_at_800_px_shows_every_header_and_says_which_groups_are_aimed_at(
    qtbot: QtBot, windows: Windows
) -> None:
    """The last header read "ne to acknowled" even scrolled right; and a must-read for
    the reps of parking listed "Topic: waste", as if it were meant for them too."""
    sara, anna = windows.open("sara"), windows.open("anna")  # anna: parking, waste, payments
    sara.engine.require_reading(DOC, ["topic:parking"], note="Ny avgift")
    qtbot.waitUntil(lambda: anna.engine.must_reads() != [], timeout=WAIT_MS)
    coverage = sara.attention.open_coverage(DOC)
    coverage.resize(1400, 700)
    qtbot.waitUntil(lambda: coverage.report is not None, timeout=WAIT_MS)
    people = coverage.people
    header = people.horizontalHeader()
    # Made narrower and wider again, as a supervisor does; 800 px is a small screen.
    for width in (1040, 800, 1040, 700, 900, 800, 1400):
        coverage.resize(width, 600)
        QApplication.processEvents()
        people.horizontalScrollBar().setValue(people.horizontalScrollBar().maximum())
        for column in range(people.columnCount()):  # no header cut short
            label = people.horizontalHeaderItem(column).text()
            assert header.sectionSize(column) >= header.sectionSizeHint(column), (width, label)
        # The last column reaches the right edge: scrolled when narrow, filled when wide.
        assert header.length() >= people.viewport().width(), width
        if width == 1400:
            assert header.length() == people.viewport().width()

    groups = [coverage.groups.item(i, 0).text() for i in range(coverage.groups.rowCount())]
    assert groups == ["Role: rep", "Topic: parking", "Also reads payments", "Also reads waste"]
    assert "also read waste" in coverage.groups.item(3, 0).toolTip()
    assert coverage.groups_caption.isVisibleTo(coverage)
