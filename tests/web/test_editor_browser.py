"""An editor in Chromium co-editing a working copy with a desktop user: Swedish text
and emoji converge, carets carry names both ways, undo takes back only one's own
edits, and a publication from the browser reaches a desktop rep."""

from __future__ import annotations

import json

from pycrdt import Assoc
from selenium.webdriver.common.keys import Keys

from kmclient.core.model import AwarenessReceived
from kmserver.protocol import awareness as wire
from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"  # owned by olle
MINE = "Hej från webben: åäö ÅÄÖ 🚗🎉 "
THEIRS = "Tack från skrivbordet 👍 – ö\n"


def working_text(b: Browser, doc: str = DOC) -> str:
    return b.js("return window.kmdesk.store.workingText(arguments[0])", doc)


def type_text(b: Browser, text: str) -> None:
    # What an input method delivers: committed text, emoji included (chromedriver's
    # key events cannot carry characters outside the BMP).
    b.driver.execute_cdp_cmd("Input.insertText", {"text": text})


def test_editor_co_edits_with_a_desktop_user_and_publishes(world: World) -> None:
    sara = world.desktop("sara")  # a supervisor at the desktop app
    anna = world.desktop("anna")  # a rep at the desktop app
    heard: list[AwarenessReceived] = []
    sara.listen(lambda e: heard.append(e) if isinstance(e, AwarenessReceived) else None)

    b = world.browser()
    world.sign_in(b, "olle")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    b.css("#edit").click()
    world.wait(lambda: b.all(".cm-content"), "the editor")
    b.css(".cm-content").click()
    b.css(".cm-content").send_keys(Keys.CONTROL, Keys.HOME)

    # The desktop user opens the same working copy, caret at the start, and types at the end.
    doc = sara.open_doc(DOC)
    text = doc["body"]
    cursor = text.sticky_index(0, Assoc.AFTER).to_json()
    state = {
        "user": {"name": "sara", "color": "#c62828"},
        "cursor": {"anchor": cursor, "head": cursor},
    }
    sara.send_awareness(DOC, wire.encode([(4242, 1, json.dumps(state))]))
    world.wait(
        lambda: "sara" in b.text(".cm-ySelectionInfo") or b.all(".cm-ySelectionCaret"),
        "sara's caret in the browser",
    )

    type_text(b, MINE)
    text.insert(len(str(text).encode()), THEIRS)  # pycrdt indices are UTF-8 bytes
    world.wait(
        lambda: MINE in str(text) and THEIRS in working_text(b) and str(text) == working_text(b),
        "both edits on both sides",
    )
    assert str(text).startswith(MINE) and str(text).endswith(THEIRS)
    # olle's caret, with his name, reached the desktop.
    world.wait(lambda: any(b"olle" in e.payload for e in heard if e.doc_id == DOC), "olle's caret")

    # Undo takes back olle's typing, never sara's.
    b.css(".cm-content").send_keys(Keys.CONTROL, "z")
    world.wait(lambda: MINE not in str(text) and str(text) == working_text(b), "the undo")
    assert str(text).endswith(THEIRS)
    type_text(b, "Ändrat i webbläsaren. ")
    world.wait(lambda: "Ändrat i webbläsaren." in str(text))
    sara.close_doc(DOC)

    # Publish from the browser: the desktop rep reads the new revision.
    b.css("#publish").click()
    world.wait(lambda: b.all("dialog[open] #publish-note"))
    type_text(b, "Svarstid och tack")
    b.css("#publish-send").click()
    world.wait(lambda: "Ändrat i webbläsaren." in (anna.text(DOC) or ""), "the rep's new revision")
    assert THEIRS.strip() in anna.text(DOC)
    assert anna.doc(DOC).published.note == "Svarstid och tack"

    # History and the word diff of the new revision.
    b.css("#done").click()
    world.wait(lambda: b.all("#history"))
    b.css("#history").click()
    world.wait(lambda: b.all("#diff ins"), "the diff")
    assert "Ändrat i webbläsaren." in " ".join(el.text for el in b.all("#diff ins"))
    assert b.all("#revisions li")[0].text.startswith("2")


def toasts(b: Browser) -> list[str]:
    return [el.get_attribute("textContent") for el in b.all("#toasts .toast")]


def test_after_publishing_the_keyboard_is_back_in_the_text(world: World) -> None:
    permit, refunds = "parking-residential-permit", "payments-refunds"  # refunds: review first
    b = world.browser()
    world.sign_in(b, "olle")
    b.driver.get(f"{world.base}/#/doc/{permit}")
    world.wait(lambda: b.text("#doc-title") == "Residential parking permit")
    b.css("#edit").click()
    world.wait(lambda: b.js("return document.activeElement.matches('.cm-content')"), "the editor")
    type_text(b, "Ny rad. ")
    b.css("#publish").click()
    world.wait(lambda: b.all("dialog[open] #publish-note"))
    b.css("#publish-note").send_keys("Rättat", Keys.ENTER)  # Enter in the note sends
    world.wait(lambda: "Published version 3." in toasts(b), "the publication")
    world.wait(
        lambda: b.js("return document.activeElement.matches('.cm-content')"),
        "the focus back in the text, not on Publish",
    )
    # The next keys typed go into the text; nothing opens the dialog (or publishes) again.
    b.driver.switch_to.active_element.send_keys(" ", Keys.ENTER, "x")
    world.wait(lambda: "Ny rad.  \nx" in working_text(b, permit), "the keys in the text")
    assert not b.all("dialog")
    assert b.js("return document.activeElement.matches('.cm-content')")

    # An owner who needs a review: the message says what happened, not the button's name.
    b.css("#done").click()
    b.driver.get(f"{world.base}/#/doc/{refunds}")
    world.wait(lambda: b.all("#edit") and b.text("#doc-title") != "Residential parking permit")
    b.css("#edit").click()
    world.wait(lambda: b.text("#publish") == "Submit for review", "the editor of a reviewed doc")
    type_text(b, "Granska gärna. ")
    b.css("#publish").click()
    world.wait(lambda: b.all("dialog[open] #publish-send"))
    b.css("#publish-send").click()
    world.wait(lambda: "Submitted: a supervisor reviews it" in toasts(b), "the submission said")
    assert "Submit for review" not in toasts(b)
    world.wait(lambda: b.js("return document.activeElement.matches('.cm-content')"))
