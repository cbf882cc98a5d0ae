"""The connection thread on its own: prompt stop, even while the handshake hangs."""

from __future__ import annotations

import socket
import threading
import time

from kmclient.net import events as ev
from kmclient.net.connection import Connection


def test_stop_is_prompt_while_a_handshake_hangs() -> None:
    with socket.socket() as silent:  # accepts TCP but never answers the HTTP upgrade
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        woke = threading.Event()
        conn = Connection(
            f"ws://127.0.0.1:{silent.getsockname()[1]}",
            ev.Credentials("rita", "pw"),
            woke.set,
            open_timeout=60,
        )
        conn.start()
        assert woke.wait(10)
        assert conn.take_events() == [ev.Connecting(0)]
        started = time.monotonic()
        conn.stop()
        assert time.monotonic() - started < 5
        assert conn.take_events()[-1].code == ev.STOPPED  # type: ignore[union-attr]


def test_the_server_address_gets_the_ws_path() -> None:
    notify = lambda: None  # noqa: E731
    creds = ev.Credentials("rita", "pw")
    assert Connection("ws://h:1", creds, notify).url == "ws://h:1/ws"
    assert Connection("ws://h:1/", creds, notify).url == "ws://h:1/ws"
    assert Connection("wss://h/ws", creds, notify).url == "wss://h/ws"
