"""``kmclient --demo`` prints the web app's address with a demo sign-in, and it answers."""

from __future__ import annotations

import re
import urllib.request

from kmclient.demo import DEMO_PASSWORD, web_addresses
from kmserver.embedded import EmbeddedServer


def test_the_printed_addresses_serve_the_app_and_the_help_centre(server: EmbeddedServer) -> None:
    lines = web_addresses(server.port)
    assert f"password '{DEMO_PASSWORD}'" in lines[0] and "anna" in lines[0]
    for line in lines:
        (url,) = re.findall(r"http://\S+/", line)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/html")
