"""The connection thread on its own: prompt stop, even while the handshake hangs."""

from __future__ import annotations

import socket
import threading
import time

from kmclient.demo_server import DemoServer
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


class FreezableProxy:
    """TCP between the client and a real server; ``freeze`` stops carrying bytes either
    way without closing anything: a server or network that stopped answering."""

    def __init__(self, target_port: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target_port = target_port
        self.frozen = threading.Event()
        self.closed = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        while not self.closed.is_set():
            try:
                data = src.recv(65536)
            except OSError:
                return
            if not data:
                return
            if self.frozen.is_set():
                continue  # swallowed: the other side never hears of it
            try:
                dst.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        self.closed.set()
        for s in [self.listener, *self.sockets]:
            s.close()


def test_a_server_that_stops_answering_is_noticed_without_a_close() -> None:
    server = DemoServer().start()
    proxy = FreezableProxy(server.port)
    woke = threading.Event()
    conn = Connection(
        f"ws://127.0.0.1:{proxy.port}",
        ev.Credentials("anna", "demo"),
        woke.set,
        keepalive=(0.5, 0.5),
    )
    try:
        conn.start()
        events: list[ev.NetEvent] = []
        deadline = time.monotonic() + 30
        while not any(isinstance(e, ev.Welcome) for e in events):
            assert time.monotonic() < deadline, events
            woke.wait(1)
            woke.clear()
            events += conn.take_events()
        proxy.frozen.set()  # no close frame, no FIN: only the keepalive can tell
        lost = []
        deadline = time.monotonic() + 30
        while not lost:
            assert time.monotonic() < deadline, "still 'online' 30 s after the server went"
            woke.wait(1)
            woke.clear()
            lost = [e for e in conn.take_events() if isinstance(e, ev.Disconnected)]
        assert lost[0].code == ev.LOST and lost[0].retry_in is not None
    finally:
        conn.stop()
        proxy.close()
        server.close()
