"""A citizen on the public help centre in Chromium: browse, search as you type, an
article updated live, and not a trace of any internal document by any URL."""

from __future__ import annotations

from urllib.parse import quote

from kmserver.protocol.docmeta import PUBLISHED
from kmserver.store import documents as docs
from kmserver.store.database import Database
from tests.web.browser import Browser
from tests.web.conftest import World

PUBLIC_DOC = "sophamtning-vid-helgdagar"  # Swedish, public, owned by olle


def catalog(world: World) -> tuple[list, list]:
    db = Database(world.server.db_url)
    try:
        with db.read() as s:
            metas = docs.all_metas(s)
    finally:
        db.dispose()
    public = [m for m in metas if "public" in m.audience and m.status == PUBLISHED]
    return public, [m for m in metas if m not in public]


def status_of(b: Browser, path: str) -> int:
    return b.js("return fetch(arguments[0], {credentials: 'include'}).then(r => r.status)", path)


def test_a_visitor_reads_public_articles_and_cannot_reach_an_internal_one(world: World) -> None:
    public, internal = catalog(world)
    assert len(public) == 12 and len(internal) >= 22  # the demo story adds a draft
    b = world.browser(390, 844)
    b.driver.get(world.base + "/help/")
    world.wait(lambda: b.all(".topic"))
    assert b.driver.title == "Help centre"
    listed = {a.get_attribute("href").rsplit("/", 1)[1] for a in b.all(".topic li a")}
    assert listed == {m.id for m in public}

    # Search as you type, accents forgiven.
    box = b.css("form.search input")
    box.click()
    b.driver.execute_cdp_cmd("Input.insertText", {"text": "sophamtning helgdag"})
    world.wait(lambda: "Sophämtning vid helgdagar" in b.text("#results"), "a hit")
    b.css("#results li a").click()
    world.wait(lambda: b.driver.title == "Sophämtning vid helgdagar · Help centre")
    assert b.driver.current_url == f"{world.base}/help/articles/{PUBLIC_DOC}"

    # A new revision published at a desktop shows up on the open page.
    olle = world.desktop("olle")
    doc = olle.open_doc(PUBLIC_DOC)
    doc["body"].insert(len(str(doc["body"]).encode()), "\nNyårsdagen: hämtning dagen efter.\n")
    olle.close_doc(PUBLIC_DOC)
    world.wait(lambda: olle.unconfirmed == 0)
    olle.publish(PUBLIC_DOC, "Nyår")
    world.wait(lambda: "Nyårsdagen: hämtning dagen efter." in b.text("#article"), "the update")
    assert "Nyårsdagen" in b.text("#article .changed")

    # Nothing of an internal document, by any URL: page, topic, search hit, the app, /y/.
    public_topics = {t for m in public for t in m.published.topics}
    secrets = [m.title for m in internal] + [m.published.title for m in internal if m.published]
    for meta in internal:
        b.driver.get(f"{world.base}/help/articles/{quote(meta.id)}")
        world.wait(lambda: b.all("h1"))
        assert b.text("h1") == "Page not found", meta.id
        assert not any(secret in b.driver.page_source for secret in secrets), meta.id
        assert status_of(b, f"/help/articles/{quote(meta.id)}") == 404
        assert status_of(b, f"/y/{quote(meta.id)}") == 401
        for topic in set(meta.topics) - public_topics:
            assert status_of(b, f"/help/topics/{quote(topic)}") == 404
        words = " ".join(meta.title.split()[:3])
        b.driver.get(f"{world.base}/help/search?q={quote(words)}")
        world.wait(lambda: b.all("#results"))
        found = [a.get_attribute("href") for a in b.all("#results a")]
        # (the page repeats the query the visitor typed; its hits are public ones only)
        assert all(any(h.endswith("/" + p.id) for p in public) for h in found), (meta.id, found)
    # Signed out, the app is a sign-in form, whatever the address says.
    b.driver.get(f"{world.base}/#/doc/internal-threats-against-staff")
    world.wait(lambda: b.all("#signin-user"))
    assert not any(secret in b.driver.page_source for secret in secrets)
