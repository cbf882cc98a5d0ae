"""Answers in one key: copy the section under the caret (Ctrl+Shift+C) or the whole answer
(Ctrl+Alt+C) for a chat or an e-mail reply.

The clipboard gets clean text (no Markdown: "•" bullets, "cell | cell" rows,
links as "words (address)") and an HTML flavour that mail clients paste as
headings, lists and tables. "Under the caret" is where the user clicked in the
document, or, if that is scrolled out of sight, the top of what is on screen.
The copied part flashes and the header says "Copied “Fees”", so a rep on a
call sees at once that it worked.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QTextBlock
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kmclient.core.answer_html import answer_html
from kmclient.core.offsets import OffsetMap
from kmclient.core.sections import Section, answer_at, find_section, plain_text
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_view import DocView, reading_markdown
from kmclient.ui.reading.reader import MarkdownReader
from kmclient.ui.shell.theme import Colours, icon


def copy_to_clipboard(markdown: str) -> tuple[str, str]:
    """Clean text and its HTML flavour, on the clipboard; returns both."""
    text, rich = plain_text(markdown), answer_html(markdown)
    data = QMimeData()
    data.setText(text)
    data.setHtml(rich)
    # The clipboard owns the data from here (and deletes it when replaced): no
    # reference to it is kept on this side.
    QGuiApplication.clipboard().setMimeData(data)
    return text, rich


class CopyActions(QObject):
    def __init__(self, window: QWidget, doc_view: DocView) -> None:
        super().__init__(window)
        self.doc_view = doc_view
        self.section_action = QAction(tr("&Copy this section"), window)
        self.section_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.section_action.setToolTip(tr("The section under the caret, ready to paste"))
        self.section_action.triggered.connect(lambda _c=False: self.copy_section())
        self.answer_action = QAction(tr("Copy the &whole answer"), window)
        self.answer_action.setShortcut(QKeySequence("Ctrl+Alt+C"))
        self.answer_action.triggered.connect(lambda _c=False: self.copy_answer())
        for action in (self.section_action, self.answer_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.button = QToolButton()
        self.button.setObjectName("copyButton")
        self.button.setText(tr("Copy"))
        self.button.setToolTip(tr("Copy the section under the caret (Ctrl+Shift+C)"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.button)
        menu.addAction(self.section_action)
        menu.addAction(self.answer_action)
        self.button.setMenu(menu)
        self.button.clicked.connect(lambda: self.copy_section())
        doc_view.header.add_button(self.button)
        doc_view.docOpened.connect(lambda _id: self.update())
        self.last: tuple[str, str] | None = None  # text and HTML copied last
        self.update()

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction(self.section_action)
        menu.addAction(self.answer_action)

    def set_colours(self, colours: Colours) -> None:
        self.button.setIcon(icon("copy", colours))
        self.section_action.setIcon(icon("copy", colours))

    def update(self) -> None:
        opened = self.doc_view.doc_id is not None
        for action in (self.section_action, self.answer_action):
            action.setEnabled(opened)

    # -- copying ---------------------------------------------------------------------------

    def copy_answer(self) -> tuple[str, str] | None:
        view, info = self.doc_view, self.doc_view.info()
        source = view.text()
        if info is None or source is None:
            return None
        body = reading_markdown(source, info.title)
        self.last = copy_to_clipboard(f"# {info.title}\n\n{body}")
        end = view.reader.document().characterCount() - 1
        view.reader.flash_range(0, end)
        if self._unpublished(source):
            view.header.show_notice(
                tr("Copied the whole answer, with changes not published yet: check before sending")
            )
        else:
            view.header.show_notice(tr("Copied the whole answer: paste it into the chat or e-mail"))
        return self.last

    def copy_section(self) -> tuple[str, str] | None:
        view, info = self.doc_view, self.doc_view.info()
        source = view.text()
        if info is None or source is None:
            return None
        section = self._editor_section(source) if view.editing else self._reader_section(source)
        if section is None:
            return None
        markdown = source[section.start : section.end]
        if section.level <= 1 and not markdown.lstrip().startswith("#"):
            markdown = f"# {info.title}\n\n{markdown}"  # the lead: under the article's title
        self.last = copy_to_clipboard(markdown)
        name = section.title if section.level > 1 else info.title
        if self._unpublished(source[section.start : section.end]):
            view.header.show_notice(
                tr(
                    "Copied “{section}”, with changes not published yet: check before sending"
                ).format(section=name)
            )
        else:
            view.header.show_notice(
                tr("Copied “{section}”: paste it into the chat or e-mail").format(section=name)
            )
        return self.last

    def _unpublished(self, copied: str) -> bool:
        """An editor reads the working copy: say so when what they copied is not what
        readers see (a caller must not be told what is not published)."""
        view = self.doc_view
        if view.showing_published or view.doc_id is None:
            return False
        published = view.engine.published_text(view.doc_id) or ""
        return copied.strip() not in published

    def _editor_section(self, source: str) -> Section | None:
        position = self.doc_view.editor.textCursor().position()
        return answer_at(source, OffsetMap(source).utf16_to_index(position))

    def _reader_section(self, source: str) -> Section | None:
        """The section of the rendered heading above the caret, found in the source by its
        words and how many headings before it read the same."""
        reader = self.doc_view.reader
        block = reader.document().findBlock(self._caret(reader))
        heading = block
        while heading.isValid() and heading.blockFormat().headingLevel() == 0:
            heading = heading.previous()
        if not heading.isValid():  # above the first heading: the lead
            found = answer_at(source, 0)
            reader.flash_range(0, self._next_heading(block, 99))
            return found
        title = heading.text().strip()
        same = 0
        earlier = heading.previous()
        while earlier.isValid():
            same += earlier.blockFormat().headingLevel() > 0 and earlier.text().strip() == title
            earlier = earlier.previous()
        info = self.doc_view.info()
        hidden = info is not None and source != reading_markdown(source, info.title)
        found = find_section(source, title, same + (hidden and title == info.title))
        if found is not None:
            level = heading.blockFormat().headingLevel()
            reader.flash_range(heading.position(), self._next_heading(heading, level))
        return found

    @staticmethod
    def _caret(reader: MarkdownReader) -> int:
        """Where the user clicked, or the top of the screen if that is out of sight."""
        cursor = reader.textCursor()
        rect = reader.cursorRect(cursor)
        if reader.viewport().rect().intersects(rect):
            return cursor.position()
        return reader.cursorForPosition(QPoint(8, 8)).position()

    @staticmethod
    def _next_heading(block: QTextBlock, level: int) -> int:
        """Where the next heading of ``level`` or higher starts (or the end)."""
        following = block.next()
        while following.isValid():
            found = following.blockFormat().headingLevel()
            if 0 < found <= level:
                return following.position() - 1
            following = following.next()
        last = block.document().lastBlock()
        return last.position() + last.length() - 1
