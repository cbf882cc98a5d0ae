"""The band above a document: title, facts, who else is here, a quiet change notice,
Edit, Details and History, the banners (publishing state, open flags) and the
search-word line.

The facts line says how far to trust what is shown: for readers the version
and when it was last verified (or that its review is overdue), with "what
changed" one click away; for editors the working copy's last change."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QTextDocumentFragment
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from kmclient.core.model import DocInfo
from kmclient.core.trust import parse
from kmclient.ui.editing.awareness import Peer
from kmclient.ui.i18n import tr, when
from kmclient.ui.library.doc_tree_model import topic_label
from kmclient.ui.shell.theme import LIGHT, Colours, icon
from kmclient.ui.words import trust, version_line

NOTICE_MS = 8000
COMPACT_WIDTH = 620  # narrower: the buttons show their icons only (names in tooltips)


def _same_moment(a: str | None, b: str | None) -> bool:
    first, second = parse(a), parse(b)
    return first is not None and second is not None and abs((first - second).total_seconds()) < 60


class DocHeader(QWidget):
    editToggled = Signal(bool)
    detailsRequested = Signal()
    historyRequested = Signal()
    whatChangedRequested = Signal()
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
        self.draft = QLabel(tr("Draft", "a badge"))
        self.draft.setObjectName("draftBadge")
        self.draft.hide()
        self.meta = QLabel()
        self.meta.setObjectName("docMeta")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.meta.setAccessibleName(tr("About this document"))
        self.meta.linkActivated.connect(self._on_link)
        self.peers = QLabel()
        self.peers.setObjectName("peersLabel")
        self.peers.setTextFormat(self.peers.textFormat().RichText)
        self.notice = QLabel()
        self.notice.setObjectName("changeNotice")
        self.notice.hide()
        self.notice.setAccessibleName(tr("Change notice"))
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.linkActivated.connect(self._on_link)
        self.mode = QToolButton()
        self.mode.setObjectName("modeButton")
        self.mode.setCheckable(True)
        self.mode.setToolButtonStyle(self.mode.toolButtonStyle().ToolButtonTextBesideIcon)
        self.mode.toggled.connect(self._on_mode)
        self.details = QToolButton()
        self.details.setObjectName("detailsButton")
        self.details.setText(tr("Details"))
        self.details.setToolTip(tr("Title, topics, audience, owner and review (Alt+Enter)"))
        self.details.setToolButtonStyle(self.details.toolButtonStyle().ToolButtonTextBesideIcon)
        self.details.clicked.connect(self.detailsRequested)
        self.history = QToolButton()
        self.history.setObjectName("historyButton")
        self.history.setText(tr("History"))
        self.history.setToolTip(tr("Every published version and what it changed (Ctrl+Shift+H)"))
        self.history.setToolButtonStyle(self.history.toolButtonStyle().ToolButtonTextBesideIcon)
        self.history.clicked.connect(self.historyRequested)
        self.flag = QToolButton()
        self.flag.setObjectName("flagButton")
        self.flag.setText(tr("Flag…"))
        self.flag.setToolTip(tr("Tell the owner something is wrong or outdated (Ctrl+Shift+F)"))
        self.flag.setToolButtonStyle(self.flag.toolButtonStyle().ToolButtonTextBesideIcon)
        self.flag.clicked.connect(self.flagRequested)
        self.find_info = QLabel()
        self.find_info.setObjectName("findInfo")
        self.find_info.setWordWrap(True)
        self.find_info.hide()
        self._compact = False
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

        top = QHBoxLayout()
        self._top = top
        self._extra: list[QToolButton] = []
        top.setSpacing(10)
        top.addWidget(self.title, 1)
        top.addWidget(self.draft, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addSpacing(8)
        top.addWidget(self.flag)
        top.addWidget(self.history)
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
        self._banners = box.count()  # banners (publishing state, flags) go after the facts
        box.addWidget(self.find_info)
        self._set_mode_look(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_compact(self.width() < COMPACT_WIDTH)

    def set_compact(self, compact: bool) -> None:
        """Half a screen: icon-only buttons and a smaller title, so the title keeps its line."""
        if compact == self._compact:
            return
        self._compact = compact
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        for button in self.buttons():
            button.setToolButtonStyle(style)
        self.title.setProperty("compact", compact)
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)

    @property
    def compact(self) -> bool:
        return self._compact

    def buttons(self) -> list[QToolButton]:
        return [*self._extra, self.flag, self.history, self.details, self.mode]

    def buttons_in_order(self) -> list[QToolButton]:
        """The title row's buttons, left to right (copy, pin, flag, history, ...)."""
        return [*self._extra, self.flag, self.history, self.details, self.mode]

    def add_button(self, button: QToolButton) -> None:
        """Another action in the title row, before Flag (copy, pin)."""
        button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if self._compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        self._top.insertWidget(self._top.indexOf(self.flag), button)
        self._extra.append(button)

    def set_colours(self, colours: Colours) -> None:
        self.colours = colours
        self._set_mode_look(self.mode.isChecked())
        self.details.setIcon(icon("details", colours))
        self.history.setIcon(icon("history", colours))
        self.flag.setIcon(icon("flag", colours))

    def show_doc(self, info: DocInfo) -> None:
        self.title.setText(info.title)
        badge = {"draft": tr("Draft", "a badge"), "archived": tr("Archived", "a badge")}.get(
            info.status
        )
        self.draft.setText(badge or "")
        self.draft.setVisible(badge is not None)
        self.draft.setToolTip(
            tr("Not published: readers do not see it")
            if info.status == "draft"
            else tr("Archived: readers no longer see it")
            if badge
            else ""
        )
        self.details.setVisible(info.can_edit)
        self.history.setVisible(info.rev > 0 or info.working)
        self.meta.setText(self.facts(info))
        self.mode.setVisible(info.can_edit and info.working)

    def facts(self, info: DocInfo) -> str:
        """The facts line (rich text): topics, owner, which version, how current."""
        c = self.colours
        parts = [html.escape(", ".join(topic_label(t) for t in info.topics) or tr("No topic"))]
        if info.owner:
            parts.append(tr("owner {who}").format(who=html.escape(info.owner)))
        if info.working:  # an editor: the working copy's last change, then the version
            if info.updated_at:
                if info.updated_by:
                    edited = tr("edited {when} by {who}").format(
                        when=when(info.updated_at), who=html.escape(info.updated_by)
                    )
                else:
                    edited = tr("edited {when}").format(when=when(info.updated_at))
                parts.append(edited)
            version = version_line(info)
            if version:
                parts.append(html.escape(version))
        else:  # a reader: the version they read, and what it changed
            version = version_line(info)
            if version:
                words = html.escape(tr("what changed"))
                link = f' <a href="km:changes" style="color:{c.accent}">{words}</a>'
                parts.append(html.escape(version) + (link if info.rev > 1 else ""))
        standing = trust(info)
        pub = info.published
        quiet = standing is not None and not (standing.overdue or standing.due_soon)
        if quiet and pub is not None and _same_moment(info.verified_at, pub.at):
            standing = None  # "verified" would say nothing more than "published"
        if standing is not None:
            colour = c.flag if standing.overdue else c.muted
            weight = "font-weight:600;" if standing.overdue else ""
            shown = html.escape(standing.text)
            parts.append(f'<span style="color:{colour};{weight}">{shown}</span>')
        return "  ·  ".join(parts)

    def _on_link(self, link: str) -> None:
        if link == "km:changes":
            self.whatChangedRequested.emit()
        elif link == "km:history":
            self.historyRequested.emit()

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
        reading = html.escape(tr("(reading)"))
        shown = [
            f'<span style="color:{colour}">●</span>&nbsp;{html.escape(name)}'
            + ("" if editing else f' <span style="color:{self.colours.muted}">{reading}</span>')
            for name, (colour, editing) in names.items()
        ]
        self.peers.setText("&nbsp;&nbsp;".join(shown))
        self.peers.setToolTip(tr("Also in this document now"))

    def show_find(self, text: str | None) -> None:
        """The line about marked search words ("2 of 5 …"), or None to hide it."""
        self.find_info.setText(text or "")
        self.find_info.setVisible(bool(text))

    def clear_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def show_notice(self, text: str, link: tuple[str, str] | None = None) -> None:
        """A short, non-modal line that fades out by itself; ``link``: (words, href)
        of one action in it ("What changed?")."""
        shown = html.escape(text)
        if link is not None:
            shown += f' &nbsp;<a href="{link[1]}" style="color:{self.colours.accent}">{link[0]}</a>'
        self.notice.setText(shown)
        self.notice.show()
        self._notice_timer.start(NOTICE_MS)

    @property
    def notice_text(self) -> str:
        """The notice's words, without markup (for tests and screen readers)."""
        if not self.notice.isVisibleTo(self):
            return ""
        return QTextDocumentFragment.fromHtml(self.notice.text()).toPlainText()

    def set_editing(self, editing: bool) -> None:
        if self.mode.isChecked() != editing:
            self.mode.setChecked(editing)  # emits editToggled through _on_mode

    def _on_mode(self, checked: bool) -> None:
        self._set_mode_look(checked)
        self.editToggled.emit(checked)

    def _set_mode_look(self, editing: bool) -> None:
        c = self.colours
        if editing:
            self.mode.setText(tr("Done", "leave editing"))
            self.mode.setIcon(icon("read", c, c.accent_text))
            self.mode.setToolTip(tr("Back to reading (Ctrl+E)"))
        else:
            self.mode.setText(tr("Edit", "start editing"))
            self.mode.setIcon(icon("edit", c))
            self.mode.setToolTip(tr("Edit the Markdown source together with others (Ctrl+E)"))
