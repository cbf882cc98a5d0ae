"""A web session the server ends (a new role, a new password, signed out elsewhere):
the page goes back to sign-in and keeps nothing of the documents on screen."""

from __future__ import annotations

from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "parking-residential-permit"  # owned by olle, two published versions


def set_role(world: World, name: str, role: str) -> None:
    """``kmserver user set NAME --role ROLE``: every session of the user ends."""
    db = Database(world.server.db_url)
    try:
        Accounts(db).update_user(name, role=role)
    finally:
        db.dispose()


def page_text(b: Browser) -> str:
    """Everything in the DOM, shown or not (textContent, not innerText)."""
    return b.js("return document.documentElement.textContent")


def test_a_session_ended_by_the_server_leaves_no_document_on_the_page(world: World) -> None:
    b = world.browser()
    world.sign_in(b, "olle")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Residential parking permit")
    b.css("#comments").click()  # the side panel open too
    world.wait(lambda: b.all("#comment-body"), "the comments panel")
    b.css("#edit").click()
    world.wait(lambda: b.all(".cm-content"), "the editor")
    b.css("#history-edit").click()
    world.wait(lambda: b.all("#diff ins"), "the History dialog with its diff")
    secret = b.css("#diff").text.split("\n")[1][:60]  # a line of the internal text
    assert secret and secret in page_text(b)

    set_role(world, "olle", "supervisor")
    world.wait(lambda: b.all("#signin-user"), "the sign-in form")
    world.wait(lambda: not b.all("dialog"), "no dialog left over the sign-in form")
    assert secret not in page_text(b)
    assert not b.all(".cm-content, #article, #panel, #diff")
    # The sign-in form is usable (nothing modal above it) and signs in again.
    world.sign_in(b, "olle")
    assert "supervisor" in b.css(".menu .role").get_attribute("textContent")


def test_the_ended_session_is_said_in_the_users_language_and_keeps_the_name(
    world: World,
) -> None:
    b = world.browser(lang="sv-SE")
    world.sign_in(b, "anna")
    set_role(world, "anna", "owner")
    world.wait(lambda: b.all("#signin-user"), "the sign-in form")
    ended = "Din session har upphört; ange ditt lösenord för att fortsätta."
    world.wait(lambda: b.text("#signin-error") == ended, "why, in Swedish")
    assert b.css("#signin-user").get_attribute("value") == "anna"
    assert b.js("return document.activeElement.id") == "signin-password"
    assert b.js("return document.documentElement.lang") == "sv"
    # The language link says it again in English, the name still there.
    b.css(".signin .aside a[href='#']").click()
    world.wait(lambda: b.text("#signin-submit") == "Sign in", "the form in English")
    assert b.text("#signin-error") == "Your session ended; enter your password to go on."
    assert b.css("#signin-user").get_attribute("value") == "anna"
    b.css("#signin-password").send_keys("demo")
    b.css("#signin-submit").click()
    world.wait(lambda: b.all("li.doc"), "anna signed in again, without reloading")
