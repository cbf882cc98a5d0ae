"""Must-reads and broadcasts in Chromium, sent by a supervisor at the desktop: the rep
sees what she must read, acknowledges it once, and sees what changed at the next
must-read; a broadcast is a banner until it is ended."""

from __future__ import annotations

from kmclient.core.model import QueryAnswered
from tests.web.conftest import World

DOC = "overklaga-parkeringsbot"  # in anna's topic "parking", owned by olle


def coverage(world: World, sara, doc_id: str) -> dict:  # type: ignore[no-untyped-def]
    answers: list[QueryAnswered] = []
    sara.listen(lambda e: answers.append(e) if isinstance(e, QueryAnswered) else None)
    ref = sara.ask("coverage", doc=doc_id)
    world.wait(lambda: any(a.ref == ref for a in answers), "the coverage")
    return next(a for a in answers if a.ref == ref).data


def test_a_rep_acknowledges_a_must_read_and_sees_a_broadcast(world: World) -> None:
    sara = world.desktop("sara")
    olle = world.desktop("olle")
    b = world.browser()
    world.sign_in(b, "anna")
    waiting = int(b.text("#mustread-button .count-badge") or 0)  # the demo's own must-reads

    sara.require_reading(DOC, ["topic:parking"], note="Ny rutin för bestridanden")
    count = f"Must read {waiting + 1}"
    world.wait(lambda: b.text("#mustread-button") == count, "the must-read count")
    world.click(b, "#mustread-button")
    world.wait(lambda: "Ny rutin för bestridanden" in b.text("#mustreads"))
    (link,) = [a for a in b.all("#mustreads li a") if a.text == "Överklaga parkeringsbot"]
    link.click()
    world.wait(lambda: b.text("#doc-title") == "Överklaga parkeringsbot")
    world.wait(lambda: b.all("#acknowledge"), "the must-read banner")
    world.wait(lambda: coverage(world, sara, DOC)["counts"]["opened"] == 1, "opened")
    world.click(b, "#acknowledge")
    world.wait(lambda: "Read and acknowledged" in b.text(".mustread-banner"), "acknowledged")
    world.wait(lambda: b.text("#mustread-button .count-badge") == str(waiting), "one fewer")
    assert coverage(world, sara, DOC)["counts"]["acknowledged"] == 1

    # A new revision as a must-read: what changed since the one she acknowledged.
    doc = olle.open_doc(DOC)
    doc["body"].insert(0, "Från 1 maj: bestrid inom tre veckor.\n\n")
    olle.close_doc(DOC)
    world.wait(lambda: olle.unconfirmed == 0)
    olle.publish(DOC, "Tre veckor")
    world.wait(lambda: "bestrid inom tre veckor" in b.text("#article"))
    # sara's app must know of version 2 before she makes it a must-read.
    world.wait(lambda: sara.doc(DOC).rev == 2, "version 2 at sara's desk")
    sara.require_reading(DOC, ["topic:parking"], note="Ny frist")
    world.wait(lambda: b.all("#what-changed"), "what changed since version 1")
    world.click(b, "#what-changed")
    world.wait(lambda: "bestrid inom tre veckor" in b.text("dialog[open] ins"), "the diff")
    world.click(b, "dialog[open] button")

    # A broadcast: a banner for as long as it runs.
    sv = world.browser(lang="sv-SE")  # a colleague who reads Swedish
    world.sign_in(sv, "anna")
    broadcast = sara.send_broadcast(
        "Telefonisystemet ligger nere – hänvisa till chatten", "rep", severity="critical", link=DOC
    )
    world.wait(lambda: b.all("#broadcasts .broadcast.critical"), "the banner")
    assert "Telefonisystemet ligger nere" in b.text("#broadcasts")
    assert not b.all("#broadcasts .broadcast.critical .close")  # critical: cannot be hidden
    # The level has the desktop's name ("Critical", "Kritiskt"), not a word of its own.
    assert b.text("#broadcasts .broadcast.critical strong") == "Critical:"
    world.wait(lambda: sv.all("#broadcasts .broadcast.critical"), "the banner in Swedish")
    assert sv.text("#broadcasts .broadcast.critical strong") == "Kritiskt:"
    sara.end_broadcast(broadcast)
    world.wait(lambda: not b.all("#broadcasts .broadcast.critical"), "the banner gone")
