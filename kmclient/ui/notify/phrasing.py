"""What a notification says, in the reader's language and in words they use.

The server sends each notification's event, who, and details (and an English
summary, used only for events this version does not know). Here it is said
anew: a rep hears "New version of Parking permit: Zone D opens 1 June ·
changed: Fees", not "olle published version 3 (38 changes)"; an editor hears
"sara changed Parking permit (not published yet)", without a count of
keystrokes that means nothing to anyone.
"""

from __future__ import annotations

from kmclient.core.feedback_model import Notification
from kmclient.core.sections import changed_sections
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.i18n import tr
from kmclient.ui.words import reason_word


def reason_words(reason: str) -> str:
    """A flag's reason, as a reader says it."""
    return reason_word(reason)


def _quoted(text: str, limit: int = 140) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class Phrasing:
    """Says notifications for one engine; remembers what a new version changed."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine
        self._changed: dict[tuple[str, int], list[str]] = {}

    def title(self, note: Notification) -> str:
        info = self.engine.doc(note.doc_id) if note.doc_id else None
        if info is not None:
            return info.title
        return note.doc_id or tr("a document")

    def text(self, note: Notification) -> str:
        """The notification's sentence (the popup's body, the centre's row)."""
        d, who, title = note.detail, note.actor or tr("someone"), self.title(note)
        event = note.event
        if event == "edit":
            if d.get("ongoing"):
                return tr("{who} is editing {title}").format(who=who, title=title)
            if self.published_since(note):
                return tr("{who} changed {title} (published since)").format(who=who, title=title)
            return tr("{who} changed {title} (not published yet)").format(who=who, title=title)
        if event == "published":
            return self._published(note, title)
        if event in ("flag_raised", "flag_escalated", "flag_state"):
            return self._flag(note, who, title)
        excerpt = _quoted(d.get("excerpt") or "")
        if event == "mention":
            text = tr("{who} mentioned you on {title}").format(who=who, title=title)
        elif event == "reply":
            text = tr("{who} replied on {title}").format(who=who, title=title)
        elif event == "comment":
            text = tr("{who} commented on {title}").format(who=who, title=title)
        elif event == "comment_resolved":
            return tr("{who} resolved your comment on {title}").format(who=who, title=title)
        elif event == "review_requested":
            text = tr("{who} asks you to review {title}").format(who=who, title=title)
            excerpt = _quoted(d.get("note") or "")
        elif event == "review_approved":
            return tr("{who} approved {title}: readers see version {rev} now").format(
                who=who, title=title, rev=d.get("rev", "?")
            )
        elif event == "review_sent_back":
            text = tr("{who} sent {title} back").format(who=who, title=title)
            excerpt = _quoted(d.get("note") or "")
        elif event == "must_read_reminder":
            return tr("Reminder: please read and acknowledge version {rev} of {title}").format(
                rev=d.get("rev", "?"), title=title
            )
        elif event == "must_read_overdue":
            return tr(
                "%n reader(s) have not acknowledged version {rev} of {title} by its due time",
                "",
                int(d.get("waiting") or 0),
            ).format(rev=d.get("rev", "?"), title=title)
        elif event == "review_due":
            return tr(
                "{title} is due for review: is it still right? Mark it as still correct, "
                "or publish a new version."
            ).format(title=title)
        else:
            return note.text  # an event this version does not know: the server's words
        return f"{text}: “{excerpt}”" if excerpt else text

    def published_since(self, note: Notification) -> bool:
        """An edit notification whose changes are no longer "not published yet": its
        author has changed nothing since the latest version (they published, or a
        version was restored over it). The server tells an edit when its author has
        paused for a while, which can be after it was published; and the centre keeps
        the notification while the document moves on."""
        if note.event != "edit" or not note.doc_id or not note.actor:
            return False
        info = self.engine.doc(note.doc_id)
        # Only an editor's view knows who has unpublished changes (and only editors
        # hear of edits); a draft has no version the change could be in.
        return (
            info is not None
            and info.working
            and info.published is not None
            and note.actor not in info.unpublished_by
        )

    def _published(self, note: Notification, title: str) -> str:
        d = note.detail
        rev = int(d.get("rev") or 0)
        text = tr("New version of {title}").format(title=title)
        if d.get("note"):
            text += f": {_quoted(d['note'])}"
        changed = self.changed(note.doc_id or "", rev)
        if changed:
            text += " · " + tr("changed: {sections}").format(sections=", ".join(changed))
        return text

    def changed(self, doc_id: str, rev: int) -> list[str]:
        """The sections a version changed, if this profile holds it and the one before."""
        key = (doc_id, rev)
        if key in self._changed:
            return self._changed[key]
        info = self.engine.doc(doc_id)
        previous = self.engine.previous_revision(doc_id)
        if info is None or info.rev != rev or previous is None or previous[0] != rev - 1:
            return []
        titles = changed_sections(previous[1], self.engine.published_text(doc_id) or "")
        found = [t if t and t != info.title else tr("the introduction") for t in titles]
        self._changed[key] = found = list(dict.fromkeys(found))
        return found

    def _flag(self, note: Notification, who: str, title: str) -> str:
        d = note.detail
        flag = None
        if note.ref and note.ref[0] == "flag":
            flag = self.engine.flag_by_id(note.ref[1])
        reason = reason_words(str(d.get("reason") or (flag.reason if flag else "other")))
        if note.event == "flag_raised":
            text = tr("{who} flagged {title} as {reason}").format(
                who=who, title=title, reason=reason
            )
            words = flag.note if flag else ""
        elif note.event == "flag_escalated":
            text = tr("A flag on {title} waits for an answer ({reason})").format(
                title=title, reason=reason
            )
            words = flag.note if flag else ""
        else:
            state = str(d.get("state") or "")
            said = {
                "open": tr("{who} reopened the flag on {title}"),
                "acknowledged": tr("{who} is looking into the flag on {title}"),
                "resolved": tr("{who} resolved the flag on {title}"),
                "dismissed": tr("{who} dismissed the flag on {title}"),
            }.get(state, tr("{who} changed the flag on {title}"))
            text = said.format(who=who, title=title)
            words = flag.state_note if flag and flag.state == state else ""
        return f"{text}: “{_quoted(words)}”" if words else text
