"""The web side of the port (kmserver/web/): static files, the cookie session, the help centre.

Real server, real sockets; the browser itself is driven in tests/web.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from kmserver import policy
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import PROTOCOL_VERSION, ProtocolError, validate_meta
from kmserver.server import Server, ServerConfig
from kmserver.web.public import plain
from tests.server.conftest import PASSWORD, WireClient
from tests.server.test_transport_options import cert  # noqa: F401  (a fixture)


async def request(
    server: Server, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    def call() -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
        finally:
            conn.close()

    return await asyncio.to_thread(call)


def origin(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


async def make_public(sara: WireClient, doc_id: str) -> None:
    answer = await sara.ask(type="set_meta", doc=doc_id, audience=["public"])
    assert answer["type"] == "meta_saved", answer


# -- the policy: one path decides -------------------------------------------------


def test_visitors_read_only_published_public_documents() -> None:
    visitor = policy.Visitor()
    rep = type("Rep", (), {"name": "rita", "role": "rep"})()
    public = DocMeta("a", "A", audience=("public",), status="published")
    internal = DocMeta("b", "B", audience=("everyone",), status="published")
    draft = DocMeta("c", "C", audience=("public",), status="draft")
    assert policy.can_read(visitor, public)
    assert not policy.can_read(visitor, internal)
    assert not policy.can_read(visitor, draft)
    assert not policy.can_edit(visitor, public) and not policy.sees_working_copy(visitor, public)
    assert policy.can_read(rep, public)  # what the public reads, staff read too
    validate_meta({"audience": ["public", "rep"]})
    with pytest.raises(ProtocolError):
        validate_meta({"audience": ["citizens"]})


# -- static files and headers --------------------------------------------------------


async def test_the_app_and_its_bundle_are_served_with_strict_headers(server: Server) -> None:
    status, headers, body = await request(server, "/")
    assert status == 200 and "/static/app.js" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    status, headers, _ = await request(server, "/static/app.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    etag = headers["etag"]
    status, _, _ = await request(server, "/static/app.js", headers={"If-None-Match": etag})
    assert status == 304
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/nothing", "/static/"):
        assert (await request(server, path))[0] == 404, path
    assert (await request(server, "/", method="DELETE"))[0] == 405
    status, headers, body = await request(server, "/help/", method="HEAD")
    assert status == 200 and body == "" and int(headers["content-length"]) > 0
    assert (await request(server, "/health"))[0] == 200


# -- the cookie session ----------------------------------------------------------------


async def web_hello(server: Server, cookie: str | None, page_origin: str | None) -> dict:
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    async with connect(
        f"ws://127.0.0.1:{server.port}/ws", origin=page_origin, additional_headers=headers
    ) as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION}))
        return json.loads(await ws.recv())


async def test_sign_in_trades_the_token_for_an_http_only_cookie(server: Server) -> None:
    client = await WireClient.open(server, "rita")
    token = client.welcome["token"]
    await client.close()
    me = origin(server)
    # Another site cannot set or use the cookie.
    status, _, _ = await request(
        server,
        "/api/session",
        "POST",
        {"Authorization": f"Bearer {token}", "Origin": "http://evil.example"},
    )
    assert status == 403
    status, _, _ = await request(server, "/api/session", "POST", {"Origin": me})
    assert status == 400
    status, _, body = await request(
        server, "/api/session", "POST", {"Authorization": "Bearer nope", "Origin": me}
    )
    assert status == 401 and json.loads(body)["error"] == "auth_failed"
    status, headers, body = await request(
        server, "/api/session", "POST", {"Authorization": f"Bearer {token}", "Origin": me}
    )
    assert status == 200 and json.loads(body)["user"]["name"] == "rita"
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"kmdesk_session={token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    pair = cookie.split(";")[0]

    welcome = await web_hello(server, pair, me)
    assert welcome["type"] == "welcome" and welcome["user"]["name"] == "rita"
    assert "token" not in welcome  # the page never sees it again
    # A page of another site may not open a socket at all (issue 10, item 8), cookie or not.
    with pytest.raises(InvalidStatus) as refused:
        await web_hello(server, pair, "http://evil.example")
    assert refused.value.response.status_code == 403
    assert (await web_hello(server, None, me))["code"] == "not_signed_in"

    status, headers, _ = await request(
        server, "/api/signout", "POST", {"Cookie": pair, "Origin": me}
    )
    assert status == 200 and "Max-Age=0" in headers["set-cookie"]
    assert (await web_hello(server, pair, me))["type"] == "error"  # the token is revoked


async def test_sign_in_refusals_and_throttling_are_the_desktops(server: Server) -> None:
    async def hello(password: str) -> dict:
        async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "protocol": PROTOCOL_VERSION,
                        "user": "rita",
                        "password": password,
                        "client": "web",
                    }
                )
            )
            return json.loads(await ws.recv())

    answers = [await hello("wrong") for _ in range(6)]
    assert answers[0]["code"] == "auth_failed"
    assert answers[-1]["code"] == "auth_throttled" and answers[-1]["retry_after"] > 0
    assert (await hello(PASSWORD))["code"] == "auth_throttled"  # even the right password


# -- the public help centre ----------------------------------------------------------------


async def test_the_help_centre_shows_public_documents_and_nothing_else(
    server: Server, clients: Any
) -> None:
    sara = await clients("sara")
    status, _, missing = await request(server, "/help/articles/no-such-article")
    assert status == 404
    status, _, index = await request(server, "/help/")
    assert status == 200 and "Parking permit" not in index
    assert (await request(server, "/help/articles/parking"))[2] == missing

    await make_public(sara, "parking")
    status, _, page = await request(server, "/help/articles/parking")
    assert status == 200
    assert "<title>Parking permit · Help centre</title>" in page
    assert "Överklaga inom tre veckor." in page
    status, _, index = await request(server, "/help/")
    assert 'href="/help/articles/parking"' in index and 'href="/help/topics/parking"' in index

    # Nothing of an internal document, by any URL: not its page, topic, title or a hit.
    internal_bits = ("Threat routine", "Call security", "Style guide", "internal", "styleguide")
    pages = [
        "/help/",
        "/help/search?q=threat",
        "/help/search?q=security",
        "/help/search?q=style",
        "/help/search?q=routine&part=results",
        "/help/topics/general",
        "/help/topics/school",
        "/help/articles/internal",
        "/help/articles/styleguide",
        "/help/articles/school",
        "/help/articles/draft",
        "/help/live",
    ]
    for path in pages:
        status, _, body = await request(server, path)
        assert not any(bit in body for bit in internal_bits), path
        if "/articles/" in path or "/topics/" in path:
            assert (status, body) == (404, missing.replace("no-such-article", "")), path


async def test_help_search_forgives_accents_and_typos(server: Server, clients: Any) -> None:
    sara = await clients("sara")
    await make_public(sara, "parking")
    for q in ("overklaga", "Överklaga", "överklag", "parkng", "permt aply"):
        status, _, body = await request(server, f"/help/search?q={quote(q)}")
        assert status == 200 and 'href="/help/articles/parking"' in body, q
    status, _, body = await request(server, "/help/search?q=" + "x" * 5000)
    assert status == 200 and "x" * 201 not in body  # bounded
    _, _, body = await request(server, "/help/search?q=overklaga")
    assert "1 article matches" in body  # one public article: not "1 articles"


async def test_help_search_snippets_are_plain_text_not_markdown(
    server: Server, clients: Any
) -> None:
    """A citizen's search result reads like text: no '#', '**', '[..](..)', '- ' or '`'."""
    sara = await clients("sara")
    olle = await clients("olle")
    await make_public(sara, "parking")
    markdown = (
        "\n## Överklaga en bot\n\n"
        "Du kan **bestrida** boten _skriftligt_ via [e-tjänsten](https://example.se/a).\n\n"
        "- Skriv `ärendenummer` <b>först</b>\n- Bifoga bilder\n"
    )
    await olle.edit("parking", lambda text: text.insert(len(str(text)), markdown))
    answer = await olle.ask(type="publish", id=str(uuid.uuid4()), doc="parking")
    assert answer["type"] == "saved"
    status, _, body = await request(server, f"/help/search?q={quote('overklaga')}")
    assert status == 200
    snippet = body.split('<p class="snippet">', 1)[1].split("</p>", 1)[0]
    # the title, which the link above it shows, is not repeated
    assert snippet.startswith("Apply online. Överklaga inom tre veckor. Överklaga en bot.")
    assert "Du kan bestrida boten skriftligt via e-tjänsten." in snippet
    assert "Skriv ärendenummer &lt;b&gt;först&lt;/b&gt;." in snippet  # escaped
    for mark in ("#", "**", "_skriftligt_", "](", "https://", "`", "- "):
        assert mark not in snippet, mark
    # Still cut around the match in a long article, between words.
    long = " ".join(["Fyllnadstext om annat."] * 40) + " Sista stycket om kontrollavgift."
    await olle.edit("parking", lambda text: text.insert(len(str(text)), f"\n{long}\n"))
    answer = await olle.ask(type="publish", id=str(uuid.uuid4()), doc="parking")
    assert answer["type"] == "saved"
    status, _, body = await request(server, "/help/search?q=kontrollavgift")
    snippet = body.split('<p class="snippet">', 1)[1].split("</p>", 1)[0]
    assert snippet.startswith("…") and "kontrollavgift." in snippet
    assert snippet[1:].split()[0] in ("Fyllnadstext", "om", "annat.")
    # A table reads one row to a sentence, its cells comma-separated.
    assert plain("| Zon | Avgift |\n|---|---|\n| **B** | 600 kr |\n") == "Zon, Avgift. B, 600 kr."


async def test_an_open_help_page_hears_of_a_new_revision(server: Server, clients: Any) -> None:
    sara = await clients("sara")
    olle = await clients("olle")
    with pytest.raises(InvalidStatus):  # an internal document has no live page either
        async with connect(f"ws://127.0.0.1:{server.port}/help/live?article=internal"):
            pass
    await make_public(sara, "parking")
    live = f"ws://127.0.0.1:{server.port}/help/live"
    async with connect(f"{live}?article=parking") as page, connect(live) as index:
        await olle.edit("parking", lambda text: text.insert(len(str(text)), "Ny rad 🚗\n"))
        answer = await olle.ask(type="publish", id=str(uuid.uuid4()), doc="parking")
        assert answer["type"] == "saved"
        assert json.loads(await page.recv()) == {"type": "changed", "rev": 2}
        assert json.loads(await index.recv()) == {"type": "index"}
        _, _, body = await request(server, "/help/articles/parking")
        assert "Ny rad 🚗" in body
        await sara.ask(type="set_meta", doc="parking", audience=["rep"])
        assert json.loads(await page.recv()) == {"type": "gone"}
    assert (await request(server, "/help/articles/parking"))[0] == 404


async def test_over_tls_the_cookie_is_secure_and_host_only(db_url: str, cert: Any) -> None:  # noqa: F811
    crt, key = cert
    srv = Server(ServerConfig(db_url=db_url, port=0, certfile=crt, keyfile=key))
    await srv.start()
    try:
        context = ssl.create_default_context(cafile=crt)
        me = f"https://127.0.0.1:{srv.port}"
        async with connect(f"wss://127.0.0.1:{srv.port}/ws", ssl=context) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "protocol": PROTOCOL_VERSION,
                        "user": "rita",
                        "password": PASSWORD,
                    }
                )
            )
            token = json.loads(await ws.recv())["token"]

        def post() -> str:
            conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=context, timeout=10)
            try:
                headers = {"Authorization": f"Bearer {token}", "Origin": me}
                conn.request("POST", "/api/session", headers=headers)
                response = conn.getresponse()
                assert response.status == 200
                return response.getheader("Set-Cookie") or ""
            finally:
                conn.close()

        cookie = await asyncio.to_thread(post)
        assert cookie.startswith(f"__Host-kmdesk_session={token};")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        async with connect(
            f"wss://127.0.0.1:{srv.port}/ws",
            ssl=context,
            origin=me,
            additional_headers={"Cookie": cookie.split(";")[0]},
        ) as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION}))
            welcome = json.loads(await ws.recv())
            assert welcome["type"] == "welcome" and "token" not in welcome
    finally:
        await srv.stop()


async def test_ids_and_topics_with_any_letter_have_working_links(
    server: Server, clients: Any
) -> None:
    sara = await clients("sara")
    created = await sara.ask(
        type="create_doc",
        id="sophämtning-jul",
        title="Sophämtning i jul",
        topics=["avfall och återvinning"],
        audience=["public"],
        body="# Sophämtning i jul\n\nHämtning dagen efter.\n",
    )
    assert created["type"] == "created", created
    assert (await sara.publish("sophämtning-jul"))["type"] == "saved"
    _, _, index = await request(server, "/help/")
    article = "/help/articles/soph%C3%A4mtning-jul"
    topic = "/help/topics/avfall%20och%20%C3%A5tervinning"
    assert f'href="{article}"' in index and f'href="{topic}"' in index
    status, _, page = await request(server, article)
    assert status == 200 and "Hämtning dagen efter." in page
    status, _, page = await request(server, topic)
    assert status == 200 and "Sophämtning i jul" in page
