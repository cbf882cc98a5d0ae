"""The web app through a dropped connection: what is open stays readable, search
answers from what the page holds, a flag and an editor's typing made offline are
sent on reconnect, once."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"
TYPED = "Skrivet utan nät ✈️ – åäö. "


def test_a_dropped_connection_loses_nothing_and_sends_nothing_twice(world: World) -> None:
    sara = world.desktop("sara")  # a supervisor at the desktop: sees flags and the working copy
    rep = world.browser()
    world.sign_in(rep, "anna")
    rep.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: rep.text("#doc-title") == "Överklaga parkeringsbot")
    editor = world.browser(1280, 800)
    world.sign_in(editor, "olle")
    editor.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: editor.all("#edit"))
    editor.css("#edit").click()
    world.wait(lambda: editor.all(".cm-content"))

    world.server.stop()
    for b in (rep, editor):
        world.wait(lambda b=b: "online" not in b.css("#status").get_attribute("class"), "offline")
    assert "bestrider" in rep.text("#article")  # still readable
    rep.css("#q").click()
    rep.driver.execute_cdp_cmd("Input.insertText", {"text": "sophamtning"})
    world.wait(lambda: "Sophämtning vid helgdagar" in rep.text("#results"), "offline search")
    rep.css("#q").send_keys(Keys.ESCAPE)

    rep.css("#flag-doc").click()
    world.wait(lambda: rep.all("dialog[open] #flag-reason"))
    rep.css("#flag-reason option[value=unclear]").click()
    rep.css("#flag-send").click()
    world.wait(lambda: "1 unsent" in rep.text("#status"), "the flag waiting")

    editor.css(".cm-content").click()
    editor.css(".cm-content").send_keys(Keys.CONTROL, Keys.HOME)
    editor.driver.execute_cdp_cmd("Input.insertText", {"text": TYPED})
    world.wait(lambda: "unsent" in editor.text("#status"), "the edit waiting")

    world.server.start()  # same port, same database
    for b in (rep, editor):
        world.wait(lambda b=b: b.text("#status") == "Online", "back online, nothing unsent")
    world.wait(lambda: sara.flags(DOC) and TYPED in (sara.text(DOC) or ""), "both at the desktop")
    (flag,) = sara.flags(DOC)
    assert (flag.by, flag.reason) == ("anna", "unclear")
    assert sara.text(DOC).count(TYPED) == 1
    world.wait(lambda: rep.all(".flag-banner:not([hidden])"))
    assert len(rep.all(".flag-banner p")) == 1


def test_a_page_closed_while_offline_sends_its_changes_next_time(world: World) -> None:
    sara = world.desktop("sara")
    b = world.browser()
    world.sign_in(b, "olle")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.all("#edit"))
    b.css("#edit").click()
    world.wait(lambda: b.all(".cm-content"))

    world.server.stop()
    world.wait(lambda: "online" not in b.css("#status").get_attribute("class"), "offline")
    b.css(".cm-content").click()
    b.css(".cm-content").send_keys(Keys.CONTROL, Keys.HOME)
    b.driver.execute_cdp_cmd("Input.insertText", {"text": "Stängd flik, inget förlorat. "})
    b.css("#done").click()
    b.css("#flag-doc").click()
    world.wait(lambda: b.all("dialog[open] #flag-reason"))
    b.css("#flag-reason option[value=missing]").click()
    b.css("#flag-send").click()
    world.wait(lambda: "unsent" in b.text("#status"), "waiting changes")
    b.driver.get("about:blank")  # the tab is closed, the server still away

    world.server.start()
    b.driver.get(world.base + "/")  # the next time, same browser: the cookie and the saved outbox
    world.wait(lambda: b.text("#status") == "Online", "online, nothing unsent")
    world.wait(
        lambda: "Stängd flik, inget förlorat." in (sara.text(DOC) or "") and sara.flags(DOC),
        "the edit and the flag at the desktop",
    )
    assert sara.text(DOC).count("Stängd flik, inget förlorat.") == 1
    assert [(f.by, f.reason) for f in sara.flags(DOC)] == [("olle", "missing")]
    assert b.js("return Object.keys(localStorage).filter(k => k.startsWith('kmdesk.outbox'))") == []
