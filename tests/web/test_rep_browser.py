"""A rep in Chromium: sign-in, search with and without accents, a publication arriving
live, a flagged passage the desktop finds again, sign-in refusal and throttling."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from kmclient.core.anchors import resolve_anchors
from tests.web.browser import Browser
from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"  # Swedish, owned by olle, in anna's topic "parking"


def search(world: World, b: Browser, query: str) -> list[str]:
    box = b.css("#q")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    b.js("arguments[0].focus()", box)
    # Typed as a person types (chromedriver sends each character as key events);
    # non-ASCII goes through the same insertText path an input method uses.
    b.driver.execute_cdp_cmd("Input.insertText", {"text": query})
    world.wait(lambda: b.all("#results") or b.text(".count"), f"results for {query!r}")
    return [el.text.split("\n")[0] for el in b.all("#results li.doc .title")]


def test_rep_signs_in_searches_opens_and_watches_a_publication_arrive(world: World) -> None:
    b = world.browser()
    world.sign_in(b, "anna")
    assert "Knowledge base" in b.driver.title
    titles = [el.text for el in b.all("li.doc .title")]
    assert "Överklaga parkeringsbot" in titles  # her topics: parking, waste, payments
    assert "Personal safety alarm" not in titles  # elderly care: one click away
    b.css("#topics-all").click()
    world.wait(lambda: "Personal safety alarm" in [e.text for e in b.all("li.doc .title")])

    # Search as you type forgives accents and typos, both ways round.
    for query in ("överklaga", "overklaga", "OVERKLAG", "parkeringbot"):
        assert "Överklaga parkeringsbot" in search(world, b, query), query
    assert "Sophämtning vid helgdagar" in search(world, b, "sophamtning helgdag")
    assert search(world, b, "zzzyxq") == []

    # Keyboard first: Ctrl+K, arrows, Enter.
    b.css("body").send_keys(Keys.ESCAPE)
    b.driver.find_element("tag name", "body").send_keys(Keys.CONTROL, "k")
    world.wait(lambda: b.js("return document.activeElement.id") == "q")
    search(world, b, "överklaga parkeringsbot")
    b.css("#q").send_keys(Keys.ENTER)
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    assert "#/doc/overklaga-parkeringsbot" in b.driver.current_url
    assert "bestrider" in b.text("#article")
    assert "Verified" in b.text("#trust")

    # A desktop editor publishes: the open page changes in place, the change marked.
    olle = world.desktop("olle")
    doc = olle.open_doc(DOC)
    end = len(str(doc["body"]).encode())  # pycrdt indices are UTF-8 bytes
    doc["body"].insert(end, "\nNytt från och med i dag: svara inom två veckor.\n")
    olle.close_doc(DOC)
    world.wait(lambda: olle.unconfirmed == 0, "olle's edit acknowledged")
    assert "svara inom två veckor" not in b.text("#article")  # unpublished: not for reps
    olle.publish(DOC, "Ny svarstid")
    world.wait(lambda: "svara inom två veckor" in b.text("#article"), "the new revision")
    changed = [el.text for el in b.all("#article .changed")]
    assert changed == ["Nytt från och med i dag: svara inom två veckor."]
    assert "Version 2" in b.text(".doc-head .meta")


def test_search_snippets_read_as_text_without_the_title_again(world: World) -> None:
    """A hit's snippet is the words a reader sees: no Markdown marks (the emphasis in
    '(*parkeringstillstånd ...*)' left '( parkeringstillstånd ... )'), no list markers,
    and not the title the article opens with, which the hit's own title shows."""
    b = world.browser()
    world.sign_in(b, "anna")
    assert "Disabled parking permit" in search(world, b, "parkng permit")
    hit = next(
        el for el in b.all("#results li.doc") if el.text.startswith("Disabled parking permit")
    )
    snippet = hit.find_element("css selector", ".snippet").text
    assert "(parkeringstillstånd för rörelsehindrade)" in snippet, snippet
    assert not snippet.startswith("Disabled parking permit"), snippet
    assert not any(mark in snippet for mark in ("*", "#", "( ", " )")), snippet


def test_rep_flags_a_passage_and_the_owner_finds_it_in_his_working_copy(world: World) -> None:
    olle = world.desktop("olle")
    b = world.browser()
    world.sign_in(b, "anna")
    b.driver.get(f"{world.base}/#/doc/{DOC}")
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    passage = "Polisens beslut kan överklagas till"
    # Select the passage in the rendered article, as a mouse drag would.
    b.js(
        """
        const [article, text] = arguments
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT)
        while (walker.nextNode()) {
          const at = walker.currentNode.data.indexOf(text)
          if (at < 0) continue
          const range = document.createRange()
          range.setStart(walker.currentNode, at)
          range.setEnd(walker.currentNode, at + text.length)
          getSelection().removeAllRanges()
          getSelection().addRange(range)
          return
        }
        """,
        b.css("#article"),
        passage,
    )
    b.css("#flag-passage").click()
    world.wait(lambda: b.all("dialog[open] #flag-reason"))
    assert b.text("dialog[open] .quote") == passage
    b.css("#flag-reason option[value=outdated]").click()
    b.css("#flag-note").send_keys("The court is the wrong one since 1 May")
    b.css("#flag-send").click()
    world.wait(lambda: b.all(".flag-banner:not([hidden])"), "the flag banner")
    assert "Outdated" in b.text(".flag-banner") and passage in b.text(".flag-banner")

    world.wait(lambda: olle.flags(DOC), "the flag reaching the owner's desktop")
    (flag,) = olle.flags(DOC)
    assert (flag.by, flag.reason, flag.anchor.quote) == ("anna", "outdated", passage)
    # The anchor names CRDT items: the desktop resolves it in its working copy.
    text = olle.open_doc(DOC)["body"]
    try:
        (span,) = resolve_anchors(text, [flag.anchor])
        assert span is not None and str(text)[span[0] : span[1]] == passage
    finally:
        olle.close_doc(DOC)


def test_sign_in_refusal_and_throttling(world: World) -> None:
    b = world.browser()
    b.driver.get(world.base + "/")
    world.wait(lambda: b.all("#signin-user"))
    b.css("#signin-user").send_keys("anna")
    for attempt in range(6):
        b.css("#signin-password").clear()
        b.css("#signin-password").send_keys(f"wrong {attempt}")
        b.css("#signin-submit").click()
        world.wait(
            lambda: b.text("#signin-error") and b.css("#signin-submit").is_enabled(),
            "an answer",
        )
    assert b.text("#signin-error").startswith("Too many failed sign-ins")
    assert b.driver.get_cookies() == []  # no session of any kind
    b.css("#signin-password").clear()
    b.css("#signin-password").send_keys("demo")  # right, but locked for now
    b.css("#signin-submit").click()
    world.wait(
        lambda: "Too many" in b.text("#signin-error") and b.css("#signin-submit").is_enabled()
    )
    assert not b.all("li.doc")

    other = world.browser()
    other.driver.get(world.base + "/")
    world.wait(lambda: other.all("#signin-user"))
    other.css("#signin-user").send_keys("erik")
    other.css("#signin-password").send_keys("nope")
    other.css("#signin-submit").click()
    world.wait(lambda: other.text("#signin-error") == "Wrong user name or password.")
    # A right one signs in; the cookie is HttpOnly and SameSite=Strict, never seen by scripts.
    world.sign_in(other, "erik")
    (cookie,) = other.driver.get_cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert other.js("return document.cookie").find(cookie["value"]) == -1
    assert cookie["value"] not in other.driver.current_url
    other.css(".menu summary").click()
    other.css("#signout").click()
    world.wait(lambda: other.all("#signin-user"), "the sign-in form again")
    other.driver.get(world.base + "/")
    world.wait(lambda: other.all("#signin-user"), "still signed out after a reload")
