"""The band above a document: title, facts, who else is here, a quiet change notice,
Edit and Details, a draft banner (with Publish for supervisors) and the search-word line."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from kmclient.core.model import DocInfo
from kmclient.ui.awareness import Peer
from kmclient.ui.doc_tree_model import topic_label
from kmclient.ui.theme import LIGHT, Colours, icon

NOTICE_MS = 8000


def when(iso: str | None) -> str:
    """``14:02`` today, ``12 Mar 14:02`` before, from an ISO 8601 time (shown in local time)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return ""
    now = datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return moment.strftime("%d %b %H:%M").lstrip("0")
    return moment.strftime("%d %b %Y").lstrip("0")


class DocHeader(QWidget):
    editToggled = Signal(bool)
    detailsRequested = Signal()
    publishRequested = Signal()
    flagRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("docHeader")
        self.setAutoFillBackground(True)
        self.colours: Colours = LIGHT
        self.title = QLabel()
        self.title.setObjectName("docTitle")
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.draft = QLabel("Draft")
        self.draft.setObjectName("draftBadge")
        self.draft.hide()
        self.meta = QLabel()
        self.meta.setObjectName("docMeta")
        self.meta.setWordWrap(True)
        self.peers = QLabel()
        self.peers.setObjectName("peersLabel")
        self.peers.setTextFormat(self.peers.textFormat().RichText)
        self.notice = QLabel()
        self.notice.setObjectName("changeNotice")
        self.notice.hide()
        self.notice.setAccessibleName("Change notice")
        self.mode = QToolButton()
        self.mode.setObjectName("modeButton")
        self.mode.setCheckable(True)
        self.mode.setToolButtonStyle(self.mode.toolButtonStyle().ToolButtonTextBesideIcon)
        self.mode.toggled.connect(self._on_mode)
        self.details = QToolButton()
        self.details.setObjectName("detailsButton")
        self.details.setText("Details")
        self.details.setToolTip("Title, topics, audience, owner and status (Alt+Enter)")
        self.details.setToolButtonStyle(self.details.toolButtonStyle().ToolButtonTextBesideIcon)
        self.details.clicked.connect(self.detailsRequested)
        self.flag = QToolButton()
        self.flag.setObjectName("flagButton")
        self.flag.setText("Flag…")
        self.flag.setToolTip("Tell the owner something is wrong or outdated (Ctrl+Shift+F)")
        self.flag.setToolButtonStyle(self.flag.toolButtonStyle().ToolButtonTextBesideIcon)
        self.flag.clicked.connect(self.flagRequested)
        self.draft_note = QLabel()
        self.draft_note.setObjectName("draftNote")
        self.draft_note.setWordWrap(True)
        self.publish = QToolButton()
        self.publish.setObjectName("publishButton")
        self.publish.setText("Publish")
        self.publish.setToolTip("Publish: reps in its audience see it at once (Ctrl+Shift+P)")
        self.publish.setToolButtonStyle(self.publish.toolButtonStyle().ToolButtonTextBesideIcon)
        self.publish.clicked.connect(self.publishRequested)
        self.draft_banner = QWidget()
        self.draft_banner.setObjectName("draftBanner")
        banner = QHBoxLayout(self.draft_banner)
        banner.setContentsMargins(10, 4, 6, 4)
        banner.addWidget(self.draft_note, 1)
        banner.addWidget(self.publish)
        self.draft_banner.hide()
        self.find_info = QLabel()
        self.find_info.setObjectName("findInfo")
        self.find_info.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.title, 1)
        top.addWidget(self.draft, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addSpacing(8)
        top.addWidget(self.flag)
        top.addWidget(self.details)
        top.addWidget(self.mode)
        facts = QHBoxLayout()
        facts.setSpacing(12)
        facts.addWidget(self.meta, 1)
        facts.addWidget(self.notice)
        facts.addWidget(self.peers)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 14, 18, 10)
        box.setSpacing(4)
        box.addLayout(top)
        box.addLayout(facts)
        box.addWidget(self.draft_banner)
        self._banners = box.count()  # extra banners (flags) go after the draft banner
        box.addWidget(self.find_info)
        self._set_mode_look(False)

    def set_colours(self, colours: Colours) -> None:
        self.colours = colours
        self._set_mode_look(self.mode.isChecked())
        self.details.setIcon(icon("details", colours))
        self.publish.setIcon(icon("publish", colours, colours.draft))
        self.flag.setIcon(icon("flag", colours))

    def show_doc(
        self, info: DocInfo, last_change: str | None = None, can_publish: bool = False
    ) -> None:
        self.title.setText(info.title)
        draft = info.status != "published"
        self.draft.setText(info.status.capitalize())
        self.draft.setVisible(draft)
        self.draft.setToolTip("Not published: reps do not see it" if draft else "")
        self.draft_banner.setVisible(draft)
        self.draft_note.setText(
            "<b>Draft.</b> Only its owner, editors and supervisors see it; reps see it "
            + ("once you publish it." if can_publish else "once a supervisor publishes it.")
        )
        self.publish.setVisible(draft and can_publish)
        self.details.setVisible(info.can_edit)
        parts = [", ".join(topic_label(t) for t in info.topics) or "No topic"]
        if info.owner:
            parts.append(f"owner {info.owner}")
        if last_change:
            parts.append(last_change)
        elif info.updated_at:
            by = f" by {info.updated_by}" if info.updated_by else ""
            parts.append(f"updated {when(info.updated_at)}{by}")
        self.meta.setText("  ·  ".join(parts))
        self.mode.setVisible(info.can_edit)

    def add_banner(self, banner: QWidget) -> None:
        """Another calm line under the facts (the open-flags banner)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(self._banners, banner)
        self._banners += 1

    def show_peers(self, peers: list[Peer]) -> None:
        if not peers:
            self.peers.clear()
            self.peers.setToolTip("")
            return
        names: dict[str, tuple[str, bool]] = {}
        for p in peers:  # one entry per person, even with two windows open
            colour, editing = names.get(p.name, (p.colour, False))
            names[p.name] = (colour, editing or p.editing)
        shown = [
            f'<span style="color:{colour}">●</span>&nbsp;{html.escape(name)}'
            + ("" if editing else f' <span style="color:{self.colours.muted}">(reading)</span>')
            for name, (colour, editing) in names.items()
        ]
        self.peers.setText("&nbsp;&nbsp;".join(shown))
        self.peers.setToolTip("Also in this document now")

    def show_find(self, text: str | None) -> None:
        """The line about marked search words ("2 of 5 …"), or None to hide it."""
        self.find_info.setText(text or "")
        self.find_info.setVisible(bool(text))

    def clear_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def show_notice(self, text: str) -> None:
        """A short, non-modal line that fades out by itself."""
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(NOTICE_MS)

    def set_editing(self, editing: bool) -> None:
        if self.mode.isChecked() != editing:
            self.mode.setChecked(editing)  # emits editToggled through _on_mode

    def _on_mode(self, checked: bool) -> None:
        self._set_mode_look(checked)
        self.editToggled.emit(checked)

    def _set_mode_look(self, editing: bool) -> None:
        c = self.colours
        if editing:
            self.mode.setText("Done")
            self.mode.setIcon(icon("read", c, c.accent_text))
            self.mode.setToolTip("Back to reading (Ctrl+E)")
        else:
            self.mode.setText("Edit")
            self.mode.setIcon(icon("edit", c))
            self.mode.setToolTip("Edit the Markdown source together with others (Ctrl+E)")
