"""From a 360 px phone to a 4K screen, light and dark, English and Swedish: nothing
runs off the side, and the words are the user's language."""

from __future__ import annotations

import pytest

from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "parking-residential-permit"  # has a wide table


def overflow(b: Browser) -> int:
    return b.js("return document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(("width", "height"), [(360, 740), (390, 844), (1440, 900), (3840, 2160)])
def test_no_page_runs_off_the_side(world: World, width: int, height: int) -> None:
    b = world.browser(width, height)
    world.sign_in(b, "anna")
    assert overflow(b) <= 0
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Residential parking permit")
    assert overflow(b) <= 0  # the table scrolls inside the article instead
    for path in ("/help/", f"/help/articles/{DOC}", "/help/search?q=parkering"):
        b.driver.get(world.base + path)
        world.wait(lambda: b.all("main"))
        assert overflow(b) <= 0, path


def test_swedish_and_dark(world: World) -> None:
    b = world.browser(390, 844, "sv-SE")
    b.driver.get(world.base + "/")
    world.wait(lambda: b.all("#signin-submit"))
    assert b.text("#signin-submit") == "Logga in"
    b.js("localStorage.setItem('kmdesk.theme', 'dark')")
    world.sign_in(b, "erik")
    assert b.css("#status").get_attribute("textContent") == "Ansluten"  # a dot on a phone
    assert b.text("#topics-all") == "Alla ämnen"
    background = b.js("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 29)", background
    b.driver.get(world.base + "/help/")
    world.wait(lambda: b.all("main"))
    assert b.driver.title == "Hjälpcentrum"


@pytest.mark.parametrize("width", [420, 1400])
def test_the_history_diff_scrolls_inside_its_dialog_at_the_first_change(
    world: World, width: int
) -> None:
    b = world.browser(width, 900)
    world.sign_in(b, "anna")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Residential parking permit")
    b.css("#history").click()
    world.wait(lambda: b.all("#diff ins"), "the diff")
    rect = "return arguments[0].getBoundingClientRect().toJSON()"
    dialog = b.js(rect, b.css(".history-dialog"))
    diff = b.js(rect, b.css("#diff"))
    hint = b.js(rect, b.css(".history-dialog > .hint"))
    first = b.js(rect, b.css("#diff ins, #diff del"))
    assert dialog["top"] >= 0 and dialog["bottom"] <= b.js("return innerHeight"), dialog
    assert b.js("return arguments[0].scrollHeight", b.css(".history-dialog")) <= dialog["height"]
    assert diff["bottom"] <= hint["top"], (diff, hint)  # the diff does not cover the hint
    assert diff["bottom"] <= dialog["bottom"]
    # The text is longer than the box: it scrolls there, and shows its first change.
    assert b.js("return arguments[0].scrollHeight > arguments[0].clientHeight", b.css("#diff"))
    world.wait(
        lambda: (
            diff["top"] <= b.js(rect, b.css("#diff ins, #diff del"))["top"]
            and b.js(rect, b.css("#diff ins, #diff del"))["bottom"] <= diff["bottom"]
        ),
        f"the first change ({first}) in view in the diff ({diff})",
    )
    assert overflow(b) <= 0


@pytest.mark.parametrize(
    ("lang", "user", "role", "flags"),
    [
        ("sv-SE", "anna", "handläggare", "1 öppen flagga"),
        ("sv-SE", "olle", "innehållsägare", "1 öppen flagga"),
        ("en-GB", "anna", "rep", "1 open flag"),
    ],
)
def test_roles_and_counts_in_the_users_words(
    world: World, lang: str, user: str, role: str, flags: str
) -> None:
    b = world.browser(lang=lang)
    world.sign_in(b, user)
    assert b.css(".menu .role").get_attribute("textContent") == f"{user} · {role}"
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.all("#flag-doc"), "the document")
    assert not b.all("#trust .flag")
    b.css("#flag-doc").click()  # the demo has no flags: one of our own
    world.wait(lambda: b.all("dialog[open] #flag-send"))
    b.css("#flag-send").click()
    world.wait(lambda: b.all("#trust .flag"), "the trust line's flag")
    assert b.text("#trust .flag") == flags
    world.wait(
        lambda: b.css("li.doc.open .badge.flag").get_attribute("title") == flags,
        "the flag on the list's badge too, in the same words",
    )
    # Another flag, from the desktop, while the keyboard is in the list: the badge
    # counts it (plural now) and the focus stays on the document's row.
    b.js("document.querySelector('li.doc.open').focus()")
    world.desktop("sara").flag(DOC, "unclear")
    two = {"1 öppen flagga": "2 öppna flaggor", "1 open flag": "2 open flags"}[flags]
    world.wait(
        lambda: b.css("li.doc.open .badge.flag").get_attribute("title") == two,
        "the desktop's flag counted on the list",
    )
    assert b.js("return document.activeElement.matches('li.doc.open')")
    assert b.text("#trust .flag") == two


def test_a_drafts_badge_in_the_users_words(world: World) -> None:
    b = world.browser(lang="sv-SE")
    world.sign_in(b, "olle")  # the demo's draft "Night parking rules" is his
    world.wait(lambda: b.all("li.doc .badge.status"), "the draft's badge")
    row = next(el for el in b.all("li.doc") if "Night parking rules" in el.text)
    assert row.find_element("css selector", ".badge.status").text == "utkast"
