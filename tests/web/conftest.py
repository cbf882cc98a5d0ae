"""Browser tests: Debian's Chromium (headless) against a real kmserver on 127.0.0.1.

The server runs the demo knowledge base (resources/kb, Swedish and English,
some articles public) on its own thread; "desktop" users are real kmclient
sync engines (the desktop app's Qt-free core) owned by the test thread. Every
wait polls a condition, in the browser and in the engines' owner loop at once;
nothing sleeps.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine
from kmclient.demo import DEMO_PASSWORD, seed_database
from kmserver.embedded import EmbeddedServer
from tests.web.browser import Browser, available

WAIT = 30.0  # generous: two cores, a browser and a server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    ours = [i for i in items if "tests/web/" in str(i.fspath).replace(os.sep, "/")]
    if available() or not ours:
        return
    if os.environ.get("CI"):
        # CI installs Chromium (.ci/run): a missing browser there is a failure, not a skip.
        raise pytest.UsageError("CI needs /usr/bin/chromium and /usr/bin/chromedriver")
    skip = pytest.mark.skip(
        reason="Chromium is not installed here (apt-get install chromium "
        "chromium-driver; .ci/run does)"
    )
    for item in ours:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (users, 34 articles, a little history), seeded once."""
    directory = tmp_path_factory.mktemp("web-template")
    seed_database(f"sqlite:///{directory / 'server.db'}")
    return directory / "server.db"


@pytest.fixture
def server(tmp_path: Path, demo_template: Path) -> Iterator[EmbeddedServer]:
    shutil.copy(demo_template, tmp_path / "server.db")
    srv = EmbeddedServer(f"sqlite:///{tmp_path / 'server.db'}").start()
    yield srv
    srv.stop()


class World:
    """The browsers and desktop engines of one test, and a wait that serves both."""

    def __init__(self, server: EmbeddedServer, tmp_path: Path) -> None:
        self.server = server
        self.tmp_path = tmp_path
        self.owner = OwnerLoop()
        self.browsers: list[Browser] = []
        self.engines: list[SyncEngine] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def browser(self, width: int = 1440, height: int = 900, lang: str = "en-GB") -> Browser:
        b = Browser(width, height, lang)
        self.browsers.append(b)
        return b

    def desktop(self, name: str) -> SyncEngine:
        """A desktop user: the kmclient sync engine, signed in and synced."""
        from kmclient.net.backoff import Backoff

        engine = SyncEngine(
            self.tmp_path / "profiles" / name,
            self.owner.post,
            backoff=Backoff(base=0.05, cap=0.5, stable_after=5.0),
        )
        self.engines.append(engine)
        engine.connect(self.server.url, name, DEMO_PASSWORD)
        self.wait(lambda: engine.status.state == "online", f"{name} online")
        return engine

    def wait(self, done: Callable[[], Any], what: str = "", timeout: float = WAIT) -> None:
        """Until ``done()`` is truthy, running the engines' posted work meanwhile."""

        def check() -> bool:
            try:
                return bool(done())
            except Exception:  # an element that is not there yet, a stale one
                return False

        if not self.owner.run_until(check, timeout):
            raise AssertionError(f"timed out after {timeout} s waiting for {what or done}")

    def click(self, b: Browser, selector: str, what: str = "") -> None:
        """Click what ``selector`` finds, again if the page re-rendered it in between
        (a stale element: live records re-render banners and lists at any moment)."""
        self.wait(lambda: b.css(selector).click() or True, what or f"a click on {selector}")

    def sign_in(self, b: Browser, user: str, password: str = DEMO_PASSWORD) -> None:
        b.driver.get(self.base + "/")
        self.wait(lambda: b.all("#signin-user"), "the sign-in form")
        b.css("#signin-user").send_keys(user)
        b.css("#signin-password").send_keys(password)
        b.css("#signin-submit").click()
        self.wait(
            lambda: b.all("li.doc") and "online" in b.css("#status").get_attribute("class"),
            f"{user} signed in and synced",
        )

    def close(self) -> None:
        for b in self.browsers:
            b.quit()
        for engine in self.engines:
            engine.close()


@pytest.fixture
def world(server: EmbeddedServer, tmp_path: Path) -> Iterator[World]:
    w = World(server, tmp_path)
    yield w
    w.close()
