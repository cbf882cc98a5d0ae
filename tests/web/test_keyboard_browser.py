"""The keyboard on the rep's screen: where the focus goes after an action, and what
Enter does in the flag dialog (as on the desktop)."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"  # Swedish, in anna's topic "parking"


def focused(b: Browser) -> str:
    return b.js("return document.activeElement.id || document.activeElement.tagName")


def open_doc(world: World, b: Browser) -> None:
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")


def test_comments_put_the_focus_in_the_comment_field(world: World) -> None:
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    b.css("#comments").click()
    world.wait(lambda: focused(b) == "comment-body", "the focus in the comment field")
    b.driver.switch_to.active_element.send_keys("Gäller detta även helgdagar?")
    assert b.css("#comment-body").get_attribute("value") == "Gäller detta även helgdagar?"
    b.css("#panel .close").click()  # closed, then the keyboard way: Ctrl+Shift+M
    world.wait(lambda: not b.css("#panel").is_displayed())
    b.css("#article").click()
    ActionChains(b.driver).key_down(Keys.CONTROL).key_down(Keys.SHIFT).send_keys("m").key_up(
        Keys.SHIFT
    ).key_up(Keys.CONTROL).perform()
    world.wait(lambda: focused(b) == "comment-body", "the focus in the comment field again")


def test_enter_in_the_flag_dialog_sends_and_the_note_has_a_label(world: World) -> None:
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    b.css("#flag-doc").click()
    world.wait(lambda: focused(b) == "flag-reason", "the reason list focused")
    assert b.css("#flag-note").accessible_name == "What is wrong? (optional)"
    assert b.css("#flag-reason").accessible_name == "Reason"
    b.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)  # Incorrect
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    world.wait(lambda: not b.all("dialog"), "the dialog sent and closed")
    world.wait(lambda: b.all("#trust .flag"), "the flag on the document")
    reasons = b.js(
        "return window.kmdesk.store.openFlags(arguments[0]).map((f) => f.data.reason)", DOC
    )
    assert reasons == ["incorrect"]


def test_shortcuts_and_popups_act_once_after_a_language_switch(world: World) -> None:
    olle = world.desktop("olle")
    b = world.browser()
    world.sign_in(b, "anna")
    b.css(".menu summary").click()
    b.css("#lang").click()  # the shell is built again, in Swedish
    world.wait(lambda: b.text("#topics-all") == "Alla ämnen")
    open_doc(world, b)
    b.css("#article").click()
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "m")  # once: open, not open-and-close
    world.wait(lambda: focused(b) == "comment-body", "the comments panel open")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "m")
    world.wait(lambda: not b.css("#panel").is_displayed(), "closed by the second press")
    b.css("body").send_keys(Keys.CONTROL, Keys.SHIFT, "m")
    world.wait(lambda: focused(b) == "comment-body", "open again by the third")
    # A notification after the switch pops up once (not once per shell built).
    olle.comment(DOC, "@anna Titta på stycket om avgifter.")
    said = "olle nämnde dig i Överklaga parkeringsbot: “@anna Titta på stycket om avgifter.”"
    toasts = "return [...document.querySelectorAll('#toasts .toast')].map((e) => e.textContent)"
    world.wait(lambda: said in b.js(toasts), "the popup")
    assert b.js(toasts).count(said) == 1
