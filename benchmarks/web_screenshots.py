"""Screenshots of the web app and the help centre in Debian's Chromium, at 1440 and 390 px.

    python benchmarks/web_screenshots.py [OUT_DIR]   (default: screenshots/web)

Starts the demo server (a temporary copy of the demo knowledge base), a desktop
engine as a colleague, and headless Chromium; writes PNGs to look at by eye.
The best go into docs/ and the README.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pycrdt import Assoc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine
from kmclient.demo import DEMO_PASSWORD, DemoServer
from kmserver.protocol import awareness as wire
from tests.web.browser import Browser

DOC = "parking-residential-permit"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    owner = OwnerLoop()
    server = DemoServer().start()
    base = f"http://127.0.0.1:{server.port}"
    tmp = Path(tempfile.mkdtemp(prefix="kmdesk-shots-"))
    browsers: list[Browser] = []
    engines: list[SyncEngine] = []

    def wait(done: Callable[[], Any], timeout: float = 30.0) -> None:
        def check() -> bool:
            try:
                return bool(done())
            except Exception:
                return False

        if not owner.run_until(check, timeout):
            raise TimeoutError(str(done))

    def browser(width: int, height: int, lang: str = "en-GB") -> Browser:
        b = Browser(width, height, lang)
        browsers.append(b)
        return b

    def desktop(name: str) -> SyncEngine:
        engine = SyncEngine(tmp / name, owner.post)
        engines.append(engine)
        engine.connect(server.url, name, DEMO_PASSWORD)
        wait(lambda: engine.status.state == "online")
        return engine

    def sign_in(b: Browser, user: str) -> None:
        b.driver.get(base + "/")
        wait(lambda: b.all("#signin-user"))
        b.css("#signin-user").send_keys(user)
        b.css("#signin-password").send_keys(DEMO_PASSWORD)
        b.css("#signin-submit").click()
        wait(lambda: b.all("li.doc") and "online" in b.css("#status").get_attribute("class"))

    def shot(b: Browser, name: str) -> None:
        b.js("document.activeElement && document.activeElement.blur && 0")
        b.driver.save_screenshot(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    try:
        # Sign-in, phone size.
        phone = browser(390, 844)
        phone.driver.get(base + "/")
        wait(lambda: phone.all("#signin-user"))
        shot(phone, "web-signin-390")

        # A rep searching, then reading; a publication arriving live.
        rep = browser(1440, 900)
        sign_in(rep, "anna")
        rep.css("#q").click()
        rep.driver.execute_cdp_cmd("Input.insertText", {"text": "overklaga"})
        wait(lambda: rep.all("#results li.doc"))
        rep.driver.get(f"{base}/#/doc/{DOC}")
        wait(lambda: rep.text("#doc-title"))
        shot(rep, "web-rep-search-1440")
        olle = desktop("olle")
        doc = olle.open_doc(DOC)
        text = doc["body"]
        at = str(text).find("## ")
        if at > 0:
            text.insert(
                len(str(text)[:at].encode()),
                "**From 1 December:** permits for zone D are issued by the new e-service only.\n\n",
            )
        olle.close_doc(DOC)
        wait(lambda: olle.unconfirmed == 0)
        olle.publish(DOC, "Zone D e-service")
        wait(lambda: "new e-service only" in rep.text("#article"))
        sara = desktop("sara")
        sara.require_reading(DOC, ["topic:parking"], note="Zone D: new e-service")
        wait(lambda: rep.all("#acknowledge") and rep.all("#broadcasts .broadcast"))
        rep.js("document.getElementById('main').scrollTop = 0")
        shot(rep, "web-rep-new-version-1440")

        # The same on a phone, in Swedish and dark.
        phone_rep = browser(390, 844, "sv-SE")
        phone_rep.driver.get(base + "/")
        phone_rep.js("localStorage.setItem('kmdesk.theme', 'dark')")
        sign_in(phone_rep, "anna")
        shot(phone_rep, "web-rep-list-390-dark")
        phone_rep.driver.get(f"{base}/#/doc/overklaga-parkeringsbot")
        wait(lambda: phone_rep.text("#doc-title"))
        shot(phone_rep, "web-rep-article-390-dark")

        # An editor in the browser with a desktop colleague's caret.
        editor = browser(1440, 900)
        sign_in(editor, "olle")
        editor.driver.get(f"{base}/#/doc/{DOC}")
        wait(lambda: editor.all("#edit"))
        editor.css("#edit").click()
        wait(lambda: editor.all(".cm-content"))
        sdoc = sara.open_doc(DOC)
        stext = sdoc["body"]
        pos = stext.sticky_index(len(str(stext)[:400].encode()), Assoc.AFTER).to_json()
        state = {
            "user": {"name": "sara", "color": "#c62828"},
            "cursor": {"anchor": pos, "head": pos},
        }
        sara.send_awareness(DOC, wire.encode([(777, 1, json.dumps(state))]))
        wait(lambda: editor.all(".cm-ySelectionCaret"))
        editor.css(".cm-content").click()
        shot(editor, "web-editor-1440")
        sara.close_doc(DOC)

        # The public help centre.
        visitor = browser(1440, 900)
        visitor.driver.get(base + "/help/")
        wait(lambda: visitor.all(".topic"))
        shot(visitor, "web-help-1440")
        visitor_phone = browser(390, 844, "sv-SE")
        visitor_phone.driver.get(base + "/help/articles/sophamtning-vid-helgdagar")
        wait(lambda: visitor_phone.all("#article"))
        shot(visitor_phone, "web-help-article-390")
    finally:
        for b in browsers:
            b.quit()
        for engine in engines:
            engine.close()
        server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="screenshots/web", type=Path)
    main(parser.parse_args().out_dir)
