"""A document's whole state is read once per version and served from memory after
(kmserver/state_cache.py): never older than the document, bounded in bytes."""

from __future__ import annotations

from kmserver.protocol import streams, ysync
from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server
from kmserver.state_cache import StateCache

NOTHING = b"\x00"  # the state vector of a client that holds nothing


def test_an_entry_is_served_only_at_its_version() -> None:
    cache = StateCache()
    kept = cache.put("doc", False, 7, b"state at 7")
    assert cache.get("doc", False, 7) is kept
    assert cache.get("doc", False, 8) is None  # the document changed since
    assert cache.get("doc", True, 7) is None  # the published stream is another entry
    cache.put("doc", False, 8, b"state at 8")
    assert len(cache) == 1  # a new version replaces the old one
    assert cache.get("doc", False, 8).state == b"state at 8"  # type: ignore[union-attr]
    assert cache.bytes == len(b"state at 8")


def test_a_frame_is_built_once_and_counted() -> None:
    cache = StateCache()
    entry = cache.put("doc", False, 1, b"x" * 10)
    built = []

    def build(state: bytes) -> bytes:
        built.append(state)
        return b"frame:" + state

    first = entry.frame("doc", build)
    assert entry.frame("doc", build) is first
    assert built == [b"x" * 10]
    assert cache.bytes == 10 + len(first)


def test_the_cache_is_bounded_in_bytes() -> None:
    cache = StateCache(max_bytes=100)
    cache.put("a", False, 1, b"a" * 20)
    cache.put("b", False, 1, b"b" * 20)
    cache.get("a", False, 1)  # used: b is now the least recently used
    cache.put("c", False, 1, b"c" * 20)
    entry = cache.put("d", False, 1, b"d" * 20)
    entry.frame("k", lambda state: state * 2)  # 60 bytes: over the bound
    assert cache.bytes <= 100
    assert cache.get("b", False, 1) is None
    assert cache.get("d", False, 1) is entry
    too_big = cache.put("e", False, 1, b"e" * 26)  # over a quarter of the bound
    assert too_big.state == b"e" * 26
    assert cache.get("e", False, 1) is None  # served, not kept


async def _whole_state(client, name: str) -> str:  # type: ignore[no-untyped-def]
    """Ask as a client that holds nothing; the text of the answer."""
    seen = len(client.updates)
    await client.ws.send(ysync.wrap(name, ysync.sync_step1(NOTHING)))
    await client.wait_for(lambda: len(client.updates) > seen)
    got, payload = client.updates[seen]
    assert got == name
    doc = new_doc()
    doc.apply_update(payload)
    return str(body(doc))


async def test_a_cached_state_is_read_again_when_the_document_changes(
    server: Server, clients
) -> None:
    olle = await clients("olle")
    sara = await clients("sara")
    asker = await clients("olle", sync=False)  # receives nothing but its answers
    first = await _whole_state(asker, "parking")
    assert first.startswith("# Parking permit")
    hits = server.states.hits
    assert await _whole_state(asker, "parking") == first
    assert server.states.hits == hits + 1  # the second ask was served from memory
    # an edit: the next ask has it
    await sara.edit("parking", lambda t: t.insert(0, "Nytt: "))
    await olle.wait_for(lambda: olle.text("parking").startswith("Nytt: "))
    assert await _whole_state(asker, "parking") == "Nytt: " + first
    # the published stream is cached on its own, and a publication renews it
    published = streams.published("parking")
    assert await _whole_state(asker, published) == first
    assert await _whole_state(asker, published) == first
    saved = await olle.publish("parking", "with the edit")
    assert saved["type"] == "saved"
    assert await _whole_state(asker, published) == "Nytt: " + first
