"""Comments and notifications in Chromium, with the document's owner at the desktop."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"
QUESTION = "Gäller det här även hyrbilar? 🚙"


def test_a_rep_comments_the_owner_replies_and_she_is_notified(world: World) -> None:
    olle = world.desktop("olle")
    b = world.browser()
    world.sign_in(b, "anna")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "m")
    world.wait(lambda: b.all("#comment-body"), "the comments panel")
    b.css("#comment-body").click()
    b.driver.execute_cdp_cmd("Input.insertText", {"text": QUESTION})
    b.css(".comment-form button[type=submit]").click()
    world.wait(lambda: QUESTION in b.text("#comment-list"), "her comment listed")

    world.wait(lambda: olle.comments(DOC), "the comment at the owner's desktop")
    (thread,) = olle.comments(DOC)
    root = thread.root
    assert root.body == QUESTION and root.by == "anna"
    unread_before = b.text("#bell")
    b.css("#comment-body").click()
    b.driver.execute_cdp_cmd("Input.insertText", {"text": "halvskrivet"})  # a draft in progress
    olle.comment(DOC, "@anna Ja, samma regler gäller.", parent=root.id)

    world.wait(lambda: "samma regler" in b.text("#comment-list"), "the reply in her panel")
    assert b.css("#comment-body").get_attribute("value") == "halvskrivet"  # not eaten
    world.wait(lambda: b.text("#bell") != unread_before, "a notification")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "n")
    world.wait(lambda: b.all("#notifications li.unread"), "the notifications panel")
    assert "olle" in b.text("#notifications")
    b.css("#mark-read").click()
    world.wait(lambda: not b.all("#notifications li.unread") and b.text("#bell") == "")


def test_notifications_are_said_in_the_readers_language(world: World) -> None:
    olle = world.desktop("olle")
    b = world.browser(lang="sv-SE")
    world.sign_in(b, "anna")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "m")
    world.wait(lambda: b.all("#comment-body"), "the comments panel")
    b.driver.execute_cdp_cmd("Input.insertText", {"text": QUESTION})
    b.css(".comment-form button[type=submit]").click()
    world.wait(lambda: olle.comments(DOC), "the comment at the owner's desktop")
    (thread,) = olle.comments(DOC)
    olle.comment(DOC, "@anna Ja, samma regler gäller.", parent=thread.root.id)

    said = "olle nämnde dig i Överklaga parkeringsbot: “@anna Ja, samma regler gäller.”"
    toasts = "return [...document.querySelectorAll('#toasts .toast')].map((e) => e.textContent)"
    world.wait(lambda: said in b.js(toasts), "the popup, in Swedish")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "n")
    world.wait(lambda: b.all("#notifications li.unread"), "the notifications panel")
    rows = [a.text for a in b.all("#notifications li a")]
    assert said in rows
    # The demo's new version too, and none of the server's English summaries.
    assert "Ny version av Residential parking permit: Zone B fee is 600 SEK from 1 March" in rows
    texts = b.js("return window.kmdesk.store.recordsOf('notification').map((r) => r.data.text)")
    assert not set(texts) & set(rows), rows
