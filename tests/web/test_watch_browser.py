"""Watch settings in Chromium: the open document's Watch menu and the watch screen's
topics, with the desktop's choices for the user's role; what is set on the web is the
server's (the desktop sees it, the matching notifications arrive), a change made at
the desktop shows at once, a refusal says why and changes nothing; keyboard and
Swedish."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kmclient.ui.notify.watch_menu import levels
from kmserver.embedded import EmbeddedServer
from kmserver.limits import Limits, Rate
from kmserver.store.feedback_models import WatchPref
from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"  # Swedish, owned by olle, in anna's topic "parking"
TITLE = "Överklaga parkeringsbot"
MENU = ".watch-menu:not([hidden])"


def open_doc(world: World, b: Browser, doc: str = DOC) -> None:
    b.driver.get(f"{world.base}/#/doc/{doc}")
    world.wait(lambda: b.all("#watch-doc") and b.text("#doc-title"), "the document and its Watch")


def menu_levels(b: Browser) -> list[tuple[str, str, bool]]:
    """(level, words, checked) of the open menu's choices."""
    return [
        (
            el.get_attribute("data-level"),
            el.find_element("css selector", ".choice-label").text,
            el.get_attribute("aria-checked") == "true",
        )
        for el in b.all(f"{MENU} [role=menuitemradio]")
    ]


def desktop_words(reader: bool) -> list[tuple[str, str]]:
    return [(level, words.replace("&", "")) for level, words in levels(reader)]


def settled(b: Browser, selector: str, text: str) -> bool:
    """The control at ``selector`` says ``text`` and waits for no answer."""
    el = b.css(selector)
    return el.text == text and el.get_attribute("aria-busy") == "false"


def notified(b: Browser, event: str, doc: str = DOC) -> bool:
    return bool(
        b.js(
            "return window.kmdesk.store.recordsOf('notification')"
            ".some((r) => r.data.event === arguments[0] && r.doc === arguments[1])",
            event,
            doc,
        )
    )


def toasts(b: Browser) -> list[str]:
    return b.js("return [...document.querySelectorAll('#toasts .toast')].map((e) => e.textContent)")


def test_a_rep_watches_a_document_and_hears_of_its_comments(world: World) -> None:
    olle = world.desktop("olle")
    anna_desk = world.desktop("anna")
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    assert b.text("#watch-doc") == "Watch: default"
    assert b.css("#watch-doc").get_attribute("aria-haspopup") == "menu"
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    assert b.css("#watch-doc").get_attribute("aria-expanded") == "true"
    # A rep reads published versions: the desktop's one choice for edits, worded so.
    assert [(lv, w) for lv, w, _ in menu_levels(b)] == desktop_words(reader=True)
    assert [lv for lv, _, checked in menu_levels(b) if checked] == ["default"]
    assert "new versions and mentions (your topic)" in b.text(f"{MENU} [data-level=default]")
    assert "Must-read updates always reach you" in b.text(MENU)
    assert b.css(MENU).get_attribute("aria-label") == "Watch this document"

    b.css(f"{MENU} [data-level=digest]").click()
    world.wait(lambda: settled(b, "#watch-doc", "Watch: new versions"), "the setting saved")
    assert not b.all(MENU)
    assert "Watching this document: new versions, flags and comments" in toasts(b)
    world.wait(lambda: anna_desk.watch_level(doc_id=DOC) == "digest", "the setting at her desktop")

    # What it is for: a rep's default does not tell her of comments; her setting does.
    olle.comment(DOC, "Kom ihåg att fråga efter registreringsnumret.")
    world.wait(lambda: notified(b, "comment"), "the comment's notification on the web")


def test_an_owner_is_offered_the_editors_choices(world: World) -> None:
    b = world.browser()
    world.sign_in(b, "olle")
    open_doc(world, b)
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    assert [(lv, w) for lv, w, _ in menu_levels(b)] == desktop_words(reader=False)
    assert "everything (you edit this document)" in b.text(f"{MENU} [data-level=default]")


def test_a_change_at_the_desktop_shows_at_once_and_default_removes_the_setting(
    world: World,
) -> None:
    anna_desk = world.desktop("anna")
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    anna_desk.watch(doc_id=DOC, level="off")
    world.wait(lambda: settled(b, "#watch-doc", "Watch: off"), "the desktop's setting, live")

    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    assert [lv for lv, _, checked in menu_levels(b) if checked] == ["off"]
    focused = b.js("return document.activeElement.dataset.level")
    anna_desk.watch(doc_id=DOC, level="mentions_only")  # while the menu is open
    world.wait(
        lambda: [lv for lv, _, checked in menu_levels(b) if checked] == ["mentions_only"],
        "the open menu following the desktop",
    )
    assert b.js("return document.activeElement.dataset.level") == focused  # keyboard kept

    # "Default for my role" removes the setting: the role's default applies again.
    b.css(f"{MENU} [data-level=default]").click()
    world.wait(lambda: settled(b, "#watch-doc", "Watch: default"), "back to the default")
    world.wait(lambda: anna_desk.watch_level(doc_id=DOC) is None, "no setting at the desktop")


def test_a_topic_is_watched_from_the_watch_screen_by_keyboard(world: World) -> None:
    olle = world.desktop("olle")
    anna_desk = world.desktop("anna")
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    body = b.css("body")
    body.send_keys(Keys.CONTROL, Keys.SHIFT, "n")
    world.wait(lambda: b.all("#open-watch-settings"), "the notifications panel")
    b.css("#open-watch-settings").send_keys(Keys.ENTER)
    world.wait(lambda: b.all("#watch-topics"), "the watch screen")
    rows = b.all("#watch-topics li.watch-row")
    # Her topics first, each with its number of documents, plural-correct.
    assert [r.get_attribute("data-topic") for r in rows[:3]] == ["parking", "payments", "waste"]
    for row in rows:
        count = row.find_element("css selector", ".sub").text.split(" · ")[0]
        n = int(count.split()[0])
        assert count == ("1 document" if n == 1 else f"{n} documents"), count
    parking = '#watch-topics li[data-topic="parking"] .watch-button'
    assert b.js("return document.activeElement") == b.css(parking)  # the keyboard is in it
    label = b.css(parking).get_attribute("aria-label")
    assert label == "Watch topic “Parking”: default", label
    assert b.all("#watch-docs-none")  # no document has a setting of its own yet

    active = b.driver.switch_to.active_element
    active.send_keys(Keys.ENTER)
    world.wait(lambda: b.all(MENU), "the topic's menu")
    assert b.js("return document.activeElement.dataset.level") == "default"  # the current one
    ring = b.js("return getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid", ring  # a visible focus ring
    assert [(lv, w) for lv, w, _ in menu_levels(b)] == desktop_words(reader=True)
    b.driver.switch_to.active_element.send_keys(Keys.HOME)
    assert b.js("return document.activeElement.dataset.level") == "digest"
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    world.wait(lambda: not b.all(MENU), "the menu closed")
    assert b.js("return document.activeElement") == b.css(parking)
    world.wait(lambda: anna_desk.watch_level(topic="parking") == "digest", "stored on the server")
    world.wait(
        lambda: b.css(parking).get_attribute("aria-label") == "Watch topic “Parking”: new versions",
        "the row saying it",
    )
    world.wait(
        lambda: [e.text for e in b.all("#doclist li.topic .topic-watch")] == ["new versions"],
        "the topic's setting beside its name in the list",
    )
    # The open document has no setting of its own: its topic's applies, and it says so.
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU))
    assert "new versions, flags and comments (topic Parking)" in b.text(MENU)
    b.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    world.wait(lambda: not b.all(MENU), "Escape closes the menu")
    assert b.js("return document.activeElement.id") == "watch-doc"
    assert b.text("#doc-title") == TITLE  # Escape in the menu does not close the document

    olle.comment(DOC, "En kommentar som bara ämnets bevakare hör om.")
    world.wait(lambda: notified(b, "comment"), "the comment's notification, by her topic")

    # Escape in the panel closes it.
    b.css(parking).send_keys(Keys.ESCAPE)
    world.wait(lambda: b.css("#panel").get_attribute("hidden") is not None, "the panel closed")


def test_a_setting_made_offline_is_sent_on_reconnect_and_her_other_tab_follows(
    world: World,
) -> None:
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    other = world.browser(1280, 800)
    world.sign_in(other, "anna")
    open_doc(world, other)
    world.server.stop()
    world.wait(lambda: "online" not in b.css("#status").get_attribute("class"), "offline")
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    b.css(f"{MENU} [data-level=off]").click()
    world.wait(lambda: b.text("#watch-doc") == "Watch: off · unsent", "the choice, waiting")
    assert b.css("#watch-doc").get_attribute("aria-busy") == "true"

    world.server.start()  # same port, same database
    world.wait(lambda: settled(b, "#watch-doc", "Watch: off"), "sent and stored")
    world.wait(lambda: settled(other, "#watch-doc", "Watch: off"), "her other tab, live")


@pytest.fixture
def strict_world(tmp_path: Path, demo_template: Path) -> Iterator[World]:
    """A server whose request bucket refills once in 1,000 s (a flood of requests from
    another device, say): a request beyond it is refused with rate_limited."""
    shutil.copy(demo_template, tmp_path / "server.db")
    limits = Limits(request_rate=Rate(0.001, 1000))
    srv = EmbeddedServer(f"sqlite:///{tmp_path / 'server.db'}", limits=limits).start()
    w = World(srv, tmp_path)
    yield w
    w.close()
    srv.stop()


def test_a_refused_change_says_why_and_changes_nothing(strict_world: World) -> None:
    world = strict_world
    b = world.browser()
    world.sign_in(b, "anna")
    open_doc(world, b)
    assert world.server.server is not None
    world.server.server.rates.requests.get("anna").tokens = 0.0  # her requests spent
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    b.css(f"{MENU} [data-level=off]").click()
    said = "Not changed: too many changes in a short time; try again in"
    world.wait(lambda: any(said in t for t in toasts(b)), "the refusal, said")
    assert b.css("#toasts .toast.error").get_attribute("role") == "alert"
    world.wait(lambda: settled(b, "#watch-doc", "Watch: default"), "the control as it was")
    engine = create_engine(world.server.db_url)
    try:
        with Session(engine) as s:
            assert s.scalars(select(WatchPref).where(WatchPref.user == "anna")).all() == []
    finally:
        engine.dispose()


def test_swedish_on_a_phone(world: World) -> None:
    b = world.browser(420, 860, lang="sv-SE")
    world.sign_in(b, "anna")
    open_doc(world, b)
    assert b.text("#watch-doc") == "Bevaka: standard"
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU), "the Watch menu")
    assert [w for _, w, _ in menu_levels(b)] == [
        "Nya versioner, flaggor och kommentarer",
        "Bara omnämnanden",
        "Av",
        "Standard för min roll",
    ]
    assert "Obligatorisk läsning når dig alltid" in b.text(MENU)
    box = b.js(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return [r.left, r.right, r.top, r.bottom, innerWidth, innerHeight]",
        MENU,
    )
    left, right, top, bottom, width, height = box
    assert left >= 0 and right <= width and top >= 0 and bottom <= height, box
    b.css(f"{MENU} [data-level=off]").click()
    world.wait(lambda: settled(b, "#watch-doc", "Bevaka: av"), "saved")
    assert "Bevakar det här dokumentet: av" in toasts(b)
    b.css("#watch-doc").click()
    world.wait(lambda: b.all(MENU))
    b.css(f"{MENU} .watch-more").click()
    world.wait(lambda: b.all("#watch-docs li.watch-row"), "the watch screen, full screen")
    assert b.text("#watch-title") == "Bevakning"
    row = b.css(f'#watch-docs li[data-doc="{DOC}"]')
    assert TITLE in row.text and "av" in row.text
    assert b.js("return document.documentElement.scrollWidth <= innerWidth")
