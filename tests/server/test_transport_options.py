"""wss:// with --certfile/--keyfile, and the Origin allowlist."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.server import Server, ServerConfig


@pytest.fixture
def cert(tmp_path: Path) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a test certificate"
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(crt),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(crt), str(key)


async def test_tls(db_url: str, cert: tuple[str, str]) -> None:
    crt, key = cert
    srv = Server(ServerConfig(db_url=db_url, port=0, certfile=crt, keyfile=key))
    await srv.start()
    try:
        assert srv.url.startswith("wss://")
        context = ssl.create_default_context(cafile=crt)
        async with connect(f"wss://127.0.0.1:{srv.port}/ws", ssl=context) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "protocol": PROTOCOL_VERSION,
                        "user": "rita",
                        "password": "correct horse battery",
                    }
                )
            )
            assert json.loads(await ws.recv())["type"] == "welcome"
    finally:
        await srv.stop()


async def test_origin_allowlist(db_url: str) -> None:
    srv = Server(ServerConfig(db_url=db_url, port=0, allowed_origins=("https://kb.example",)))
    await srv.start()
    try:
        url = f"ws://127.0.0.1:{srv.port}/ws"
        with pytest.raises(InvalidStatus) as info:
            async with connect(url, origin="https://evil.example"):
                pass
        assert info.value.response.status_code == 403
        async with connect(url, origin="https://kb.example"):
            pass
        async with connect(url):  # desktop clients send no Origin
            pass
    finally:
        await srv.stop()
