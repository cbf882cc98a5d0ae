"""Co-editing and delta sync through real sockets on 127.0.0.1."""

from __future__ import annotations

from pycrdt import Text

from kmserver.server import Server


async def test_fresh_sync_delivers_visible_documents(clients) -> None:
    rita = await clients("rita")
    assert set(rita.metas) == set(rita.published) == {"parking", "school"}
    assert rita.docs == {}  # a reader never receives a working copy
    assert rita.text("parking").startswith("# Parking permit")
    assert "Överklaga" in rita.text("parking")
    assert rita.metas["parking"]["can_edit"] is False
    assert rita.metas["parking"]["working"] is False
    assert rita.metas["parking"]["published"]["rev"] == 1


async def test_two_clients_converge_with_non_ascii(clients) -> None:
    olle = await clients("olle")
    sara = await clients("sara")

    def olle_edit(t: Text) -> None:
        t.insert(len(str(t).encode()), "Åsa 😀 öppnar.\n")

    def sara_edit(t: Text) -> None:
        t.insert(0, "⚠️ Viktigt: ")

    await olle.edit("parking", olle_edit)
    await sara.edit("parking", sara_edit)
    await olle.wait_for(lambda: "Viktigt" in olle.text("parking"))
    await sara.wait_for(lambda: "Åsa 😀" in sara.text("parking"))
    assert olle.text("parking") == sara.text("parking")
    assert olle.text("parking").startswith("⚠️ Viktigt: # Parking permit")
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 1)


async def test_delta_sync_sends_only_changes_and_removals(server: Server, clients) -> None:
    rita = await clients("rita")
    cursor = rita.cursor
    old_school = rita.published["school"]
    full_size = len(old_school.get_update())
    await rita.close()
    sara = await clients("sara")
    await sara.edit("school", lambda t: t.insert(0, "Ny text. "))
    await sara.wait_for(lambda: sara.of_type("ack"))
    assert (await sara.publish("school"))["type"] == "saved"
    await sara.edit("school", lambda t: t.insert(0, "Unpublished. "))
    await sara.edit("styleguide", lambda t: t.insert(0, "Unpublished too. "))
    await sara.send_json(type="set_meta", doc="parking", audience=["supervisor"])
    await sara.wait_for(lambda: sara.of_type("meta_saved") and len(sara.of_type("ack")) == 3)

    back = await clients("rita", sync=False)
    await back.sync(cursor=cursor, known=["parking", "school"])
    begin = back.of_type("sync_begin")[0]
    assert begin["total"] == 1  # only 'school' was published; 'parking' is now out of reach
    assert back.of_type("removed")[-1]["ids"] == ["parking"]
    assert set(back.metas) == {"school"}
    # the delta holds only the published edit, and it completes the copy rita kept
    ((name, delta),) = back.updates
    assert name == "school@published" and len(delta) < full_size
    assert b"Unpublished" not in delta
    old_school.apply_update(delta)
    assert str(old_school["body"]) == "Ny text. # School places\n\nApply in January.\n"


async def test_live_audience_change_removes_and_grants(clients) -> None:
    rita = await clients("rita")
    sara = await clients("sara")
    await sara.send_json(type="set_meta", doc="parking", audience=["supervisor"])
    await rita.wait_for(lambda: "parking" not in rita.metas and "parking" not in rita.published)
    await sara.send_json(type="set_meta", doc="internal", audience=["everyone"])
    await rita.wait_for(
        lambda: "internal" in rita.metas and "Call security" in rita.text("internal")
    )
    assert rita.docs == {}


async def test_step1_repairs_a_document(clients) -> None:
    from kmserver.protocol import ysync
    from kmserver.protocol.ytext import new_doc

    olle = await clients("olle")
    fresh = new_doc()
    await olle.ws.send(ysync.wrap("parking", ysync.sync_step1(fresh.get_state())))
    await olle.wait_for(lambda: len(olle.of_type("doc")) >= 1)
    expected = olle.text("parking")
    olle.docs["parking"] = new_doc()
    await olle.ws.send(ysync.wrap("parking", ysync.sync_step1(fresh.get_state())))
    await olle.wait_for(lambda: olle.text("parking") == expected)


async def test_a_new_document_is_a_draft_until_it_is_published(clients) -> None:
    olle = await clients("olle")
    rita = await clients("rita")
    await olle.send_json(type="create_doc", id="new-doc", title="Nytt", body="# Nytt\n", ref="r1")
    await olle.wait_for(lambda: olle.of_type("created"))
    assert olle.of_type("created")[0]["ref"] == "r1"
    # the creator gets the text too, and no ack: it sent no update frame
    await olle.wait_for(lambda: olle.text("new-doc") == "# Nytt\n")
    assert not olle.of_type("ack")
    assert olle.metas["new-doc"]["status"] == "draft"
    await rita.barrier()
    assert "new-doc" not in rita.metas
    saved = await olle.publish("new-doc", "first version")
    assert saved["type"] == "saved" and saved["rev"] == 1
    await rita.wait_for(lambda: rita.text("new-doc") == "# Nytt\n")
    assert rita.metas["new-doc"]["published"]["note"] == "first version"
    assert "new-doc" not in rita.docs
