"""The README's and docs' screenshots, taken from a real X screen by driving the demo.

    apt-get install -y xvfb imagemagick libxcb-cursor0 fonts-noto-color-emoji
    xvfb-run -s "-screen 0 1400x900x24" python benchmarks/screenshots.py docs/
    xvfb-run -s "-screen 0 1400x900x24" python benchmarks/screenshots.py /tmp/s --only publishing

Each scene starts its own demo server (the sample KB with its little history,
kmclient/demo_story.py) and its own windows; the screen is captured with
ImageMagick's ``import``. Scenes: ``main`` (search beside the top hit, two
people co-editing), ``flags`` (a flagged document, the owner's inbox),
``publishing`` (a new version on a rep's screen, the publish dialog, the
history with a word diff, the review queue), ``attention`` (a rep's must-read strip
under a broadcast, what changed since the version she acknowledged, the
supervisor's coverage; also at half width, for checking); ``roles`` (asked for by
name: each role at full and half width, for checking by eye, e.g.
``--only roles --language sv --theme dark``). ``--language sv`` shoots the
Swedish UI.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QEventLoop, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kmclient.core.offsets import utf16_len  # noqa: E402
from kmclient.demo import DemoServer  # noqa: E402
from kmclient.ui.shell.client_app import ClientApp  # noqa: E402
from kmclient.ui.shell.window import MainWindow  # noqa: E402

PERMIT = "parking-residential-permit"


class Studio:
    def __init__(self, app: QApplication, out_dir: Path, theme: str, language: str = "en") -> None:
        self.app = app
        self.out_dir = out_dir
        self.theme = theme
        self.language = language
        out_dir.mkdir(parents=True, exist_ok=True)

    def wait(self, cond: Callable[[], bool], timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def pause(self, seconds: float) -> None:
        self.wait(lambda: False, seconds)

    def shoot(self, name: str) -> None:
        self.pause(0.4)
        path = self.out_dir / name
        subprocess.run(["import", "-window", "root", str(path)], check=True)
        subprocess.run(["convert", str(path), "-strip", "-colors", "256", str(path)], check=True)
        print(f"  {path}")

    def session(self) -> ClientApp:
        settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
        settings.setValue("view/theme", self.theme)
        settings.setValue("view/language", self.language)
        server = DemoServer().start()
        return ClientApp(self.app, settings, demo=server)  # type: ignore[arg-type]

    def online(self, w: MainWindow, indexed: bool = False) -> None:
        self.wait(lambda: w.engine.status.state == "online")
        if indexed:
            self.wait(lambda: w.engine.index_progress.idle)

    def type_into(self, w: MainWindow, text: str) -> None:
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    w.doc_view.editor,
                    QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch),
                )
            self.pause(0.02)

    def caret(self, w: MainWindow, before: str, select: str = "") -> None:
        text = w.doc_view.text() or ""
        at = utf16_len(text[: text.index(before)])
        cursor = w.doc_view.editor.textCursor()
        cursor.setPosition(at)
        if select:
            cursor.setPosition(at + utf16_len(select), QTextCursor.MoveMode.KeepAnchor)
        w.doc_view.editor.setTextCursor(cursor)


def main_scenes(s: Studio) -> None:
    # 1. olle looks something up: search results beside the top hit, its words marked
    client = s.session()
    w = client.open_demo_window("olle")
    w.setGeometry(0, 0, 1400, 900)
    s.online(w, indexed=True)
    w.sidebar.search_box.setText("överklaga")
    s.wait(lambda: w.search.model.rowCount() > 0)
    w.search.open_current()  # as Enter does: opens the top hit with the words marked
    s.shoot("screenshot-main.png")
    client.shutdown()

    # 2. olle and sara edit the same article; each sees the other's caret
    client = s.session()
    olle = client.open_demo_window("olle")
    sara = client.open_demo_window("sara")
    for w, x in ((olle, 0), (sara, 700)):
        w.setGeometry(x, 0, 700, 900)
        s.online(w)
        w.splitter.setSizes([180, 520])
        w.doc_view.editor_share = 0.55
        w.open_doc(PERMIT)
        w.doc_view.set_editing(True)
    s.wait(lambda: bool(olle.doc_view.awareness.peers() and sara.doc_view.awareness.peers()))
    s.caret(olle, "without paying")
    s.type_into(olle, "(även på helger 🚗) ")
    s.wait(lambda: "helger" in (sara.doc_view.text() or ""))
    s.caret(sara, "registered (folkbokförd)", select="registered (folkbokförd)")
    s.pause(0.3)
    s.caret(sara, "One permit per person")
    s.type_into(sara, "Högst ")
    s.pause(0.5)
    s.shoot("screenshot-coediting.png")
    client.shutdown()


def flag_scenes(s: Studio) -> None:
    """Reps flag two of olle's articles; olle sees the banner and triages in his inbox."""
    client = s.session()
    anna: MainWindow = client.open_demo_window("anna")
    erik: MainWindow = client.open_demo_window("erik")
    olle: MainWindow = client.open_demo_window("olle")
    for w in (anna, erik, olle):
        s.online(w)

    def flag(w: MainWindow, doc_id: str, words: str, reason: str, note: str, urgency: str) -> None:
        text = w.engine.text(doc_id) or ""
        at = text.index(words) if words else -1
        passage = (at, at + len(words)) if words else None
        w.engine.flag(doc_id, reason, note=note, urgency=urgency, passage=passage)

    flag(
        anna,
        PERMIT,
        "The permit is digital",
        "outdated",
        "Callers say the permit costs 900 kr since May; the page still says 700 kr.",
        "high",
    )
    flag(anna, "waste-bulky-items", "", "unclear", "Is the pickup free once a year?", "normal")
    flag(anna, "payments-refunds", "", "missing", "Nothing on refunds abroad.", "low")
    s.wait(lambda: len(olle.engine.flag_inbox()) == 3)
    anna.close()
    erik.close()
    olle.setGeometry(0, 0, 1400, 900)
    olle.splitter.setSizes([330, 1070])
    olle.flag_actions.open_flag(olle.engine.flag_inbox()[0])  # opens it, passage selected
    s.wait(lambda: olle.flag_actions.banner.isVisible())
    olle.notify.popups.toast.hide()  # the pop-ups of the three flags: not the subject here
    s.shoot("screenshot-flagged-doc.png")
    inbox = olle.flag_actions.show_inbox()
    assert inbox is not None
    inbox.setGeometry(760, 170, 620, 540)
    inbox.list.setCurrentRow(0)
    inbox.open_current()
    inbox.raise_()
    inbox.activateWindow()
    inbox.note.setText("Updated the fee to 900 kr")
    s.shoot("screenshot-flag-inbox.png")
    client.shutdown()


def publishing_scenes(s: Studio) -> None:
    """olle's unpublished change and its publish dialog; anna's screen as version 3 lands;
    the history's word diff; sara's review queue."""
    client = s.session()
    olle = client.open_demo_window("olle")
    olle.setGeometry(0, 0, 1400, 900)
    s.online(olle, indexed=True)
    olle.splitter.setSizes([300, 1100])
    olle.open_doc(PERMIT)
    s.wait(lambda: olle.publish_actions.banner.state == "changes")
    dialog = olle.publish_actions.open_publish()
    assert dialog is not None
    dialog.setGeometry(380, 140, 760, 560)
    dialog.note.setText("Zone D opens 1 June")
    s.shoot("screenshot-publish.png")
    dialog.reject()

    history = olle.publish_actions.open_history()
    assert history is not None
    history.setGeometry(220, 110, 1080, 640)
    s.wait(lambda: len(history.revisions) >= 2 and bool(history.revisions[0].get("at")))
    history.versions.setCurrentRow(1)  # version 2 against version 1: the new fee
    s.wait(lambda: "change" in history.summary.text())
    s.shoot("screenshot-history.png")
    history.close()

    anna = client.open_demo_window("anna")
    anna.setGeometry(0, 0, 1400, 900)
    s.online(anna, indexed=True)
    anna.splitter.setSizes([300, 1100])
    anna.open_doc(PERMIT)
    olle.hide()
    s.pause(0.5)
    olle.engine.publish(PERMIT, "Zone D opens 1 June")
    s.wait(lambda: anna.engine.doc(PERMIT).rev == 3)
    s.pause(0.6)
    anna.notify.popups.toast.hide()
    anna.raise_()
    anna.activateWindow()
    s.shoot("screenshot-new-version.png")
    anna.close()

    sara = client.open_demo_window("sara")
    sara.setGeometry(0, 0, 1400, 900)
    s.online(sara)
    queue = sara.publish_actions.open_review_queue()
    queue.setGeometry(200, 110, 1080, 620)
    s.wait(lambda: queue.list.count() > 0)
    queue.comment.setText("")
    s.shoot("screenshot-review-queue.png")
    client.shutdown()


def attention_scenes(s: Studio) -> None:
    """The demo's must-reads and broadcast: anna's window, what changed since the version
    she acknowledged, sara's coverage of the permit (kmclient/demo_story.py)."""
    from kmclient.core.publishing_api import MustReadSpec

    def tidy(w: MainWindow) -> None:
        """Only the subject: no since-you-last-signed-in window, no pop-up."""
        s.pause(0.5)
        if w.attention.since is not None:
            w.attention.since.hide()
        w.notify.popups.toast.hide()

    client = s.session()
    anna = client.open_demo_window("anna")
    anna.setGeometry(0, 0, 1400, 900)
    s.online(anna, indexed=True)
    anna.splitter.setSizes([300, 1100])
    anna.open_doc(PERMIT)
    s.wait(lambda: anna.attention.banner.isVisible() and bool(anna.attention.bar.lines))
    tidy(anna)
    s.shoot("screenshot-must-read.png")
    anna.setGeometry(0, 0, 700, 900)
    anna.splitter.setSizes([200, 500])
    s.shoot("must-read-half.png")
    anna.setGeometry(0, 0, 1400, 900)
    anna.splitter.setSizes([300, 1100])

    anna.attention.acknowledge(PERMIT)
    s.wait(lambda: anna.engine.pending_requests == 0)
    sara = client.open_demo_window("sara")
    s.online(sara)
    tidy(sara)
    sara.hide()
    sara.engine.publish(PERMIT, "Zone D opens 1 June", must_read=MustReadSpec(["topic:parking"]))
    s.wait(lambda: [m.rev for m in anna.engine.must_reads() if m.doc_id == PERMIT] == [3])
    tidy(anna)
    window = anna.attention.open_what_changed(PERMIT)
    assert window is not None
    window.setGeometry(360, 150, 940, 520)
    s.wait(lambda: "change" in window.summary.text())
    s.shoot("screenshot-what-changed.png")
    window.close()
    anna.close()

    sara.show()
    sara.setGeometry(0, 0, 1400, 900)
    coverage = sara.attention.open_coverage()
    coverage.setGeometry(120, 90, 1180, 700)
    s.wait(lambda: coverage.list.count() >= 2)
    for row in range(coverage.list.count()):
        if "version 2" in coverage.list.item(row).text():
            coverage.list.setCurrentRow(row)
    s.wait(lambda: coverage.report is not None and coverage.report["rev"] == 2)
    tidy(sara)
    coverage.raise_()
    coverage.activateWindow()
    s.shoot("screenshot-coverage.png")
    client.shutdown()


def role_scenes(s: Studio) -> None:
    """Each role's window with the permit open, at full width and at half a 1600 px
    screen (beside a CRM), in the studio's language and theme: for checking by eye
    (``roles-<user>-<language>-<theme>-<full|half>.png``)."""
    client = s.session()
    for user in ("anna", "olle", "sara"):
        w = client.open_demo_window(user)
        s.online(w, indexed=True)
        s.pause(0.5)
        if w.attention.since is not None:
            w.attention.since.hide()
        w.notify.popups.toast.hide()
        w.open_doc(PERMIT)
        for size, (width, height) in (("full", (1600, 1000)), ("half", (800, 1000))):
            w.setGeometry(0, 0, width, height)
            s.pause(0.6)
            w.notify.popups.toast.hide()
            s.shoot(f"roles-{user}-{s.language}-{s.theme}-{size}.png")
        w.close()
    client.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where the PNG files go (docs/ for the README)")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--language", default="en", choices=("en", "sv"))
    parser.add_argument("--only", choices=("main", "flags", "publishing", "attention", "roles"))
    args = parser.parse_args()
    studio = Studio(QApplication(["kmclient"]), args.out, args.theme, args.language)
    scenes = {
        "main": main_scenes,
        "flags": flag_scenes,
        "publishing": publishing_scenes,
        "attention": attention_scenes,
        "roles": role_scenes,
    }
    for name, scene in scenes.items():
        if args.only == name or (args.only is None and name != "roles"):
            print(name)
            scene(studio)


if __name__ == "__main__":
    main()
